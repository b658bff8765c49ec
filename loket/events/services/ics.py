"""The .ics attachment of a confirmation: one VEVENT a calendar program can import.

Times are written in UTC (valid everywhere, no VTIMEZONE needed); the UID is the event's,
so a later update of the same event replaces the entry in the recipient's calendar. The
online link is in it: the attachment only goes to people with a confirmed place.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.utils import timezone

from loket.events.models import Event

PRODID = "-//Loket//Evenementen//NL"


def event_uid(event: Event) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "loket"
    return f"event-{event.pk}@{host}"


def location_of(event: Event) -> str:
    if event.online:
        return event.online_url or "Online"
    return ", ".join(part for part in (event.venue, event.address) if part)


def calendar_for(event: Event, *, cancel_url: str = "", now: dt.datetime | None = None) -> bytes:
    """The iCalendar document (bytes, CRLF lines) for ``event``."""
    utc = dt.UTC
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    item = icalendar.Event()
    item.add("uid", event_uid(event))
    item.add("dtstamp", (now or timezone.now()).astimezone(utc))
    item.add("dtstart", event.starts_at.astimezone(utc))
    item.add("dtend", event.ends_at.astimezone(utc))
    item.add("summary", event.title)
    description = event.description
    if cancel_url:
        description = f"{description}\n\nAfmelden: {cancel_url}".strip()
    if description:
        item.add("description", description)
    location = location_of(event)
    if location:
        item.add("location", location)
    if event.online and event.online_url:
        item.add("url", event.online_url)
    item.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    cal.add_component(item)
    return cal.to_ical()
