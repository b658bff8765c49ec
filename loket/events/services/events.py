"""Events from the staff side: create, change, publish and cancel.

The rules an event keeps (checked whole before anything is written, every problem on
the field that caused it):

- the programme never organises alone: at least one co-organising partner that is
  neither the organiser nor a programme bureau (organisation kind ``programme``);
- organiser, partners, host company and municipality belong to the event's region;
- a masterclass is held at a company: it needs a host company;
- the plan line it counts for is a line of the event's programme;
- a place: an address, or online with the link to the online meeting;
- it ends after it starts, and registration closes no later than the start;
- capacity is at least 1 or empty (no maximum), and never below the places already
  confirmed.

Anyone working in the region may organise an event; the organiser is one of their own
organisations (programme staff may name any organisation of the region). Changing,
publishing and cancelling is for programme staff of the region and staff of the
organising organisation (``queries.can_manage_event``). A cancelled event cannot be
changed any more; cancelling tells everyone registered by e-mail (a task, enqueued when
the transaction commits). Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation, User
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require, scope_of
from loket.events.models import Event, Registration
from loket.events.queries import can_create_events, can_manage_event
from loket.events.services.registration import promote_waiting
from loket.programmes.models import Programme

# Plain fields a form or the API may set.
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "online",
    "venue",
    "address",
    "municipality",
    "online_url",
    "capacity",
    "registration_deadline",
    "organiser",
    "host_company",
    "plan_line",
    "public",
)
# What the audit trail compares (many-to-many included).
AUDITED = (*EVENT_FIELDS, "status", "themes", "partners")

Errors = dict[str, list[str]]


def organisers_for(user: User, region_id: int) -> list[int]:
    """Ids of the organisations ``user`` may name as organiser in the region: every
    organisation of the region for programme staff, else the user's own there."""
    scope = scope_of(user)
    if scope.is_programme_staff(region_id):
        return list(Organisation.objects.filter(region_id=region_id).values_list("pk", flat=True))
    return scope.organisations_in(region_id)


def default_organiser(user: User, region_id: int) -> int | None:
    """The user's own organisation in the region, the programme bureau first."""
    own = scope_of(user).organisations_in(region_id)
    return own[0] if own else None


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def check_event(event: Event, partners: Iterable[Organisation]) -> Errors:
    """Every rule the event breaks, by field (empty: all is well)."""
    errors: Errors = {}
    region_id = event.region_id
    partners = list(partners)
    organiser = event.organiser if event.organiser_id else None
    if organiser is None:
        _add(errors, "organiser", _("Kies de organiserende organisatie."))
    elif organiser.region_id != region_id:
        _add(errors, "organiser", _("Deze organisatie hoort bij een andere regio."))
    outside = [p.name for p in partners if p.region_id != region_id]
    if outside:
        _add(
            errors,
            "partners",
            _("Deze organisaties horen bij een andere regio: %(names)s.")
            % {"names": ", ".join(outside)},
        )
    real = [
        p for p in partners if p.kind != Organisation.Kind.PROGRAMME and p.pk != event.organiser_id
    ]
    if not real and not outside:
        _add(
            errors,
            "partners",
            _(
                "Kies minstens één mede-organiserende partner naast de organisator en het "
                "programmabureau: het programma organiseert nooit alleen."
            ),
        )
    if event.kind == Event.Kind.MASTERCLASS and not event.host_company_id:
        _add(
            errors,
            "host_company",
            _("Een masterclass is bij een bedrijf: vul het gastbedrijf in."),
        )
    host, line, municipality = event.host_company, event.plan_line, event.municipality
    if host is not None and host.region_id != region_id:
        _add(errors, "host_company", _("Dit bedrijf hoort bij een andere regio."))
    if line is not None and line.programme_id != event.programme_id:
        _add(errors, "plan_line", _("Deze planregel hoort bij een ander programma."))
    if municipality is not None and municipality.region_id != region_id:
        _add(errors, "municipality", _("Deze gemeente hoort bij een andere regio."))
    if event.online_url:
        try:
            URLValidator(schemes=["https", "http"])(event.online_url)
        except ValidationError:
            _add(errors, "online_url", _("Vul een geldige link in, bijvoorbeeld https://..."))
    elif event.online:
        _add(
            errors,
            "online_url",
            _("Vul de link naar de online bijeenkomst in; deelnemers krijgen hem na aanmelding."),
        )
    elif not event.address.strip():
        _add(errors, "address", _("Vul het adres in, of kies voor een online bijeenkomst."))
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        _add(errors, "ends_at", _("Het einde moet na het begin liggen."))
    if (
        event.registration_deadline
        and event.starts_at
        and event.registration_deadline > event.starts_at
    ):
        _add(
            errors,
            "registration_deadline",
            _("Aanmelden moet sluiten vóór het evenement begint."),
        )
    if event.capacity is not None:
        if event.capacity < 1:
            _add(errors, "capacity", _("Vul minstens 1 in, of laat het leeg voor geen maximum."))
        elif event.pk is not None:
            confirmed = Registration.objects.filter(
                event_id=event.pk, status=Registration.Status.CONFIRMED
            ).count()
            if event.capacity < confirmed:
                _add(
                    errors,
                    "capacity",
                    _("Er zijn al %(n)s bevestigde aanmeldingen; het maximum kan niet lager zijn.")
                    % {"n": confirmed},
                )
    if not event.title.strip():
        _add(errors, "title", _("Geef het evenement een titel."))
    return errors


