"""Domain operations on companies, persons and consent.

Views, API endpoints, commands and tasks call these. Each one checks permission, runs in
one transaction, writes the audit trail and keeps the search index current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, utils

from loket.accounts.models import User
from loket.companies.models import Company, Consent, Person
from loket.companies.validators import normalise_kvk, normalise_postcode
from loket.core import audit
from loket.core.models import AuditEvent, Region
from loket.core.permissions import require, scope_of

COMPANY_FIELDS = (
    "kvk_number",
    "name",
    "trade_names",
    "legal_form",
    "employees",
    "founded_on",
    "street",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "municipality",
    "email",
    "phone",
    "website",
    "account_manager",
)
COMPANY_M2M = ("sbi_codes", "themes", "business_associations")
PERSON_FIELDS = ("name", "role", "email", "phone")
# A name at least this similar (rapidfuzz token_set_ratio, 0-100) at the same address
# counts as a probable duplicate.
DUPLICATE_NAME_SIMILARITY = 80


class DuplicateCompanyWarning(ValidationError):
    """Raised on create when probable duplicates exist and the user has not confirmed.

    ``same_kvk`` means one of them has the same KvK number: that cannot be overridden.
    """

    def __init__(self, candidates: list[Company], *, same_kvk: bool = False) -> None:
        if same_kvk:
            super().__init__(
                {"kvk_number": _("Er staat al een bedrijf met dit KvK-nummer in de regio.")},
                code="duplicate_kvk",
            )
        else:
            super().__init__(
                _("Dit bedrijf lijkt al te bestaan. Controleer de bedrijven hieronder."),
                code="duplicate",
            )
        self.candidates = candidates
        self.same_kvk = same_kvk


# --- helpers -------------------------------------------------------------------------


def _reindex(company_ids: Iterable[int]) -> None:
    from loket.companies.search import reindex_companies

    ids = list(company_ids)
    transaction.on_commit(lambda: reindex_companies(ids))


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "kvk_number" in out:
        out["kvk_number"] = normalise_kvk(out["kvk_number"] or "")
    if "postcode" in out:
        out["postcode"] = normalise_postcode(out["postcode"] or "")
    if "trade_names" in out:
        names = out["trade_names"] or []
        if isinstance(names, str):
            names = names.splitlines()
        out["trade_names"] = [n.strip() for n in names if n and n.strip()]
    if "name" in out and isinstance(out["name"], str):
        out["name"] = out["name"].strip()
    return out


def _validate_references(region: Region, data: Mapping[str, Any]) -> None:
    """Related rows must belong to the company's region."""
    errors: dict[str, str] = {}
    municipality = data.get("municipality")
    if municipality is not None and municipality.region_id != region.pk:
        errors["municipality"] = _("Deze gemeente hoort niet bij de regio.")
    manager = data.get("account_manager")
    if manager is not None and region.pk not in scope_of(manager).programme_region_ids():
        errors["account_manager"] = _(
            "De accountmanager moet adviseur of specialist van het programma zijn."
        )
    for org in data.get("business_associations") or []:
        if org.region_id != region.pk:
            errors["business_associations"] = _("Deze vereniging hoort niet bij de regio.")
    if errors:
        raise ValidationError(errors)


def _company_snapshot(company: Company) -> dict[str, Any]:
    return audit.snapshot(company, (*COMPANY_FIELDS, *COMPANY_M2M))


def _apply(company: Company, data: Mapping[str, Any]) -> dict[str, Any]:
    m2m: dict[str, Any] = {}
    for key, value in data.items():
        if key in COMPANY_FIELDS:
            setattr(company, key, value if value is not None or key not in _BLANK_TEXT else "")
        elif key in COMPANY_M2M:
            m2m[key] = value
    return m2m


_BLANK_TEXT = {
    "kvk_number",
    "legal_form",
    "street",
    "house_number_addition",
    "postcode",
    "city",
    "email",
    "phone",
    "website",
}


def _full_clean(obj: Any) -> None:
    """Model validation; a KvK number that is taken is reported on its field."""
    try:
        obj.full_clean(exclude=["region"] if not obj.region_id else None)
    except ValidationError as exc:
        errors = exc.message_dict
        general = errors.pop("__all__", [])
        kvk_taken = [m for m in general if "KvK" in m]
        if kvk_taken:
            errors.setdefault("kvk_number", []).extend(kvk_taken)
            general = [m for m in general if m not in kvk_taken]
        if general:
            errors["__all__"] = general
        raise ValidationError(errors) from exc


# --- duplicates ----------------------------------------------------------------------


