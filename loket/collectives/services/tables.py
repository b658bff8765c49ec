"""Tables (entrepreneur, financing, crisis, theme and country tables): sessions with the
experts present, cases entrepreneurs bring in, and hearing a case at a session.

- A case brought in is to be heard by ``convene_by``: the table's service level in
  working days after it was brought in (a crisis table 2, the others 15, or the table's
  own setting; weekends and Dutch public holidays do not count). A case not heard by
  then is overdue.
- Hearing a case places it at a session of the same table. Advice can be recorded once
  the session has taken place: the advice and the agreed next steps land on the
  company's timeline as one contact moment of kind "tafelsessie"; changing the advice
  later changes that contact moment, never adds a second one.
- Experts present are users of the region's partner organisations.

Every operation checks ``can_manage_collective``, validates, and writes the audit trail
in its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation, User
from loket.casework.models import Case, ContactMoment
from loket.casework.services import record_contact
from loket.collectives.models import Collective, TableCase, TableSession
from loket.collectives.queries import can_manage_collective
from loket.companies.models import Company
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require, scope_of
from loket.core.workdays import add_working_days, is_working_day

SESSION_FIELDS = ("held_at", "location", "notes")
CASE_FIELDS = ("company", "case", "question", "requested_on", "convene_by")
HEARING_FIELDS = ("session", "advice", "next_steps", "contact_moment")
MAX_TEXT = 10_000
# How far back a session or a case brought in may be recorded, and how far ahead a
# session may be planned.
EARLIEST_YEARS = 20
LATEST_YEARS = 5


# --- service level ---------------------------------------------------------------------


def convene_by(collective: Collective, requested_on: dt.date) -> dt.date:
    """The last day on which the table hears a case brought in on ``requested_on``: the
    table's service level in working days later. A case brought in on a weekend or a
    holiday counts from the next working day (its first working day counts as one)."""
    days = collective.table_service_level()
    moment = dt.datetime.combine(requested_on, dt.time(12, 0))
    return add_working_days(moment, days).date()


def is_overdue(table_case: TableCase, today: dt.date | None = None) -> bool:
    """Not heard (no advice recorded) and past its ``convene_by`` day."""
    today = today or timezone.localdate()
    return table_case.contact_moment_id is None and table_case.convene_by < today


def working_days_left(table_case: TableCase, today: dt.date | None = None) -> int:
    """Working days from today up to and including ``convene_by`` (negative: overdue by
    that many working days)."""
    today = today or timezone.localdate()
    start, end, sign = (today, table_case.convene_by, 1)
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += dt.timedelta(days=1)
    return sign * count


# --- who and what may be named -------------------------------------------------------------


def experts_for(collective: Collective) -> QuerySet[User]:
    """Who may be present as expert: active users of the region's partner organisations."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__region_id=collective.region_id,
            memberships__organisation__is_programme_partner=True,
        )
        .distinct()
        .order_by("full_name", "id")
    )


def require_table_manager(actor: User, collective: Collective) -> None:
    """PermissionDenied unless the collective is a table the actor manages."""
    require(collective.is_table and can_manage_collective(actor, collective))


_require_table = require_table_manager


def _bounds() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return (
        today.replace(year=today.year - EARLIEST_YEARS, day=1),
        today.replace(year=today.year + LATEST_YEARS, day=1),
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


# --- sessions ------------------------------------------------------------------------


def _check_session(session: TableSession, experts: list[User]) -> None:
    errors: dict[str, str] = {}
    earliest, latest = _bounds()
    if session.held_at is None:
        errors["held_at"] = _("Vul de datum en tijd van de sessie in.")
    elif not earliest <= timezone.localtime(session.held_at).date() <= latest:
        errors["held_at"] = _("Kies een datum tussen %(earliest)s en %(latest)s.") % {
            "earliest": earliest.strftime("%d-%m-%Y"),
            "latest": latest.strftime("%d-%m-%Y"),
        }
    if len(session.location) > 200:
        errors["location"] = _("De locatie is hoogstens 200 tekens.")
    if len(session.notes) > MAX_TEXT:
        errors["notes"] = _("De aantekeningen zijn hoogstens %(n)s tekens.") % {"n": MAX_TEXT}
    if experts:
        allowed = set(
            experts_for(session.collective)
            .filter(pk__in=[e.pk for e in experts])
            .values_list("pk", flat=True)
        )
        strangers = [e for e in experts if e.pk not in allowed]
        if strangers:
            errors["experts"] = _(
                "Alleen medewerkers van partnerorganisaties van de regio kunnen als "
                "deskundige aanwezig zijn; niet: %(names)s."
            ) % {"names": ", ".join(e.full_name or e.email for e in strangers)}
    if errors:
        raise ValidationError(errors)


def create_session(actor: User, collective: Collective, data: Mapping[str, Any]) -> TableSession:
    """A session of the table, with the experts present (users of partner organisations
    of the region), date and time, location and notes."""
    _require_table(actor, collective)
    experts = list(data.get("experts") or [])
    session = TableSession(
        collective=collective,
        region_id=collective.region_id,
        held_at=data.get("held_at"),  # type: ignore[misc]  # None is refused below
        location=_text(data.get("location")),
        notes=_text(data.get("notes")),
        created_by=actor,
    )
    _check_session(session, experts)
    with transaction.atomic():
        session.save()
        session.experts.set(experts)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            session,
            changes=audit.diff({}, audit.snapshot(session, (*SESSION_FIELDS, "experts"))),
        )
    return session


