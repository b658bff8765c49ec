"""Staff pages for registrations: register someone for an event (by phone, at a desk)
and cancel a registration. Whoever may manage the event (``can_manage_event``) may do
both; someone who only sees the event (a co-organiser) gets 403, anyone else 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.companies.forms import add_service_errors
from loket.companies.queries import companies_visible_to
from loket.core.forms import MAX_PK
from loket.events.forms.registration import ChooseCompanyForm, StaffRegistrationForm
from loket.events.models import Event, Registration
from loket.events.queries import can_manage_event, get_event_for_user, get_registration_for_user
from loket.events.services import attendance, linking
from loket.events.services import registration as services


def _check_pk(pk: int) -> None:
    if pk > MAX_PK:
        from django.http import Http404

        raise Http404


def _event_page(event: Event) -> str:
    return reverse("events:event_detail", args=[event.pk])


@login_required
@require_http_methods(["GET", "POST"])
def registration_create(request: HttpRequest, pk: int) -> HttpResponse:
    _check_pk(pk)
    event = get_event_for_user(request.user, pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    form = StaffRegistrationForm(request.POST or None, region=event.region)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = services.register(event, form.as_input(), actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if done.status == Registration.Status.WAITING:
                    messages.success(
                        request, _("Het evenement is vol: de deelnemer staat op de wachtlijst.")
                    )
                else:
                    messages.success(request, _("De deelnemer is aangemeld."))
                return redirect(_event_page(event))
        status = 400
    return render(
        request,
        "events/registration_form.html",
        {
            "event": event,
            "form": form,
            "places_left": services.places_left(event),
            "back_url": _event_page(event),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _check_pk(pk)
    registration = get_registration_for_user(request.user, pk)
    event = registration.event
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            services.cancel(registration, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("De aanmelding is afgemeld."))
            return redirect(_event_page(event))
    return render(
        request,
        "events/registration_cancel.html",
        {
            "event": event,
            "registration": registration,
            "error": error,
            "back_url": _event_page(event),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_company(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the company of a registration that linking left without one (several fit,
    or none was named): the candidates linking found, or a KvK number."""
    _check_pk(pk)
    registration = get_registration_for_user(request.user, pk)
    event = registration.event
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    if registration.company_id is not None:
        messages.info(request, _("Deze aanmelding is al aan een bedrijf gekoppeld."))
        return redirect(_event_page(event))
    visible = companies_visible_to(request.user).filter(region_id=event.region_id)
    found = linking.find(
        event.region,
        linking.Contact(
            name=registration.name,
            email=registration.email,
            company_name=registration.company_name,
            municipality=registration.municipality,
        ),
    )
    ids = [c.pk for c in found.candidates]
    candidates = list(visible.filter(pk__in=ids).select_related("municipality").order_by("name"))
    posted = request.POST if request.method == "POST" else None
    form = ChooseCompanyForm(posted, candidates=candidates, companies=visible)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                attendance.choose_company(
                    request.user,  # type: ignore[arg-type]
                    registration,
                    form.cleaned_data["company"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("De aanmelding is gekoppeld aan %(company)s.")
                    % {"company": form.cleaned_data["company"].name},
                )
                return redirect(_event_page(event))
        status = 400
    return render(
        request,
        "events/registration_company.html",
        {
            "event": event,
            "registration": registration,
            "form": form,
            "back_url": _event_page(event),
        },
        status=status,
    )


urlpatterns = [
    path("<int:pk>/aanmelden/", registration_create, name="registration_create"),
    path(
        "aanmeldingen/<int:pk>/bedrijf/",
        registration_company,
        name="registration_company",
    ),
    path(
        "aanmeldingen/<int:pk>/afmelden/",
        registration_cancel,
        name="registration_cancel",
    ),
]