def find_duplicates(
    region: Region,
    *,
    kvk_number: str = "",
    postcode: str = "",
    house_number: int | None = None,
    name: str = "",
    exclude_pk: int | None = None,
) -> list[Company]:
    """Companies that are probably the one described: the same KvK number, or the same
    postcode and house number with a similar name. Two indexed lookups, no scans."""
    found: dict[int, Company] = {}
    kvk_number = normalise_kvk(kvk_number)
    if kvk_number:
        for company in Company.objects.filter(region=region, kvk_number=kvk_number):
            found[company.pk] = company
    postcode = normalise_postcode(postcode)
    if postcode and house_number:
        for company in Company.objects.filter(
            region=region, postcode=postcode, house_number=house_number
        ):
            score = fuzz.token_set_ratio(name, company.name, processor=utils.default_process)
            if score >= DUPLICATE_NAME_SIMILARITY:
                found[company.pk] = company
    found.pop(exclude_pk or 0, None)
    return sorted(found.values(), key=lambda c: c.pk)


# --- companies -----------------------------------------------------------------------


def create_company(
    actor: User | None,
    region: Region,
    data: Mapping[str, Any],
    *,
    confirm_duplicate: bool = False,
) -> Company:
    """Create a company. Probable duplicates raise DuplicateCompanyWarning unless the
    user confirmed; the same KvK number twice in a region is never allowed. ``actor``
    None is the public portal (a question from an entrepreneur): no permission check."""
    if actor is not None:
        require(region.pk in scope_of(actor).region_ids)
    data = _normalise(data)
    _validate_references(region, data)
    scope = scope_of(actor)
    orgs = scope.organisations_in(region.pk)
    company = Company(region=region, created_by_organisation_id=orgs[0] if orgs else None)
    m2m = _apply(company, data)
    try:
        company.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    duplicates = find_duplicates(
        region,
        kvk_number=company.kvk_number,
        postcode=company.postcode,
        house_number=company.house_number,
        name=company.name,
    )
    same_kvk = bool(company.kvk_number) and any(
        c.kvk_number == company.kvk_number for c in duplicates
    )
    if same_kvk or (duplicates and not confirm_duplicate):
        raise DuplicateCompanyWarning(duplicates, same_kvk=same_kvk)
    _full_clean(company)
    with transaction.atomic():
        company.save()
        for key, value in m2m.items():
            getattr(company, key).set(value)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            company,
            company_id=company.pk,
            changes=audit.diff({}, _company_snapshot(company)),
        )
        _reindex([company.pk])
    return company


def update_company(actor: User, company: Company, data: Mapping[str, Any]) -> Company:
    """Change a company the actor can see. Only programme staff set the account manager."""
    scope = scope_of(actor)
    require(company.region_id in scope.region_ids)
    data = _normalise(data)
    if "account_manager" in data and data["account_manager"] != company.account_manager:
        require(scope.is_programme_staff(company.region_id))
    _validate_references(company.region, data)
    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        before = _company_snapshot(locked)
        m2m = _apply(locked, data)
        _full_clean(locked)
        locked.save()
        for key, value in m2m.items():
            getattr(locked, key).set(value)
        changes = audit.diff(before, _company_snapshot(locked))
        if changes:
            audit.record(
                actor, AuditEvent.Action.CHANGE, locked, company_id=locked.pk, changes=changes
            )
            _reindex([locked.pk])
    return locked


def delete_company(actor: User, company: Company) -> None:
    """Delete a company and everything recorded about it (programme managers and
    administrators only; the audit trail keeps who did it)."""
    require(scope_of(actor).can_manage(company.region_id))
    if company.trajectory_participations.exists():
        raise ValidationError(
            _(
                "Dit bedrijf neemt deel aan een traject van een programma; dat telt mee in de "
                "verantwoording aan de financiers. Voeg het samen met een ander bedrijf in "
                "plaats van het te verwijderen."
            )
        )
    if (
        company.collective_memberships.exists()
        or company.table_cases.exists()
        or company.carousel_matches.exists()
    ):
        raise ValidationError(
            _(
                "Dit bedrijf doet mee in een collectief instrument (cluster, "
                "samenwerkingsinitiatief, tafel of carrousel); dat telt mee in de "
                "verantwoording. Voeg het samen met een ander bedrijf in plaats van het te "
                "verwijderen."
            )
        )
    if company.event_registrations.exists() or company.events_hosted.exists():
        raise ValidationError(
            _(
                "Dit bedrijf heeft zich aangemeld voor een evenement of is er gastheer van; "
                "dat telt mee in het bereik van het programma. Voeg het samen met een ander "
                "bedrijf in plaats van het te verwijderen."
            )
        )
    if company.business_cases.exists():
        raise ValidationError(
            _(
                "Dit bedrijf heeft een businesscase in een programma; die telt mee in de "
                "rapportage. Voeg het samen met een ander bedrijf in plaats van het te "
                "verwijderen."
            )
        )
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            company,
            company_id=company.pk,
            changes=audit.diff(_company_snapshot(company), {}),
        )
        company_id = company.pk
        company.delete()
        _reindex([company_id])


