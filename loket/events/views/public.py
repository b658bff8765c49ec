"""The public calendar in the portal (no login, works without JavaScript).

The calendar's filters travel in the URL (theme, municipality, online: nothing
personal); the registration form posts, and the thank-you page reads what it shows from
the session. An invitation-only event is reached only through its invitation link; a
registration only through its personal cancel link (tokens, not personal data). The
portal serves one region (``portal_region``): tokens of another region's events are a 404.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.catalogue.queries import portal_region
from loket.companies.forms import add_service_errors
from loket.core.forms import MAX_PK
from loket.core.lists import paginate
from loket.core.models import Region
from loket.events import queries
from loket.events.forms.registration import CalendarFilterForm, RegistrationForm
from loket.events.models import Event, Registration
from loket.events.services import registration as services
from loket.portal.views import _client_address

logger = logging.getLogger(__name__)

SESSION_KEY = "agenda_registration"


def _with_places(events: Any) -> Any:
    return events.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        )
    )


def _places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    confirmed = getattr(event, "confirmed_count", None)
    if confirmed is None:
        confirmed = services.confirmed_count(event)
    return max(event.capacity - confirmed, 0)


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    region = portal_region()
    form = CalendarFilterForm(request.GET or None, region=region)
    events = _with_places(queries.public_events(region))
    valid = form.is_valid() if request.GET else True
    if request.GET and valid:
        data = form.cleaned_data
        if data.get("thema") is not None:
            events = events.filter(themes=data["thema"])
        if data.get("gemeente") is not None:
            events = events.filter(municipality=data["gemeente"])
        if data.get("online") == "ja":
            events = events.filter(online=True)
        elif data.get("online") == "nee":
            events = events.filter(online=False)
    listing = paginate(request, events, per_page=20)
    rows = [(event, _places_left(event)) for event in listing.page.object_list]
    return render(
        request,
        "events/agenda/calendar.html",
        {
            "region": region,
            "form": form,
            "page": listing.page,
            "query": listing.query,
            "rows": rows,
            "filtered": bool(request.GET and valid and any(form.cleaned_data.values())),
        },
        status=200 if valid else 400,
    )


def _event_context(region: Region, event: Event) -> dict[str, Any]:
    now = timezone.now()
    return {
        "region": region,
        "event": event,
        "themes": list(event.themes.all()),
        "partners": list(event.partners.order_by("name")),
        "places_left": _places_left(event),
        "is_open": event.registration_open(now) and now < event.ends_at,
        "is_past": event.ends_at <= now,
    }


@require_GET
def event(request: HttpRequest, pk: int) -> HttpResponse:
    region = portal_region()
    if pk > MAX_PK:
        raise Http404
    found = queries.get_public_event(region, pk)
    return render(request, "events/agenda/event.html", _event_context(region, found))


def _registration_page(
    request: HttpRequest, region: Region, found: Event, action: str, invitation: bool
) -> HttpResponse:
    context = _event_context(region, found)
    context.update({"action": action, "invitation": invitation})
    if request.method != "POST":
        context["form"] = RegistrationForm(region=region)
        return render(request, "events/agenda/register.html", context)

    form = RegistrationForm(request.POST, region=region)
    context["form"] = form
    address = _client_address(request)
    if services.is_throttled(address):
        form.is_valid()
        form.errors.clear()
        form.add_error(None, _throttled_message())
        return render(request, "events/agenda/register.html", context, status=429)
    if form.is_valid():
        if form.is_bot:
            services.note_attempt(address)
            request.session[SESSION_KEY] = {"title": found.title, "status": "confirmed"}
            return redirect("agenda:registered")
        try:
            done = services.register(found, form.as_input(), address=address)
        except services.RegistrationThrottled:
            form.add_error(None, _throttled_message())
            return render(request, "events/agenda/register.html", context, status=429)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            logger.info("event %s: registration %s received", found.pk, done.pk)
            request.session[SESSION_KEY] = {"title": found.title, "status": done.status}
            return redirect("agenda:registered")
    return render(request, "events/agenda/register.html", context, status=400)


def _throttled_message() -> str:
    return _(
        "Vanaf uw adres zijn het afgelopen uur al veel aanmeldingen verstuurd. Probeer het "
        "over een uur opnieuw, of bel ons."
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    region = portal_region()
    if pk > MAX_PK:
        raise Http404
    found = queries.get_public_event(region, pk)
    return _registration_page(request, region, found, request.path, invitation=False)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation-only (or public) event reached through its invitation link: the
    event and the registration form on one page."""
    region = portal_region()
    found = queries.get_event_by_invitation(token[:64])
    if found.region_id != region.pk:
        raise Http404
    return _registration_page(request, region, found, request.path, invitation=True)


@require_GET
def registered(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(SESSION_KEY)
    if sent is None:
        return redirect("agenda:calendar")
    return render(
        request, "events/agenda/registered.html", {"region": portal_region(), "sent": sent}
    )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The personal cancel link: the registration (with the online link for a confirmed
    place) and a button to cancel."""
    region = portal_region()
    found = queries.get_registration_by_token(token[:64])
    if found.event.region_id != region.pk:
        raise Http404
    error = ""
    status = 200
    if request.method == "POST":
        try:
            found = services.cancel(found)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            status = 400
        else:
            return render(
                request,
                "events/agenda/cancel.html",
                {"region": region, "registration": found, "event": found.event, "done": True},
            )
    return render(
        request,
        "events/agenda/cancel.html",
        {
            "region": region,
            "registration": found,
            "event": found.event,
            "error": error,
            "may_cancel": found.is_active and timezone.now() < found.event.starts_at,
        },
        status=status,
    )


urlpatterns = [
    path("", calendar, name="calendar"),
    path("<int:pk>/", event, name="event"),
    path("<int:pk>/aanmelden/", register, name="register"),
    path("uitnodiging/<str:token>/", invitation, name="invitation"),
    path("aangemeld/", registered, name="registered"),
    path("afmelden/<str:token>/", cancel, name="cancel"),
]
