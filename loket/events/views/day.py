"""Pages of the day and after: the check-in list (made for a phone: search by name, which
is sent with POST so that no name lands in a URL, and one tick per row, a POST that htmx
turns into a swap of the row), a walk-in, making attendance final, the follow-up, and
the event's figures.

Views are thin: the event and registrations come through ``queries.py`` (outside the
user's scope: 404), input through forms, changes through ``services/attendance.py`` and
``services/follow_up.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.companies.forms import add_service_errors
from loket.events.figures import event_figures
from loket.events.forms.day import AttendanceForm, CheckinSearchForm, FollowUpForm, WalkInForm
from loket.events.models import Event, Registration
from loket.events.queries import (
    can_check_in,
    can_manage_event,
    checkin_rows,
    get_event_for_user,
    get_registration_for_user,
)
from loket.events.services import attendance, follow_up, linking
from loket.events.services import events as events_services

# --- the check-in list ---------------------------------------------------------------------


def _checkin_rows(request: HttpRequest, event: Event) -> QuerySet[Registration]:
    return checkin_rows(request.user, event)


def _checkin_context(request: HttpRequest, event: Event, **extra: Any) -> dict[str, Any]:
    problem = attendance.checkin_problem(event)
    may_manage = can_manage_event(request.user, event)
    return {
        "event": event,
        "problem": problem,
        "may_tick": problem is None,
        "may_manage": may_manage,
        "finalise_problem": attendance.finalise_problem(event),
        "error": "",
        "error_for": None,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The list of registrations at the door. Searching is a POST (no names in URLs)."""
    event = get_event_for_user(request.user, pk)
    if not can_check_in(request.user, event):
        raise PermissionDenied
    form = CheckinSearchForm(request.POST if request.method == "POST" else None)
    rows = _checkin_rows(request, event)
    query = ""
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["zoek"]
        if query:
            rows = rows.filter(Q(name__icontains=query) | Q(company_name__icontains=query))
    registrations = list(rows)
    events_services.view_checkin_list(request.user, event, len(registrations))  # type: ignore[arg-type]
    present = sum(1 for r in registrations if r.attendance == Registration.Attendance.PRESENT)
    context = _checkin_context(
        request,
        event,
        form=form,
        query=query,
        registrations=registrations,
        present=present,
    )
    status = 422 if form.errors else 200
    return render(request, "events/checkin.html", context, status=status)


@login_required
@require_POST
def checkin_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick one registration present (aanwezig=ja) or undo it (aanwezig=nee)."""
    registration = get_registration_for_user(request.user, pk)
    event = get_event_for_user(request.user, registration.event_id)
    if not can_check_in(request.user, event):
        raise PermissionDenied
    registration.event = event
    form = AttendanceForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            registration = attendance.set_attendance(
                request.user,  # type: ignore[arg-type]
                registration,
                form.present,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    htmx = getattr(request, "htmx", None)
    if htmx:
        context = _checkin_context(
            request, event, registration=registration, error=error, error_for=registration.pk
        )
        return render(request, "events/checkin_row.html", context, status=422 if error else 200)
    if error:
        registrations = list(_checkin_rows(request, event))
        context = _checkin_context(
            request,
            event,
            form=CheckinSearchForm(),
            query="",
            registrations=registrations,
            present=sum(
                1 for r in registrations if r.attendance == Registration.Attendance.PRESENT
            ),
            error=error,
            error_for=registration.pk,
        )
        return render(request, "events/checkin.html", context, status=422)
    return redirect(reverse("events:checkin", args=[event.pk]) + f"#aanmelding-{registration.pk}")


# --- a walk-in -----------------------------------------------------------------------------

OUTCOME_MESSAGES = {
    linking.MATCHED: gettext_lazy("gekoppeld aan het bestaande bedrijf %(company)s"),
    linking.NEW: gettext_lazy("het bedrijf %(company)s is nieuw in de klantregistratie"),
    linking.AMBIGUOUS: gettext_lazy(
        "er zijn meerdere bedrijven met deze naam; de aanmelding is nog niet aan een "
        "bedrijf gekoppeld"
    ),
    linking.NO_COMPANY: gettext_lazy("zonder bedrijf"),
}


@login_required
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk)
    if not can_check_in(request.user, event):
        raise PermissionDenied
    form = WalkInForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            result = attendance.add_walk_in(
                request.user,  # type: ignore[arg-type]
                event,
                form.walk_in(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            registration = result.registration
            how = str(OUTCOME_MESSAGES[result.outcome]) % {
                "company": registration.company.name if registration.company else ""
            }
            messages.success(
                request,
                _("%(name)s is toegevoegd als binnenloper en staat op aanwezig (%(how)s).")
                % {"name": registration.name, "how": how},
            )
            return redirect("events:checkin", pk=event.pk)
    return render(
        request,
        "events/checkin_walk_in.html",
        {"event": event, "form": form, "problem": attendance.checkin_problem(event)},
        status=422 if form.errors else 200,
    )


# --- making attendance final ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            done = attendance.finalise(request.user, event)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if done.already:
                messages.info(request, _("De aanwezigheid was al vastgesteld."))
            else:
                messages.success(
                    request,
                    _("De aanwezigheid is vastgesteld: %(no_shows)s en %(moments)s op de tijdlijn.")
                    % {
                        "no_shows": ngettext(
                            "%(n)d niet verschenen", "%(n)d niet verschenen", done.no_shows
                        )
                        % {"n": done.no_shows},
                        "moments": ngettext(
                            "%(n)d bedrijf met een contactmoment",
                            "%(n)d bedrijven met een contactmoment",
                            done.contact_moments,
                        )
                        % {"n": done.contact_moments},
                    },
                )
            return redirect("events:checkin", pk=event.pk)
    return render(
        request,
        "events/checkin_finalise.html",
        {
            "event": event,
            "figures": event_figures(event),
            "problem": error or attendance.finalise_problem(event),
        },
        status=422 if error else 200,
    )


# --- follow-up -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    candidates = follow_up.candidates(event)
    form = FollowUpForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            cases = follow_up.follow_up(
                request.user,  # type: ignore[arg-type]
                event,
                form.cleaned_data["registrations"],
                form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Er is %(n)d hulpvraag aangemaakt voor de opvolging.",
                    "Er zijn %(n)d hulpvragen aangemaakt voor de opvolging.",
                    len(cases),
                )
                % {"n": len(cases)},
            )
            return redirect("events:follow_up", pk=event.pk)
    return render(
        request,
        "events/follow_up.html",
        {
            "event": event,
            "form": form,
            "has_candidates": bool(form.fields["registrations"].queryset),  # type: ignore[attr-defined]
            "done": list(follow_up.followed_up(event)),
        },
        status=422 if form.errors else 200,
    )


# --- figures -------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk)
    return render(
        request,
        "events/figures.html",
        {
            "event": event,
            "figures": event_figures(event),
            "may_manage": can_manage_event(request.user, event),
        },
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/check-in/", checkin, name="checkin"),
    path("aanmelding/<int:pk>/aanwezig/", checkin_mark, name="checkin_mark"),
    path("<int:pk>/binnenloper/", walk_in, name="walk_in"),
    path("<int:pk>/aanwezigheid-vaststellen/", finalise, name="finalise"),
    path("<int:pk>/opvolging/", follow_up_view, name="follow_up"),
    path("<int:pk>/cijfers/", figures, name="figures"),
]
