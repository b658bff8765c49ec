"""On the day: ticking people present, walk-ins, and making attendance final.

- Check-in opens on the day of the event (Amsterdam time) and stays open until attendance
  is made final; whoever sees the event may check people in (``can_check_in``).
- A walk-in is a registration of source walk-in, present at once, linked to the client
  record with ``linking.link`` (an ambiguous company name is left unlinked and reported).
- Making attendance final (``can_manage_event``, once the event has started): confirmed
  registrations nobody ticked become no-shows, and every attending company gets one
  contact moment of kind event on its timeline (``Registration.contact_moment``). Doing it
  again changes nothing; afterwards nobody ticks any more.

Every change runs under a lock on the event row, so a tick cannot slip in while the
attendance is being made final.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation, User
from loket.casework import services as casework
from loket.casework.models import ContactMoment
from loket.companies.models import Company, Consent
from loket.companies.queries import companies_visible_to
from loket.companies.validators import KVK_RE, normalise_kvk
from loket.core import audit
from loket.core.models import AuditEvent, Municipality
from loket.core.permissions import require, scope_of
from loket.events.models import Event, Registration
from loket.events.queries import can_check_in, can_manage_event
from loket.events.services import linking

Attendance = Registration.Attendance
MAX_MOMENT_MINUTES = casework.MAX_CONTACT_MINUTES


def checkin_opens_at(event: Event) -> dt.datetime:
    """Midnight (Amsterdam) at the start of the event's first day."""
    local = timezone.localtime(event.starts_at)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def checkin_problem(event: Event, now: dt.datetime | None = None) -> str | None:
    """Why nobody can be checked in now, or None when check-in is open."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("Dit evenement is afgelast.")
    if event.status != Event.Status.PUBLISHED:
        return _("Dit evenement is nog niet gepubliceerd.")
    if event.attendance_final:
        return _("De aanwezigheid is al vastgesteld; aanvinken kan niet meer.")
    if now < checkin_opens_at(event):
        return _("Aanwezigheid registreren kan vanaf de dag van het evenement.")
    return None


def finalise_problem(event: Event, now: dt.datetime | None = None) -> str | None:
    """Why attendance cannot be made final now (None: it can, or it already is)."""
    now = now or timezone.now()
    if event.attendance_final:
        return None
    if event.status != Event.Status.PUBLISHED:
        return _("Alleen van een gepubliceerd evenement kan de aanwezigheid worden vastgesteld.")
    if now < event.starts_at:
        return _("De aanwezigheid kan pas worden vastgesteld als het evenement is begonnen.")
    return None


def _locked_event(event: Event) -> Event:
    locked = Event.objects.select_for_update().get(pk=event.pk)
    event.attendance_final_at = locked.attendance_final_at
    event.status = locked.status
    return locked


def _refuse(problem: str | None, key: str = "__all__") -> None:
    if problem:
        raise ValidationError({key: problem})


# --- ticking -------------------------------------------------------------------------------


def set_attendance(actor: User, registration: Registration, present: bool) -> Registration:
    """Tick someone present (or undo the tick). Someone on the waiting list who turns up
    anyway is confirmed: they are there."""
    event = registration.event
    require(can_check_in(actor, event))
    with transaction.atomic():
        _refuse(checkin_problem(_locked_event(event)))
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            raise ValidationError(
                {"__all__": _("Deze aanmelding is afgemeld; voeg de persoon toe als binnenloper.")}
            )
        before = audit.snapshot(registration, ("attendance", "status"))
        if present:
            registration.attendance = Attendance.PRESENT
            registration.checked_in_at = registration.checked_in_at or timezone.now()
            registration.status = Registration.Status.CONFIRMED
        else:
            registration.attendance = Attendance.UNKNOWN
            registration.checked_in_at = None
        registration.save(update_fields=["attendance", "checked_in_at", "status"])
        changes = audit.diff(before, audit.snapshot(registration, ("attendance", "status")))
        if changes:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                registration,
                company_id=registration.company_id,
                changes=changes,
            )
    return registration


# --- walk-ins ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WalkIn:
    name: str
    email: str = ""
    company_name: str = ""
    kvk_number: str = ""
    municipality: Municipality | None = None


@dataclass
class WalkInResult:
    registration: Registration
    outcome: linking.Outcome
    candidates: list[Company] = field(default_factory=list)


def add_walk_in(actor: User, event: Event, data: WalkIn) -> WalkInResult:
    """Someone who was not registered is there: register them, present, and link them to
    the client record. Capacity does not apply: they are in the room already."""
    require(can_check_in(actor, event))
    name = (data.name or "").strip()
    email = (data.email or "").strip().lower()
    errors: dict[str, str] = {}
    kvk = normalise_kvk(data.kvk_number or "")
    if not name:
        errors["name"] = _("Vul de naam in.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Vul een geldig e-mailadres in, zoals naam@bedrijf.nl.")
    if kvk and not KVK_RE.match(kvk):
        errors["kvk_number"] = _("Een KvK-nummer bestaat uit precies 8 cijfers.")
    if data.municipality is not None and data.municipality.region_id != event.region_id:
        errors["municipality"] = _("Kies een gemeente uit de regio van het evenement.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _refuse(checkin_problem(_locked_event(event)))
        if (
            email
            and Registration.objects.filter(event=event, email__iexact=email)
            .exclude(status=Registration.Status.CANCELLED)
            .exists()
        ):
            raise ValidationError(
                {
                    "email": _(
                        "Dit e-mailadres is al aangemeld voor dit evenement: "
                        "zoek de naam in de lijst en vink aan."
                    )
                }
            )
        found = linking.link(
            event.region,
            linking.Contact(
                name=name,
                email=email,
                company_name=data.company_name,
                kvk_number=kvk,
                municipality=data.municipality,
            ),
        )
        now = timezone.now()
        registration = Registration(
            region_id=event.region_id,
            event=event,
            name=name,
            email=email,
            company_name=(data.company_name or "").strip(),
            kvk_number=kvk,
            municipality=data.municipality,
            company=found.company,
            person=found.person,
            status=Registration.Status.CONFIRMED,
            attendance=Attendance.PRESENT,
            source=Registration.Source.WALK_IN,
            registered_at=now,
            checked_in_at=now,
        )
        registration.full_clean(exclude=["token"])
        registration.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            registration,
            company_id=registration.company_id,
            changes={"source": [None, registration.source], "attendance": [None, "present"]},
        )
    return WalkInResult(registration, found.outcome, found.candidates)


# --- making attendance final ---------------------------------------------------------------


@dataclass
class Finalised:
    event: Event
    no_shows: int
    contact_moments: int
    already: bool


def _moment_organisation(actor: User, event: Event) -> Organisation | None:
    """The organiser when the actor works for it, else the actor's own organisation."""
    return event.organiser if scope_of(actor).is_member_of(event.organiser_id) else None