def update_session(actor: User, session: TableSession, data: Mapping[str, Any]) -> TableSession:
    """Change a session. Moving a session that has advice recorded moves the date of
    those contact moments along; it cannot move into the future then."""
    _require_table(actor, session.collective)
    fields = (*SESSION_FIELDS, "experts")
    with transaction.atomic():
        locked = (
            TableSession.objects.select_for_update(of=("self",))
            .select_related("collective")
            .get(pk=session.pk)
        )
        before = audit.snapshot(locked, fields)
        for key in SESSION_FIELDS:
            if key in data:
                setattr(locked, key, data[key] if key == "held_at" else _text(data[key]))
        experts = list(data["experts"]) if "experts" in data else list(locked.experts.all())
        _check_session(locked, experts)
        heard = list(
            TableCase.objects.filter(session=locked, contact_moment__isnull=False).select_related(
                "contact_moment"
            )
        )
        if heard and locked.held_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(
                {
                    "held_at": _(
                        "Bij deze sessie is al advies vastgelegd; ze kan niet naar de "
                        "toekomst verplaatst worden."
                    )
                }
            )
        locked.save()
        if "experts" in data:
            locked.experts.set(experts)
        for table_case in heard:
            moment = table_case.contact_moment
            assert moment is not None
            if moment.occurred_at != locked.held_at:
                _sync_moment(actor, table_case, moment, locked)
        changes = audit.diff(before, audit.snapshot(locked, fields))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, locked, changes=changes)
    return locked


# --- cases brought in ----------------------------------------------------------------


def bring_in_case(actor: User, collective: Collective, data: Mapping[str, Any]) -> TableCase:
    """An entrepreneur's case brought in to the table, to be heard within the table's
    service level (``convene_by``)."""
    _require_table(actor, collective)
    company: Company | None = data.get("company")
    case: Case | None = data.get("case")
    question = _text(data.get("question"))
    requested_on: dt.date = data.get("requested_on") or timezone.localdate()
    errors: dict[str, str] = {}
    if company is None:
        errors["company"] = _("Kies het bedrijf dat de casus inbrengt.")
    elif company.region_id != collective.region_id:
        errors["company"] = _("Dit bedrijf hoort bij een andere regio.")
    if case is not None and company is not None and case.company_id != company.pk:
        errors["case"] = _("Deze hulpvraag hoort bij een ander bedrijf.")
    if not question:
        errors["question"] = _("Beschrijf de vraag die de ondernemer inbrengt.")
    elif len(question) > MAX_TEXT:
        errors["question"] = _("De vraag is hoogstens %(n)s tekens.") % {"n": MAX_TEXT}
    earliest, _latest = _bounds()
    if requested_on > timezone.localdate():
        errors["requested_on"] = _("De datum van inbreng kan niet in de toekomst liggen.")
    elif requested_on < earliest:
        errors["requested_on"] = _("Kies een datum na %(date)s.") % {
            "date": earliest.strftime("%d-%m-%Y")
        }
    if errors:
        raise ValidationError(errors)
    assert company is not None
    table_case = TableCase(
        collective=collective,
        region_id=collective.region_id,
        company=company,
        case=case,
        question=question,
        requested_on=requested_on,
        convene_by=convene_by(collective, requested_on),
        created_by=actor,
    )
    with transaction.atomic():
        table_case.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            table_case,
            company_id=company.pk,
            changes=audit.diff({}, audit.snapshot(table_case, CASE_FIELDS)),
        )
    return table_case


# --- hearing -------------------------------------------------------------------------


