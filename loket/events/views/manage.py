"""Staff pages of events: the list (filters, sorting, pagination, CSV/XLSX export),
create and edit, the event page with its registrations and the links to check-in,
figures, follow-up and the webinar import, and publishing and cancelling as POST
actions.

Views are thin: they read through ``queries.py`` (an event the user may not see is a
404), declare input with forms, and change things only through ``services/events.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.companies.forms import add_service_errors
from loket.core.export import Column, export_format, export_response
from loket.core.lists import paginate
from loket.core.permissions import scope_of
from loket.events.forms.events import SORTING, CancelForm, EventFilterSet, EventForm
from loket.events.models import Event, Registration
from loket.events.queries import (
    can_create_events,
    can_manage_event,
    events_visible_to,
    get_event_for_user,
    registrations_of,
)
from loket.events.services import events as services

Confirmed = Registration.Status.CONFIRMED
Waiting = Registration.Status.WAITING


def event_rows(user: Any) -> QuerySet[Event]:
    """The events the user sees, with what a list row shows: a fixed number of queries
    whatever the number of rows (themes and partners prefetched, counts annotated)."""
    return (
        events_visible_to(user)
        .select_related("programme", "organiser", "municipality", "host_company", "plan_line")
        .prefetch_related("themes", "partners")
        .annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status=Confirmed)),
            waiting_count=Count("registrations", filter=Q(registrations__status=Waiting)),
        )
    )


def _place(event: Event) -> str:
    if event.online:
        return str(_("online"))
    return ", ".join(part for part in (event.venue, event.address) if part)


EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Titel"), "title"),
    (gettext_lazy("Soort"), "get_kind_display"),
    (gettext_lazy("Status"), "get_status_display"),
    (gettext_lazy("Begint"), "starts_at"),
    (gettext_lazy("Eindigt"), "ends_at"),
    (gettext_lazy("Plaats"), _place),
    (gettext_lazy("Gemeente"), "municipality.name"),
    (gettext_lazy("Openbaar"), "public"),
    (gettext_lazy("Programma"), "programme.name"),
    (gettext_lazy("Organisator"), "organiser.name"),
    (gettext_lazy("Mede-organisatoren"), "partners"),
    (gettext_lazy("Thema's"), "themes"),
    (gettext_lazy("Gastbedrijf"), "host_company.name"),
    (gettext_lazy("Maximum aantal deelnemers"), "capacity"),
    (gettext_lazy("Aangemeld"), "confirmed_count"),
    (gettext_lazy("Wachtlijst"), "waiting_count"),
    (gettext_lazy("Aanmelden kan tot"), "registration_deadline"),
]


def _status(request: HttpRequest, form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = EventFilterSet(request.GET, queryset=event_rows(request.user), request=request)
    fmt = export_format(request)
    if fmt is not None:
        return export_response(
            fmt, SORTING.apply(filterset.qs, request.GET), EXPORT_COLUMNS, "evenementen"
        )
    listing = paginate(request, filterset.qs, sorting=SORTING)
    return render(
        request,
        "events/event_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "may_create": bool(scope_of(request.user).region_ids),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_of(user).region_ids:
        raise PermissionDenied
    form = EventForm(request.POST if request.method == "POST" else None, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        if not can_create_events(user, programme.region_id):
            raise PermissionDenied
        try:
            event = services.create_event(user, programme, form.service_data())  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Het evenement %(title)s is aangemaakt als concept.") % {"title": event.title},
            )
            return redirect("events:event_detail", pk=event.pk)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "creating": True},
        status=_status(request, form),
    )


def _manageable(request: HttpRequest, pk: int) -> Event:
    event = get_event_for_user(request.user, pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    return event


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _manageable(request, pk)
    if event.status == Event.Status.CANCELLED:
        messages.error(request, _("Een afgelast evenement kan niet meer worden gewijzigd."))
        return redirect("events:event_detail", pk=event.pk)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        user=request.user,  # type: ignore[arg-type]
        event=event,
        initial=EventForm.initial_from(event),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(request.user, event, form.service_data())  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("events:event_detail", pk=event.pk)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event, "creating": False},
        status=_status(request, form),
    )


def _detail(
    request: HttpRequest, event: Event, cancel_form: CancelForm | None = None, status: int = 200
) -> HttpResponse:
    registrations = list(registrations_of(request.user, event).order_by("registered_at", "id"))
    services.view_registrations(request.user, event, len(registrations))  # type: ignore[arg-type]
    counts = dict.fromkeys(Registration.Status.values, 0)
    present = 0
    for registration in registrations:
        counts[registration.status] += 1
        present += registration.attendance == Registration.Attendance.PRESENT
    may_manage = can_manage_event(request.user, event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "themes": list(event.themes.all()),
            "partners": list(event.partners.order_by("name")),
            "registrations": registrations,
            "counts": counts,
            "present": present,
            "may_manage": may_manage,
            "may_publish": may_manage and event.status == Event.Status.DRAFT,
            "may_cancel": may_manage and event.status != Event.Status.CANCELLED,
            "cancel_form": cancel_form or CancelForm(),
        },
        status=status,
    )


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_event_for_user(request.user, pk))


@login_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _manageable(request, pk)
    try:
        services.publish_event(request.user, event)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(
            request,
            _("Het evenement is niet gepubliceerd: %(problems)s")
            % {"problems": " ".join(exc.messages)},
        )
    else:
        messages.success(
            request, _("Het evenement %(title)s is gepubliceerd.") % {"title": event.title}
        )
    return redirect("events:event_detail", pk=event.pk)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _manageable(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_event(request.user, event, form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Het evenement %(title)s is afgelast; wie zich had aangemeld krijgt bericht.")
                % {"title": event.title},
            )
        return redirect("events:event_detail", pk=event.pk)
    return _detail(request, event, cancel_form=form, status=422)


urlpatterns: list[URLPattern] = [
    path("", event_list, name="event_list"),
    path("nieuw/", event_create, name="event_create"),
    path("<int:pk>/", event_detail, name="event_detail"),
    path("<int:pk>/wijzigen/", event_edit, name="event_edit"),
    path("<int:pk>/publiceren/", event_publish, name="event_publish"),
    path("<int:pk>/afgelasten/", event_cancel, name="event_cancel"),
]