def _apply(event: Event, values: Mapping[str, Any]) -> None:
    for name in EVENT_FIELDS:
        if name in values:
            value = values[name]
            if name in {"description", "venue", "address", "online_url"} and value is None:
                value = ""
            setattr(event, name, value)
    if not event.online:
        event.online_url = event.online_url or ""


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _check_organiser(actor: User, event: Event, errors: Errors) -> None:
    if event.organiser_id and event.organiser_id not in organisers_for(actor, event.region_id):
        _add(
            errors,
            "organiser",
            _("U kunt alleen een evenement van uw eigen organisatie organiseren."),
        )


def create_event(actor: User, programme: Programme, data: Mapping[str, Any]) -> Event:
    """A new event of ``programme`` (a draft unless ``data['status']`` says published).
    ``data``: the fields of ``EVENT_FIELDS``, ``themes`` and ``partners``; the organiser
    defaults to the actor's own organisation."""
    require(can_create_events(actor, programme.region_id))
    values = dict(data)
    event = Event(programme=programme, region_id=programme.region_id, created_by=actor)
    _apply(event, values)
    if not event.organiser_id:
        organiser_id = default_organiser(actor, programme.region_id)
        if organiser_id is not None:
            event.organiser = Organisation.objects.get(pk=organiser_id)
    partners = list(values.get("partners") or [])
    themes = list(values.get("themes") or [])
    errors = check_event(event, partners)
    _check_organiser(actor, event, errors)
    _raise(errors)
    with transaction.atomic():
        event.save()
        event.partners.set(partners)
        event.themes.set(themes)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            event,
            changes=audit.diff({}, audit.snapshot(event, AUDITED)),
        )
    return event


def update_event(actor: User, event: Event, data: Mapping[str, Any]) -> Event:
    """Change the fields given in ``data`` (a PATCH: what is absent stays)."""
    require(can_manage_event(actor, event))
    with transaction.atomic():
        locked = (
            Event.objects.select_for_update(of=("self",))
            .select_related("organiser", "host_company", "plan_line", "municipality")
            .get(pk=event.pk)
        )
        if locked.status == Event.Status.CANCELLED:
            raise ValidationError(_("Een afgelast evenement kan niet meer worden gewijzigd."))
        before = audit.snapshot(locked, AUDITED)
        values = dict(data)
        _apply(locked, values)
        partners = (
            list(values["partners"] or []) if "partners" in values else list(locked.partners.all())
        )
        errors = check_event(locked, partners)
        if "organiser" in values and locked.organiser_id != before.get("organiser"):
            _check_organiser(actor, locked, errors)
        _raise(errors)
        locked.save()
        if "partners" in values:
            locked.partners.set(partners)
        if "themes" in values:
            locked.themes.set(list(values["themes"] or []))
        changes = audit.diff(before, audit.snapshot(locked, AUDITED))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, locked, changes=changes)
        if "capacity" in changes:
            # More places (or none as a maximum): the waiting list moves up at once, in
            # order of registration, each with the "Er is plaats" mail.
            promote_waiting(locked)
    return locked


def publish_event(actor: User, event: Event) -> Event:
    """A draft goes public (in the calendar, or reachable through its invitation link).
    The rules are checked again: data changed elsewhere may have broken one."""
    require(can_manage_event(actor, event))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != Event.Status.DRAFT:
            raise ValidationError(
                {
                    "status": _(
                        "Alleen een concept kan worden gepubliceerd; dit evenement is %(status)s."
                    )
                    % {"status": locked.get_status_display()}
                }
            )
        _raise(check_event(locked, locked.partners.all()))
        locked.status = Event.Status.PUBLISHED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            locked,
            changes={"status": [Event.Status.DRAFT.value, Event.Status.PUBLISHED.value]},
        )
    return locked


def cancel_event(actor: User, event: Event, reason: str = "") -> Event:
    """Call the event off. Everyone registered (confirmed or waiting) gets an e-mail,
    with ``reason`` when given; the registrations stay as they were, for the record."""
    require(can_manage_event(actor, event))
    from loket.events import tasks_manage

    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise ValidationError({"status": _("Dit evenement is al afgelast.")})
        if locked.ends_at <= timezone.now():
            raise ValidationError(
                {"status": _("Dit evenement heeft al plaatsgevonden en kan niet worden afgelast.")}
            )
        before = locked.status
        locked.status = Event.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            locked,
            changes={"status": [before, Event.Status.CANCELLED.value]},
        )
        if before == Event.Status.PUBLISHED:
            event_id = locked.pk
            transaction.on_commit(
                lambda: tasks_manage.notify_event_cancelled.enqueue(event_id, reason)
            )
    return locked


def view_registrations(actor: User, event: Event, count: int) -> None:
    """Showing who registered is showing personal data: audited (who, when, how many),
    on the event page and through the API alike."""
    audit.record(actor, AuditEvent.Action.VIEW, event, changes={"registrations": count})


def view_checkin_list(actor: User, event: Event, count: int) -> None:
    """The list at the door shows names and companies: audited like the registrations."""
    audit.record(actor, AuditEvent.Action.VIEW, event, changes={"checkin_list": count})


def companies_for(actor: User, region_id: int) -> Any:
    """Companies one may name as host: those of the region the user sees."""
    from loket.companies.queries import companies_visible_to

    return companies_visible_to(actor).filter(region_id=region_id)
