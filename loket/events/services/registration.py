"""Registering for an event, cancelling, and the waiting list.

``register`` is the one way a place is taken: from the portal (no account: ``actor``
None, consent required) or by staff who may manage the event. In one transaction it
locks the event row (``select_for_update``; SQLite runs Loket's transactions IMMEDIATE,
one writer at a time), counts the confirmed places, and confirms the registration or puts
it on the waiting list; the person is linked to the client record with
``linking.link`` (never duplicating) and the consent is recorded on the person. After
commit the confirmation mail (with the .ics and the personal cancel link) goes out as a
task.

``cancel`` frees the place under the same lock and moves the first of the waiting list
up (each promoted person gets a mail). Registrations are personal data: every change is
audited without the person's name in the trail's label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.companies import services as companies
from loket.companies.models import Consent, Person
from loket.companies.validators import normalise_kvk, validate_kvk_number
from loket.core import audit
from loket.core.models import AuditEvent, Municipality
from loket.core.permissions import require
from loket.events.models import Event, Registration
from loket.events.queries import can_manage_event
from loket.events.services import linking
from loket.portal import services as portal

# What the visitor agrees to with the consent checkbox (stored on the person, in Dutch
# like every record of the client file).
CONSENT_PURPOSE = (
    "Gegevens bewaren en gebruiken voor de aanmelding voor een evenement en de opvolging"
)
# Registrations from one address per hour (a visitor may register a few colleagues).
REGISTRATIONS_PER_HOUR = 10
THROTTLE_PREFIX = "event:"


@dataclass(frozen=True)
class RegistrationInput:
    name: str
    email: str = ""
    company_name: str = ""
    kvk_number: str = ""
    municipality: Municipality | None = None
    consent: bool = False

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> RegistrationInput:
        return cls(
            name=str(data.get("name") or "").strip(),
            email=str(data.get("email") or "").strip().lower(),
            company_name=str(data.get("company_name") or "").strip(),
            kvk_number=str(data.get("kvk_number") or "").strip(),
            municipality=data.get("municipality"),
            consent=bool(data.get("consent")),
        )


class RegistrationThrottled(Exception):
    """Too many registrations from one address in the last hour."""


# --- the rate limit (the portal's, counted separately) ---------------------------------


def is_throttled(address: str, now: dt.datetime | None = None) -> bool:
    from loket.portal.models import QuestionThrottle

    now = now or timezone.now()
    sent = QuestionThrottle.objects.filter(
        address_hash=portal.address_hash(THROTTLE_PREFIX + address),
        at__gt=now - portal.THROTTLE_WINDOW,
    ).count()
    return sent >= REGISTRATIONS_PER_HOUR


def note_attempt(address: str) -> None:
    """Count one registration (or a bot's attempt) of this address."""
    portal.note_question(THROTTLE_PREFIX + address)


# --- rules ---------------------------------------------------------------------------


def _validate(event: Event, data: RegistrationInput, *, public: bool) -> None:
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = _("Vul uw naam in.") if public else _("Vul de naam in.")
    if public and not data.consent:
        errors["consent"] = _("Zonder uw toestemming kunnen wij uw aanmelding niet aannemen.")
    if public and not data.email:
        errors["email"] = _("Vul uw e-mailadres in.")
    elif data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            errors["email"] = _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")
    if data.kvk_number:
        try:
            validate_kvk_number(normalise_kvk(data.kvk_number))
        except ValidationError as exc:
            errors["kvk_number"] = " ".join(exc.messages)
    if data.municipality is not None and data.municipality.region_id != event.region_id:
        errors["municipality"] = _("Kies een gemeente uit de lijst.")
    if errors:
        raise ValidationError(errors)


def _check_open(event: Event, *, public: bool, now: dt.datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("Dit evenement is afgelast; aanmelden kan niet meer."))
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(_("Dit evenement is nog niet gepubliceerd; aanmelden kan nog niet."))
    if now >= event.ends_at:
        raise ValidationError(_("Dit evenement heeft al plaatsgevonden."))
    if public and now >= event.registration_closes_at():
        raise ValidationError(
            _("Aanmelden voor dit evenement kan niet meer: de termijn is voorbij.")
        )


def confirmed_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()


def places_left(event: Event) -> int | None:
    """Free places (None: no maximum)."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event), 0)


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("region").get(pk=event.pk)


def _link(event: Event, data: RegistrationInput) -> linking.Link:
    """The company and person in the client record; without consent only the company
    (a person is personal data)."""
    contact = linking.Contact(
        name=data.name if data.consent else "",
        email=data.email if data.consent else "",
        company_name=data.company_name,
        kvk_number=data.kvk_number,
        municipality=data.municipality,
    )
    return linking.link(event.region, contact)


def record_consent(actor: Any, person: Person, method: str) -> None:
    """The event consent on the person, once (while not withdrawn)."""
    if person.consents.filter(purpose=CONSENT_PURPOSE, withdrawn_on__isnull=True).exists():
        return
    companies.record_consent(
        actor,
        person,
        companies.ConsentInput(purpose=CONSENT_PURPOSE, method=method),
    )


def register(
    event: Event,
    data: RegistrationInput,
    *,
    actor: Any = None,
    address: str | None = None,
    language: str | None = None,
) -> Registration:
    """Take a place (or a place on the waiting list) for ``data``'s person.

    ``actor`` None is the portal: the registration must be open, e-mail and consent are
    required and ``address`` is throttled. Staff (``actor``) must be allowed to manage the
    event; they may register after the deadline, until the event ends. Raises
    ValidationError (by field, or without a field for the event's state),
    RegistrationThrottled or PermissionDenied; nothing is saved then."""
    public = actor is None
    if not public:
        require(can_manage_event(actor, event))
    if public and address is not None and is_throttled(address):
        raise RegistrationThrottled
    _validate(event, data, public=public)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(event)
        _check_open(locked, public=public, now=now)
        if (
            data.email
            and Registration.objects.filter(event=locked, email__iexact=data.email)
            .exclude(status=Registration.Status.CANCELLED)
            .exists()
        ):
            raise ValidationError(
                {"email": _("Dit e-mailadres is al aangemeld voor dit evenement.")}
            )
        if public and address is not None:
            note_attempt(address)
        full = locked.capacity is not None and confirmed_count(locked) >= locked.capacity
        found = _link(locked, data)
        registration = Registration.objects.create(
            region=locked.region,
            event=locked,
            name=data.name,
            email=data.email,
            company_name=data.company_name,
            kvk_number=normalise_kvk(data.kvk_number),
            municipality=data.municipality,
            company=found.company,
            person=found.person,
            status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
            source=Registration.Source.PORTAL if public else Registration.Source.STAFF,
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
            consent_given_at=now if data.consent else None,
            registered_at=now,
        )
        if found.person is not None and data.consent:
            record_consent(
                actor, found.person, Consent.Method.WEB_FORM if public else Consent.Method.VERBAL
            )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            registration,
            company_id=registration.company_id,
            label=f"{locked.title} #{registration.pk}",
            changes={
                "status": [None, registration.status],
                "source": [None, registration.source],
                "linking": found.outcome,
            },
        )
        kind = "waiting" if full else "confirmed"
        _enqueue_mail(registration.pk, kind)
    return registration


def cancel(registration: Registration, *, actor: Any = None) -> Registration:
    """Cancel through the personal link (``actor`` None) or by staff who may manage the
    event. A confirmed place goes to the first of the waiting list, who gets a mail."""
    if actor is not None:
        require(can_manage_event(actor, registration.event))
    now = timezone.now()
    with transaction.atomic():
        event = _lock(registration.event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            raise ValidationError(_("Deze aanmelding is al afgemeld."))
        if now >= event.starts_at and actor is None:
            raise ValidationError(_("Het evenement is al begonnen; afmelden kan niet meer."))
        if event.attendance_final:
            raise ValidationError(_("De aanwezigheid is vastgesteld; afmelden kan niet meer."))
        before = current.status
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            current,
            company_id=current.company_id,
            label=f"{event.title} #{current.pk}",
            changes={"status": [before, current.status]},
        )
        promote_waiting(event, now=now)
    return current


def promote_waiting(event: Event, *, now: dt.datetime | None = None) -> list[Registration]:
    """Move people up from the waiting list while there are free places (the caller
    holds the event's lock). Each one gets a mail after commit."""
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED or now >= event.ends_at:
        return []
    waiting = Registration.objects.filter(event=event, status=Registration.Status.WAITING)
    free = waiting.count() if event.capacity is None else event.capacity - confirmed_count(event)
    promoted: list[Registration] = []
    if free <= 0:
        return promoted
    for registration in waiting.order_by("registered_at", "id")[:free]:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit.record(
            None,
            AuditEvent.Action.CHANGE,
            registration,
            company_id=registration.company_id,
            label=f"{event.title} #{registration.pk}",
            changes={"status": [Registration.Status.WAITING, Registration.Status.CONFIRMED]},
        )
        _enqueue_mail(registration.pk, "promoted")
        promoted.append(registration)
    return promoted


def _enqueue_mail(registration_id: int, kind: str) -> None:
    from loket.events import tasks

    # robust: the place is taken once committed; a failure to enqueue the mail is logged
    # and must not turn the visitor's confirmation page into an error.
    transaction.on_commit(
        lambda: tasks.send_registration_mail.enqueue(registration_id, kind), robust=True
    )
