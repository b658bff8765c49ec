"""What the public portal does: search and guide over the catalogue, and questions that
become cases in the client record.

``submit_question`` is the one way a visitor's question enters Loket: in one transaction
it finds or creates the company (by KvK number) and the person (by e-mail), records the
consent, picks the owner by the assignment rules and opens a case with channel web; after
commit the confirmation e-mail and the owner's notification go out as tasks. The rate
limit per address keeps only a keyed hash of the address (``QuestionThrottle``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.casework.models import Case
from loket.casework.routing import assign_owner
from loket.casework.services import open_case
from loket.catalogue.matching import PHASE_THEMES, Match, Profile, match, words
from loket.companies import services as companies
from loket.companies.models import Company, Consent, Person
from loket.companies.validators import normalise_kvk
from loket.core.models import Municipality, Region, Theme
from loket.portal.models import QuestionThrottle

SEARCH_LIMIT = 100
GUIDE_LIMIT = 25
THROTTLE_WINDOW = dt.timedelta(hours=1)
# What the visitor agrees to with the consent checkbox (stored on the person, in Dutch
# like every record of the client file).
CONSENT_PURPOSE = "Gegevens bewaren en gebruiken om de vraag via het publieke loket te beantwoorden"


# --- search and guide ----------------------------------------------------------------


def search_instruments(region: Region, text: str) -> list[Match]:
    """Current instruments of the region that fit the words of ``text``, best first. A
    text without meaningful words (only stop words) finds nothing."""
    if not words(text):
        return []
    return match(Profile(region_id=region.pk, question=text), limit=SEARCH_LIMIT).matches


@dataclass(frozen=True)
class GuideAnswers:
    """The guide's answers; empty means: not answered (never held against anything)."""

    phase: str = ""
    sector: str = ""  # an SBI section letter
    size_class: str = ""
    age: tuple[int, int | None] | None = None  # inclusive range of whole years
    age_label: str = ""
    municipality: Municipality | None = None

    @property
    def answered(self) -> bool:
        return bool(self.phase or self.sector or self.size_class or self.age or self.municipality)


def guide_matches(region: Region, answers: GuideAnswers) -> list[Match]:
    """The instruments that fit the guide's answers, each with the reasons in plain
    language (the company's age is a range: the engine keeps an instrument whose ages
    overlap it)."""
    profile = Profile(
        region_id=region.pk,
        phases=(answers.phase,) if answers.phase else (),
        sbi_codes=(answers.sector,) if answers.sector else (),
        size_class=answers.size_class or None,
        company_age_range=answers.age,
        municipality_id=answers.municipality.pk if answers.municipality else None,
    )
    return match(profile, limit=GUIDE_LIMIT).matches


def theme_for_phase(phase: str) -> str:
    """The theme slug the question form preselects for a guide's goal ('' if none)."""
    slugs = PHASE_THEMES.get(phase, ())
    return slugs[0] if slugs else ""


# --- the rate limit ------------------------------------------------------------------