def moment_summary(table_case: TableCase, advice: str, next_steps: str) -> str:
    """What the company's timeline says of a hearing (in the site's language: it is data)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        parts = [
            _("Casus besproken aan %(table)s.") % {"table": table_case.collective.name},
            _("Advies: %(advice)s") % {"advice": advice},
        ]
        if next_steps:
            parts.append(_("Afgesproken vervolgstappen: %(steps)s") % {"steps": next_steps})
    return "\n".join(parts)


def _acting_organisation(actor: User, collective: Collective) -> Organisation:
    """The table's own organisation when the actor works there, else the actor's
    (programme) organisation in the region."""
    scope = scope_of(actor)
    if scope.is_member_of(collective.organisation_id):
        return collective.organisation
    orgs = scope.organisations_in(collective.region_id)
    require(bool(orgs))
    return Organisation.objects.get(pk=orgs[0])


def _sync_moment(
    actor: User, table_case: TableCase, moment: ContactMoment, session: TableSession
) -> None:
    """Bring the contact moment in line with the hearing (date, text, linked case)."""
    before = audit.snapshot(moment, ("occurred_at", "summary", "case"))
    moment.occurred_at = session.held_at
    moment.summary = moment_summary(table_case, table_case.advice, table_case.next_steps)
    moment.case = table_case.case
    changes = audit.diff(before, audit.snapshot(moment, ("occurred_at", "summary", "case")))
    if changes:
        moment.save(update_fields=["occurred_at", "summary", "case"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            moment,
            company_id=moment.company_id,
            changes=changes,
        )


def hear_case(
    actor: User,
    table_case: TableCase,
    *,
    session: TableSession | None,
    advice: str = "",
    next_steps: str = "",
) -> TableCase:
    """Place the case at a session of its table; with advice (once the session has taken
    place) the advice and next steps land on the company's timeline as one contact moment
    of kind "tafelsessie", changed in place when the advice is changed later."""
    collective = table_case.collective
    _require_table(actor, collective)
    advice, next_steps = _text(advice), _text(next_steps)
    errors: dict[str, str] = {}
    if session is None:
        errors["session"] = _("Kies de sessie waarin de casus besproken wordt.")
    elif session.collective_id != collective.pk:
        errors["session"] = _("Deze sessie hoort bij een andere tafel.")
    elif advice and session.held_at > timezone.now() + dt.timedelta(minutes=5):
        errors["session"] = _(
            "Deze sessie heeft nog niet plaatsgevonden; leg het advies vast na de sessie."
        )
    if len(advice) > MAX_TEXT:
        errors["advice"] = _("Het advies is hoogstens %(n)s tekens.") % {"n": MAX_TEXT}
    if len(next_steps) > MAX_TEXT:
        errors["next_steps"] = _("De vervolgstappen zijn hoogstens %(n)s tekens.") % {"n": MAX_TEXT}
    if next_steps and not advice:
        errors["advice"] = _("Vul ook het advies in bij de afgesproken vervolgstappen.")
    if errors:
        raise ValidationError(errors)
    assert session is not None
    with transaction.atomic():
        locked = (
            TableCase.objects.select_for_update(of=("self",))
            .select_related("collective", "collective__organisation", "company", "contact_moment")
            .get(pk=table_case.pk)
        )
        if locked.contact_moment_id is not None and not advice:
            raise ValidationError(
                {
                    "advice": _(
                        "Het advies staat al op de tijdlijn van het bedrijf; het kan "
                        "gewijzigd worden, niet leeggemaakt."
                    )
                }
            )
        before = audit.snapshot(locked, HEARING_FIELDS)
        locked.session = session
        locked.advice = advice
        locked.next_steps = next_steps
        moment = locked.contact_moment
        if advice and moment is None:
            locked.contact_moment = record_contact(
                actor,
                locked.company,
                kind=ContactMoment.Kind.TABLE,
                summary=moment_summary(locked, advice, next_steps),
                occurred_at=session.held_at,
                case=locked.case,
                organisation=_acting_organisation(actor, collective),
            )
        elif moment is not None:
            _sync_moment(actor, locked, moment, session)
        locked.save(update_fields=["session", "advice", "next_steps", "contact_moment"])
        changes = audit.diff(before, audit.snapshot(locked, HEARING_FIELDS))
        if changes:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                locked,
                company_id=locked.company_id,
                changes=changes,
            )
    return locked


# --- the table's page ----------------------------------------------------------------


@dataclass
class TableOverview:
    upcoming: list[TableSession]
    past: list[TableSession]
    waiting: list[TableCase]
    heard_count: int
    overdue_count: int
    service_level: int
    today: dt.date


def table_overview(
    collective: Collective, *, today: dt.date | None = None, limit: int = 10
) -> TableOverview:
    """Upcoming and past sessions (the ``limit`` nearest each way), the cases waiting to
    be heard with their deadline, oldest deadline first; a constant number of queries."""
    today = today or timezone.localdate()
    now = timezone.now()
    sessions = TableSession.objects.filter(collective=collective).prefetch_related("experts")
    upcoming = list(sessions.filter(held_at__gte=now).order_by("held_at", "id")[:limit])
    past = list(sessions.filter(held_at__lt=now).order_by("-held_at", "-id")[:limit])
    cases = TableCase.objects.filter(collective=collective)
    waiting = list(
        cases.filter(contact_moment__isnull=True)
        .select_related("company", "session")
        .order_by("convene_by", "id")
    )
    for table_case in waiting:
        table_case.overdue = is_overdue(table_case, today)  # type: ignore[attr-defined]
    return TableOverview(
        upcoming=upcoming,
        past=past,
        waiting=waiting,
        heard_count=cases.filter(contact_moment__isnull=False).count(),
        overdue_count=len([c for c in waiting if is_overdue(c, today)]),
        service_level=collective.table_service_level(),
        today=today,
    )


def annotate_overdue(cases: Iterable[TableCase], today: dt.date | None = None) -> None:
    for table_case in cases:
        table_case.overdue = is_overdue(table_case, today)  # type: ignore[attr-defined]