def _moment_minutes(event: Event) -> int:
    minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
    return max(1, min(minutes, MAX_MOMENT_MINUTES))


def _summary(event: Event) -> str:
    local = timezone.localtime(event.starts_at)
    return _("Aanwezig bij %(kind)s '%(title)s' op %(date)s.") % {
        "kind": event.get_kind_display(),
        "title": event.title,
        "date": local.strftime("%d-%m-%Y"),
    }


def _record_visit(
    actor: User, event: Event, registrations: list[Registration], themes: list
) -> ContactMoment:
    """One contact moment "contact op evenement" for a company's attendees."""
    company = registrations[0].company
    assert company is not None
    persons = {r.person_id: r.person for r in registrations if r.person is not None}
    moment: ContactMoment = casework.record_contact(
        actor,
        company,
        kind=ContactMoment.Kind.EVENT,
        summary=_summary(event),
        occurred_at=event.starts_at,
        duration_minutes=_moment_minutes(event),
        persons=list(persons.values()),
        themes=themes,
        organisation=_moment_organisation(actor, event),
    )
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(contact_moment=moment)
    return moment


def choose_company(actor: User, registration: Registration, company: Company) -> Registration:
    """Link a registration that found no company, or more than one, to the company
    someone chose (one the actor sees, of the event's region), with the contact person
    found or made there as ``linking.link`` would. Once attendance is final, an attendee
    also gets the company its contact moment on the timeline."""
    event = registration.event
    require(can_manage_event(actor, event))
    with transaction.atomic():
        locked = _locked_event(event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.company_id is not None:
            raise ValidationError(_("Deze aanmelding is al aan een bedrijf gekoppeld."))
        if (
            company.region_id != locked.region_id
            or not companies_visible_to(actor).filter(pk=company.pk).exists()
        ):
            raise ValidationError({"company": _("Kies een bedrijf uit de klantregistratie.")})
        current.company = company
        if current.consent_given_at is not None:  # without consent, no person is kept
            contact = linking.Contact(
                name=current.name,
                email=current.email,
                company_name=current.company_name,
                municipality=current.municipality,
            )
            current.person = linking.person_for(company, contact)
            if current.person is not None:
                from loket.events.services.registration import record_consent

                method = (
                    Consent.Method.WEB_FORM
                    if current.source == Registration.Source.PORTAL
                    else Consent.Method.VERBAL
                )
                record_consent(actor, current.person, method)
        current.save(update_fields=["company", "person"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            current,
            company_id=company.pk,
            label=f"{locked.title} #{current.pk}",
            changes={"company": [None, company.pk]},
        )
        if (
            locked.attendance_final
            and current.attendance == Attendance.PRESENT
            and current.status != Registration.Status.CANCELLED
            and current.contact_moment_id is None
        ):
            _record_visit(actor, locked, [current], list(locked.themes.all()))
            current.refresh_from_db(fields=["contact_moment"])
    return current


def finalise(actor: User, event: Event) -> Finalised:
    """Make attendance final. Idempotent: a second call reports ``already`` and writes
    nothing."""
    require(can_manage_event(actor, event))
    with transaction.atomic():
        locked = _locked_event(event)
        if locked.attendance_final:
            return Finalised(event, 0, 0, already=True)
        _refuse(finalise_problem(locked))
        no_shows = Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, attendance=Attendance.UNKNOWN
        ).update(attendance=Attendance.ABSENT)
        present = list(
            Registration.objects.filter(
                event=event,
                attendance=Attendance.PRESENT,
                company__isnull=False,
                contact_moment__isnull=True,
            )
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("company", "company__region", "person")
            .order_by("company_id", "pk")
        )
        by_company: dict[int, list[Registration]] = {}
        for registration in present:
            assert registration.company_id is not None
            by_company.setdefault(registration.company_id, []).append(registration)
        themes = list(event.themes.all())
        for registrations in by_company.values():
            _record_visit(actor, event, registrations, themes)
        now = timezone.now()
        Event.objects.filter(pk=event.pk).update(attendance_final_at=now, updated_at=now)
        event.attendance_final_at = now
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            event,
            changes={
                "attendance_final_at": [None, now.isoformat()],
                "no_shows": [None, no_shows],
                "contact_moments": [None, len(by_company)],
            },
        )
    return Finalised(event, no_shows, len(by_company), already=False)
