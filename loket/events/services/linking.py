"""Link a registration, walk-in or webinar viewer to the client record, never duplicating.

``find`` only looks (used to report a webinar import before anything is written);
``link`` looks and, when nothing matches, creates the company and the person through
``loket.companies.services`` (its duplicate check included). The rules, in order:

1. a KvK number: the region's company with that number, else a new company with it;
2. an e-mail address that belongs to contact persons of exactly one company of the region
   (one of several, when the company name picks it out): that company and person;
3. a company name: the region's companies of that name (or trade name), narrowed by
   municipality when several; exactly one is a match, several are ambiguous;
4. otherwise a new company (and person), or, without a company name, no company at all.

Ambiguous means: more than one company fits; nothing is linked, and the caller reports
the candidates so that someone chooses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from loket.companies import services as companies
from loket.companies.models import Company, Person
from loket.companies.validators import normalise_kvk
from loket.core.models import Municipality, Region

Outcome = Literal["matched", "new", "ambiguous", "no_company"]
MATCHED: Outcome = "matched"
NEW: Outcome = "new"
AMBIGUOUS: Outcome = "ambiguous"
NO_COMPANY: Outcome = "no_company"


@dataclass(frozen=True)
class Contact:
    """What a registration form, a walk-in or a webinar export says about someone."""

    name: str
    email: str = ""
    company_name: str = ""
    kvk_number: str = ""
    municipality: Municipality | None = None


@dataclass
class Link:
    outcome: Outcome
    company: Company | None = None
    person: Person | None = None
    candidates: list[Company] = field(default_factory=list)


def _clean(contact: Contact) -> Contact:
    return Contact(
        name=(contact.name or "").strip(),
        email=(contact.email or "").strip().lower(),
        company_name=(contact.company_name or "").strip(),
        kvk_number=normalise_kvk(contact.kvk_number or ""),
        municipality=contact.municipality,
    )


def _by_name(region: Region, contact: Contact) -> list[Company]:
    name = contact.company_name
    found = list(
        Company.objects.filter(region=region)
        .filter(Q(name__iexact=name) | Q(trade_names__icontains=name))
        .order_by("pk")[:20]
    )
    # trade_names__icontains is a containment test on the JSON text: keep exact names only.
    lowered = name.lower()
    found = [
        c
        for c in found
        if c.name.lower() == lowered or lowered in [t.lower() for t in c.trade_names]
    ]
    if len(found) > 1 and contact.municipality is not None:
        local = [c for c in found if c.municipality_id == contact.municipality.pk]
        if local:
            found = local
    return found


def _by_email(region: Region, contact: Contact) -> list[Company]:
    if not contact.email:
        return []
    ids = list(
        Person.objects.filter(region=region, email__iexact=contact.email)
        .values_list("company_id", flat=True)
        .distinct()
    )
    found = list(Company.objects.filter(pk__in=ids).order_by("pk"))
    if len(found) > 1 and contact.company_name:
        lowered = contact.company_name.lower()
        named = [c for c in found if c.name.lower() == lowered]
        if named:
            found = named
    return found


def find(region: Region, contact: Contact) -> Link:
    """What ``link`` would do, without writing anything."""
    contact = _clean(contact)
    if contact.kvk_number:
        company = Company.objects.filter(region=region, kvk_number=contact.kvk_number).first()
        if company is not None:
            return Link(MATCHED, company, _person_in(company, contact))
        return Link(NEW)
    by_email = _by_email(region, contact)
    if len(by_email) == 1:
        return Link(MATCHED, by_email[0], _person_in(by_email[0], contact))
    if contact.company_name:
        by_name = _by_name(region, contact)
        if len(by_name) == 1:
            return Link(MATCHED, by_name[0], _person_in(by_name[0], contact))
        if len(by_name) > 1:
            return Link(AMBIGUOUS, candidates=by_name)
    if len(by_email) > 1:
        return Link(AMBIGUOUS, candidates=by_email)
    if not contact.company_name:
        return Link(NO_COMPANY)
    return Link(NEW)


def _person_in(company: Company, contact: Contact) -> Person | None:
    persons = Person.objects.filter(company=company)
    if contact.email:
        person = persons.filter(email__iexact=contact.email).order_by("pk").first()
        if person is not None:
            return person
    if contact.name:
        return persons.filter(name__iexact=contact.name).order_by("pk").first()
    return None


def link(region: Region, contact: Contact) -> Link:
    """Find the company and person, creating what is missing (inside the caller's
    transaction). Raises ValidationError (keys ``name``, ``email``, ``company_name``,
    ``kvk_number``) when the data cannot make a valid record."""
    contact = _clean(contact)
    found = find(region, contact)
    if found.outcome in (AMBIGUOUS, NO_COMPANY):
        return found
    company = found.company
    outcome = found.outcome
    if company is None:
        company, outcome = _create_company(region, contact)
    person = found.person if found.company is not None else None
    if person is None:
        person = _find_or_create_person(company, contact)
    return Link(outcome, company, person)


def _create_company(region: Region, contact: Contact) -> tuple[Company, Outcome]:
    fields = {
        "name": contact.company_name,
        "kvk_number": contact.kvk_number,
        "municipality": contact.municipality,
    }
    try:
        with transaction.atomic():
            return companies.create_company(None, region, fields), NEW
    except companies.DuplicateCompanyWarning as exc:
        if len(exc.candidates) >= 1:
            return exc.candidates[0], MATCHED
        raise
    except IntegrityError:
        # The same KvK number arrived at the same moment through another request.
        raced = Company.objects.filter(region=region, kvk_number=contact.kvk_number).first()
        if raced is None:
            raise
        return raced, MATCHED
    except ValidationError as exc:
        raise ValidationError(
            {_FIELDS.get(key, "company_name"): msgs for key, msgs in exc.message_dict.items()}
        ) from exc


_FIELDS = {"name": "company_name", "kvk_number": "kvk_number", "municipality": "municipality"}


def person_for(company: Company, contact: Contact) -> Person | None:
    """The company's contact person for ``contact``, made when missing (None without a
    name)."""
    return _find_or_create_person(company, _clean(contact))


def _find_or_create_person(company: Company, contact: Contact) -> Person | None:
    person = _person_in(company, contact)
    if person is not None:
        if contact.email and not person.email:
            person = companies.update_person(None, person, {"email": contact.email})
        return person
    if not contact.name:
        return None
    try:
        return companies.create_person(
            None, company, {"name": contact.name, "email": contact.email}
        )
    except ValidationError as exc:
        raise ValidationError(
            {
                key if key in ("name", "email") else "name": msgs
                for key, msgs in exc.message_dict.items()
            }
        ) from exc


def outcome_counts(links: Sequence[Link]) -> dict[str, int]:
    counts: dict[str, int] = {MATCHED: 0, NEW: 0, AMBIGUOUS: 0, NO_COMPANY: 0}
    for item in links:
        counts[item.outcome] += 1
    return counts