def address_hash(address: str) -> str:
    """A keyed hash of a client address: the same address gives the same hash, and
    without the secret key the address cannot be recovered from it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def is_throttled(address: str, now: dt.datetime | None = None) -> bool:
    """The address sent ``LOKET_PORTAL_QUESTIONS_PER_HOUR`` questions in the last hour."""
    now = now or timezone.now()
    sent = QuestionThrottle.objects.filter(
        address_hash=address_hash(address), at__gt=now - THROTTLE_WINDOW
    ).count()
    return sent >= settings.LOKET_PORTAL_QUESTIONS_PER_HOUR


def note_question(address: str, now: dt.datetime | None = None) -> None:
    """Count one question of this address, and forget everything older than the window."""
    now = now or timezone.now()
    QuestionThrottle.objects.filter(at__lte=now - THROTTLE_WINDOW).delete()
    QuestionThrottle.objects.create(address_hash=address_hash(address), at=now)


class QuestionThrottled(Exception):
    """Too many questions from one address in the last hour."""


def discard_bot_question(address: str) -> None:
    """A filled honeypot: nothing is stored, but the attempt counts towards the limit."""
    note_question(address)


# --- the question --------------------------------------------------------------------


def _on_form_fields(exc: ValidationError, field_names: Mapping[str, str]) -> ValidationError:
    """A service's errors, reported on the form's field names."""
    return ValidationError(
        {field_names.get(key, "__all__"): msgs for key, msgs in exc.message_dict.items()}
    )


COMPANY_FORM_FIELDS = {
    "name": "company_name",
    "kvk_number": "kvk_number",
    "municipality": "municipality",
}


def _find_or_create_company(region: Region, data: Mapping[str, Any], email: str) -> Company:
    """The company with this KvK number in the region; without a KvK number, the company
    of the same name where this e-mail address is already a contact person; else a new
    one with the few fields the form gives (created by nobody: the public portal)."""
    kvk = normalise_kvk(data.get("kvk_number") or "")
    name = (data.get("company_name") or "").strip()
    if kvk:
        existing = (
            Company.objects.select_for_update()
            .filter(region=region, kvk_number=kvk)
            .order_by("pk")
            .first()
        )
    else:
        existing = (
            Company.objects.filter(region=region, name__iexact=name, persons__email__iexact=email)
            .order_by("pk")
            .first()
        )
    if existing is not None:
        return existing
    fields = {"name": name, "kvk_number": kvk, "municipality": data.get("municipality")}
    try:
        with transaction.atomic():
            company = companies.create_company(None, region, fields, confirm_duplicate=True)
    except (ValidationError, IntegrityError) as exc:
        # The same KvK number arrived at the same moment through another request.
        raced = Company.objects.filter(region=region, kvk_number=kvk).first() if kvk else None
        if raced is not None:
            return raced
        if isinstance(exc, IntegrityError):
            raise
        raise _on_form_fields(exc, COMPANY_FORM_FIELDS) from exc
    return company


def _find_or_create_person(company: Company, data: Mapping[str, Any]) -> Person:
    email = data["email"]
    phone = (data.get("phone") or "").strip()
    person = Person.objects.filter(company=company, email__iexact=email).order_by("pk").first()
    if person is not None:
        if not person.phone and phone:
            person = companies.update_person(None, person, {"phone": phone})
        return person
    fields = {"name": data.get("name") or "", "email": email, "phone": phone}
    try:
        return companies.create_person(None, company, fields)
    except ValidationError as exc:
        raise _on_form_fields(exc, {key: key for key in fields}) from exc


def _record_consent(person: Person) -> None:
    """The consent given with the form, unless the same consent is already in force."""
    if person.consents.filter(purpose=CONSENT_PURPOSE, withdrawn_on__isnull=True).exists():
        return
    companies.record_consent(
        None,
        person,
        companies.ConsentInput(purpose=CONSENT_PURPOSE, method=Consent.Method.WEB_FORM),
    )


def _validate_question(region: Region, data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    municipality = data.get("municipality")
    if not isinstance(municipality, Municipality) or municipality.region_id != region.pk:
        errors["municipality"] = _("Kies een gemeente uit de lijst.")
    topic = data.get("topic")
    if topic is not None and (not isinstance(topic, Theme) or not topic.active):
        errors["topic"] = _("Kies een onderwerp uit de lijst.")
    for key, message in (
        ("name", _("Vul uw naam in.")),
        ("company_name", _("Vul de naam van uw bedrijf in.")),
        ("email", _("Vul uw e-mailadres in.")),
        ("question", _("Beschrijf uw vraag.")),
    ):
        if not str(data.get(key) or "").strip():
            errors[key] = message
    if errors:
        raise ValidationError(errors)


def submit_question(region: Region, data: Mapping[str, Any], address: str) -> Case:
    """A visitor's question becomes a case with channel web, owner by the assignment
    rules and the region's first-response deadline.

    ``data`` holds the cleaned form: name, company_name, kvk_number (may be empty), email,
    phone, municipality (Municipality), topic (Theme or None) and question. The company is
    found by KvK number and the person by e-mail (linked, never duplicated). Raises
    ``QuestionThrottled`` when the address sent too many questions, ValidationError (by
    form field) on bad data; nothing is saved then.
    """
    if is_throttled(address):
        raise QuestionThrottled
    _validate_question(region, data)
    email = str(data["email"]).strip().lower()
    clean = {**data, "email": email}
    municipality: Municipality = data["municipality"]
    topic: Theme | None = data.get("topic")
    with transaction.atomic():
        note_question(address)
        company = _find_or_create_company(region, clean, email)
        person = _find_or_create_person(company, clean)
        _record_consent(person)
        owner = assign_owner(region, municipality.pk, [topic.pk] if topic else [])
        case = open_case(
            None,
            company,
            channel=Case.Channel.WEB,
            question=str(data["question"]),
            themes=[topic] if topic else [],
            owner=owner,
            person=person,
        )
        _enqueue_mail(case.pk, translation.get_language() or settings.LANGUAGE_CODE)
    return case


def _enqueue_mail(case_id: int, language: str) -> None:
    from loket.portal import tasks

    transaction.on_commit(lambda: tasks.send_question_confirmation.enqueue(case_id, language))
    transaction.on_commit(lambda: tasks.notify_owner_of_question.enqueue(case_id))