def merge_companies(actor: User, keep: Company, duplicate: Company) -> Company:
    """Move everything recorded on ``duplicate`` to ``keep`` and delete the duplicate.

    Empty fields of ``keep`` are filled from the duplicate; many-to-many sets are joined.
    One audit entry on ``keep`` says what was merged and how many records moved.
    """
    from loket.casework.models import Case, ContactMoment, Referral
    from loket.collectives.models import Match, Member, TableCase
    from loket.events.models import Event, Registration
    from loket.monitoring.models import BusinessCase
    from loket.programmes.models import HourEntry, Trajectory, TrajectoryParticipant, Voucher

    scope = scope_of(actor)
    require(scope.is_programme_staff(keep.region_id))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Een bedrijf kan niet met zichzelf worden samengevoegd."))
    if keep.region_id != duplicate.region_id:
        raise ValidationError(_("Bedrijven uit verschillende regio's kunnen niet samen."))
    with transaction.atomic():
        keep = Company.objects.select_for_update().get(pk=keep.pk)
        duplicate = Company.objects.select_for_update().get(pk=duplicate.pk)
        before = _company_snapshot(keep)
        filled = []
        for field in COMPANY_FIELDS:
            if field == "kvk_number":
                continue
            if getattr(keep, field) in (None, "", []) and getattr(duplicate, field) not in (
                None,
                "",
                [],
            ):
                setattr(keep, field, getattr(duplicate, field))
                filled.append(field)
        if not keep.kvk_number and duplicate.kvk_number:
            kvk = duplicate.kvk_number
            duplicate.kvk_number = ""
            duplicate.save(update_fields=["kvk_number"])
            keep.kvk_number = kvk
            filled.append("kvk_number")
        extra_names = [n for n in [duplicate.name, *duplicate.trade_names] if n and n != keep.name]
        keep.trade_names = list(dict.fromkeys([*keep.trade_names, *extra_names]))
        keep.save()
        for field in COMPANY_M2M:
            getattr(keep, field).add(*getattr(duplicate, field).all())
        moved = {
            "persons": Person.objects.filter(company=duplicate).update(company=keep),
            "contact_moments": ContactMoment.objects.filter(company=duplicate).update(company=keep),
            "cases": Case.objects.filter(company=duplicate).update(company=keep),
            "referrals": Referral.objects.filter(company=duplicate).update(company=keep),
            "trajectories": Trajectory.objects.filter(company=duplicate).update(company=keep),
            "vouchers": Voucher.objects.filter(company=duplicate).update(company=keep),
            "hour_entries": HourEntry.objects.filter(company=duplicate).update(company=keep),
            "event_registrations": Registration.objects.filter(company=duplicate).update(
                company=keep
            ),
            "events_hosted": Event.objects.filter(host_company=duplicate).update(host_company=keep),
            "table_cases": TableCase.objects.filter(company=duplicate).update(company=keep),
            "carousel_matches": Match.objects.filter(company=duplicate).update(company=keep),
            "business_cases": BusinessCase.objects.filter(company=duplicate).update(company=keep),
        }
        # Memberships of collectives: one both belong to keeps the kept company's.
        Member.objects.filter(company=duplicate, collective__members__company=keep).delete()
        moved["collective_memberships"] = Member.objects.filter(company=duplicate).update(
            company=keep
        )
        # Participations: a trajectory both took part in keeps one.
        TrajectoryParticipant.objects.filter(
            company=duplicate, trajectory__participations__company=keep
        ).delete()
        TrajectoryParticipant.objects.filter(company=duplicate).update(company=keep)
        moved["survey_invitations"] = _merge_survey_invitations(keep, duplicate)
        duplicate_id, duplicate_name = duplicate.pk, duplicate.name
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            duplicate,
            company_id=duplicate_id,
            changes={"merged_into": keep.pk},
        )
        duplicate.delete()
        audit.record(
            actor,
            AuditEvent.Action.MERGE,
            keep,
            company_id=keep.pk,
            changes={
                "merged_company": {"id": duplicate_id, "name": duplicate_name},
                "moved": moved,
                "filled_fields": filled,
                "fields": audit.diff(before, _company_snapshot(keep)),
            },
        )
        _reindex([keep.pk, duplicate_id])
    return keep


