"""Helpers of the registration tests: an event of the portal's region and mail lookups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from django.utils import timezone

from loket.events.services.registration import RegistrationInput
from tests import factories as f


def event_of(world: Any, **kwargs: Any) -> Any:
    """A published public event in Drenthe, organised by the bureau with Gemeente Assen."""
    programme = kwargs.pop("programme", None) or f.ProgrammeFactory(
        region=world.region, organisations=[world.bureau]
    )
    fields = {
        "programme": programme,
        "organiser": world.bureau,
        "partners": [world.gem_assen],
        "municipality": world.assen,
        **kwargs,
    }
    return f.EventFactory(**fields)


def person(n: int, world: Any, **kwargs: Any) -> RegistrationInput:
    fields = {
        "name": f"Deelnemer {n}",
        "email": f"deelnemer{n}@bedrijf{n}.example",
        "company_name": f"Bedrijf {n}",
        "municipality": world.assen,
        "consent": True,
        **kwargs,
    }
    return RegistrationInput(**fields)


def mails_to(outbox: list[Any], address: str) -> list[Any]:
    return [m for m in outbox if address in m.to]


def ics_of(message: Any) -> icalendar.Event:
    """The VEVENT of a mail's .ics attachment, parsed back."""
    attachments = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1, message.attachments
    _name, content, mimetype = attachments[0]
    assert mimetype.startswith("text/calendar")
    raw = content.encode() if isinstance(content, str) else content
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def tomorrow_at(hour: int) -> dt.datetime:
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(hour), tzinfo=tz)
