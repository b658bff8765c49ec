"""The read side of events: who sees which event and its registrations, and who may
change them.

- Programme staff of the region (advisors, specialists, programme managers,
  administrators) see and manage every event of the region.
- Staff of the organising organisation see and manage its events; staff of a
  co-organising partner see them (and may check people in at the door).
- Registrations are personal data: visible with the event, never otherwise.
- The public calendar shows the portal region's published public events; an
  invitation-only event is reached through its invitation token only; a registration
  through its personal token (the cancel link).
- Anything else is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from loket.core.models import Region
from loket.core.permissions import scope_of
from loket.events.models import Event, Registration

EventPartner = Event.partners.through


def events_visible_to(user: Any) -> QuerySet[Event]:
    scope = scope_of(user)
    if not scope.region_ids:
        return Event.objects.none()
    orgs = scope.organisation_ids
    partner = EventPartner.objects.filter(event_id=OuterRef("pk"), organisation_id__in=orgs)
    return Event.objects.filter(
        Q(region_id__in=scope.programme_region_ids())
        | Q(organiser_id__in=orgs)
        | Q(Exists(partner))
    )


def get_event_for_user(user: Any, pk: int) -> Event:
    event = (
        events_visible_to(user)
        .select_related("region", "programme", "organiser", "municipality", "host_company")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    return event


def can_create_events(user: Any, region_id: int) -> bool:
    """Anyone working in the region may organise (with partners)."""
    return region_id in scope_of(user).region_ids


def can_manage_event(user: Any, event: Event) -> bool:
    """Change the event, its registrations, attendance and follow-up: programme staff
    of the region and staff of the organising organisation."""
    scope = scope_of(user)
    return scope.is_programme_staff(event.region_id) or scope.is_member_of(event.organiser_id)


def can_check_in(user: Any, event: Event) -> bool:
    """At the door: whoever sees the event (organiser, co-organisers, programme staff)."""
    return events_visible_to(user).filter(pk=event.pk).exists()


def registrations_visible_to(user: Any) -> QuerySet[Registration]:
    return Registration.objects.filter(event__in=events_visible_to(user).values("pk"))


def registrations_of(user: Any, event: Event) -> QuerySet[Registration]:
    """The event's registrations; the caller opened the event through
    ``get_event_for_user``."""
    return Registration.objects.filter(event=event).select_related(
        "company", "person", "municipality"
    )


def checkin_rows(user: Any, event: Event) -> QuerySet[Registration]:
    """The check-in list: everyone not cancelled, by name."""
    return (
        registrations_of(user, event)
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("name", "pk")
    )


def get_registration_for_user(user: Any, pk: int) -> Registration:
    registration = (
        registrations_visible_to(user)
        .select_related("event", "event__region", "company", "municipality")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


# --- the public side --------------------------------------------------------------------


def public_events(region: Region, now: dt.datetime | None = None) -> QuerySet[Event]:
    """The calendar: published public events of the region that have not ended."""
    now = now or timezone.now()
    return (
        Event.objects.filter(
            region=region, public=True, status=Event.Status.PUBLISHED, ends_at__gte=now
        )
        .select_related("municipality")
        .prefetch_related("themes", "partners")
        .order_by("starts_at", "id")
    )


def get_public_event(region: Region, pk: int) -> Event:
    """A published or cancelled public event of the region (past ones too: the page
    then says it has taken place)."""
    event = (
        Event.objects.filter(
            region=region,
            public=True,
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
            pk=pk,
        )
        .select_related("municipality", "organiser", "host_company", "region")
        .first()
    )
    if event is None:
        raise Http404
    return event


def get_event_by_invitation(token: str) -> Event:
    event = (
        Event.objects.filter(
            invitation_token=token, status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]
        )
        .select_related("municipality", "organiser", "host_company", "region")
        .first()
        if token
        else None
    )
    if event is None:
        raise Http404
    return event


def get_registration_by_token(token: str) -> Registration:
    registration = (
        Registration.objects.filter(token=token).select_related("event", "event__region").first()
        if token
        else None
    )
    if registration is None:
        raise Http404
    return registration