def _merge_survey_invitations(keep: Company, duplicate: Company) -> int:
    """Move the duplicate's survey invitations; where both have one in the same quarter
    (one per company per quarter), keep the answered one, else the first, and delete the
    other."""
    from loket.monitoring.models import SurveyInvitation

    answered = SurveyInvitation.Status.ANSWERED
    rows = SurveyInvitation.objects.filter(company__in=[keep, duplicate]).order_by(
        "created_at", "pk"
    )
    by_quarter: dict[tuple[int, int], list[SurveyInvitation]] = {}
    for row in rows:
        by_quarter.setdefault((row.year, row.quarter), []).append(row)
    drop: list[int] = []
    for both in by_quarter.values():
        if len(both) > 1:
            winner = next((r for r in both if r.status == answered), both[0])
            drop.extend(r.pk for r in both if r.pk != winner.pk)
    SurveyInvitation.objects.filter(pk__in=drop).delete()
    return SurveyInvitation.objects.filter(company=duplicate).update(company=keep)


def merged_company_ids(company: Company) -> list[int]:
    """The ids of companies merged into this one (recursively), for its audit view."""
    ids = [company.pk]
    frontier = [company.pk]
    while frontier:
        events = AuditEvent.objects.filter(
            action=AuditEvent.Action.MERGE, company_id__in=frontier
        ).values_list("changes", flat=True)
        frontier = [e["merged_company"]["id"] for e in events if e.get("merged_company")]
        frontier = [i for i in frontier if i not in ids]
        ids.extend(frontier)
    return ids


# --- persons and consent ---------------------------------------------------------------


@dataclass(frozen=True)
class ConsentInput:
    purpose: str
    method: str
    given_on: Any = None


def create_person(
    actor: User | None,
    company: Company,
    data: Mapping[str, Any],
    *,
    consent: ConsentInput | None = None,
) -> Person:
    """A contact person (``actor`` None: the public portal, no permission check)."""
    if actor is not None:
        require(company.region_id in scope_of(actor).region_ids)
    person = Person(region_id=company.region_id, company=company)
    for key in PERSON_FIELDS:
        if key in data:
            setattr(person, key, (data[key] or "").strip())
    _full_clean(person)
    with transaction.atomic():
        person.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            person,
            company_id=company.pk,
            changes=audit.diff({}, audit.snapshot(person, PERSON_FIELDS)),
        )
        if consent is not None:
            record_consent(actor, person, consent)
        _reindex([company.pk])
    return person


def update_person(actor: User | None, person: Person, data: Mapping[str, Any]) -> Person:
    """Change a contact person (``actor`` None: the public portal, no permission check)."""
    if actor is not None:
        require(person.region_id in scope_of(actor).region_ids)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = audit.snapshot(locked, PERSON_FIELDS)
        for key in PERSON_FIELDS:
            if key in data:
                setattr(locked, key, (data[key] or "").strip())
        _full_clean(locked)
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, PERSON_FIELDS))
        if changes:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                locked,
                company_id=locked.company_id,
                changes=changes,
            )
            _reindex([locked.company_id])
    return locked


def delete_person(actor: User, person: Person) -> None:
    require(person.region_id in scope_of(actor).region_ids)
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            person,
            company_id=person.company_id,
            changes=audit.diff(audit.snapshot(person, PERSON_FIELDS), {}),
        )
        company_id = person.company_id
        person.delete()
        _reindex([company_id])


def view_person(actor: User, person: Person) -> Person:
    """Every view of a person's record is audited (who and when)."""
    audit.record(actor, AuditEvent.Action.VIEW, person, company_id=person.company_id)
    return person


def record_consent(actor: User | None, person: Person, consent: ConsentInput) -> Consent:
    """What the person agreed to, when and how (``actor`` None: given on the public
    portal's form)."""
    if actor is not None:
        require(person.region_id in scope_of(actor).region_ids)
    row = Consent(
        person=person,
        purpose=(consent.purpose or "").strip(),
        method=consent.method,
        recorded_by=actor,
    )
    if consent.given_on is not None:
        row.given_on = consent.given_on
    row.full_clean(exclude=["person", "recorded_by"])
    with transaction.atomic():
        row.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            person,
            company_id=person.company_id,
            changes={"consent": [None, {"purpose": row.purpose, "method": row.method}]},
        )
    return row


def withdraw_consent(actor: User, consent: Consent, on: Any = None) -> Consent:
    from django.utils import timezone

    person = consent.person
    require(person.region_id in scope_of(actor).region_ids)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Deze toestemming is al ingetrokken."))
    with transaction.atomic():
        consent.withdrawn_on = on or timezone.localdate()
        consent.save(update_fields=["withdrawn_on"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            person,
            company_id=person.company_id,
            changes={"consent_withdrawn": [consent.purpose, str(consent.withdrawn_on)]},
        )
    return consent
