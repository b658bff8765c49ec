"""The parts of a programme's plan as pages: add, edit and delete funders, hourly rates
and activity types (one pattern for the three), and plan lines with their split over
funders; plus the helpers every programme page shares (scope: 404 outside the user's
programmes, 403 for who sees it but may not change it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from loket.core.forms import MAX_PK
from loket.programmes.forms.plan import (
    FUNDINGS,
    ActivityTypeForm,
    FunderForm,
    PlanLineForm,
    RateForm,
    funding_formset,
    service_errors,
)
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    Programme,
)
from loket.programmes.queries import can_edit_plan, get_programme_for_user, programmes_visible_to
from loket.programmes.services import plan as services

M = TypeVar("M", bound=Model)


def status_of(request: HttpRequest, *forms_: Any) -> int:
    """200 for a fresh form; 422 when posted input was refused."""
    if request.method != "POST":
        return 200
    refused = any(bool(f.errors) or bool(getattr(f, "non_form_errors", list)()) for f in forms_)
    return 422 if refused else 200


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def editable_programme(request: HttpRequest, pk: int) -> Programme:
    if pk > MAX_PK:
        raise Http404
    programme = get_programme_for_user(request.user, pk)
    if not can_edit_plan(request.user, programme):
        raise PermissionDenied
    return programme


def part_of_programme(request: HttpRequest, queryset: QuerySet[M], pk: int) -> M:
    """A funder, rate, activity type or plan line of a programme the user sees (else
    404) and may edit (else 403)."""
    if pk > MAX_PK:
        raise Http404
    obj = (
        queryset.filter(programme__in=programmes_visible_to(request.user), pk=pk)
        .select_related("programme")
        .first()
    )
    if obj is None:
        raise Http404
    if not can_edit_plan(request.user, obj.programme):  # type: ignore[attr-defined]
        raise PermissionDenied
    return obj


def to_programme(programme: Programme, anchor: str = "") -> HttpResponse:
    url = reverse("programmes:programme_detail", args=[programme.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- funders, rates and activity types: one pattern ---------------------------------------


@dataclass(frozen=True)
class Kind:
    """What the simple add/edit/delete pages need to know about one kind of object."""

    model: type[Model]
    form: type[forms.Form]
    form_arg: str  # the keyword the form takes the existing object by
    anchor: str  # the section of the programme page it lives in
    title_new: Any
    title_edit: Any
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]
    blockers: Callable[[Any], list[str]] | None = None
    needs_programme: bool = False  # the form takes the programme (choices)
    help: Any = ""


KINDS: dict[str, Kind] = {
    "funder": Kind(
        model=Funder,
        form=FunderForm,
        form_arg="funder",
        anchor="financiers",
        title_new=gettext_lazy("Nieuwe financier"),
        title_edit=gettext_lazy("Financier wijzigen"),
        create=services.create_funder,
        update=services.update_funder,
        delete=services.delete_funder,
        blockers=services.funder_delete_blockers,
        help=gettext_lazy(
            "Wie betaalt: de provincie, de Kamer van Koophandel, een landelijke regeling, "
            "of de ondernemers zelf met hun eigen bijdragen."
        ),
    ),
    "rate": Kind(
        model=HourlyRate,
        form=RateForm,
        form_arg="rate",
        anchor="tarieven",
        title_new=gettext_lazy("Nieuw uurtarief"),
        title_edit=gettext_lazy("Uurtarief wijzigen"),
        create=services.create_rate,
        update=services.update_rate,
        delete=services.delete_rate,
        needs_programme=True,
        help=gettext_lazy(
            "Het standaard uurtarief van een uitvoerende organisatie, exclusief btw. Het "
            "geldt vanaf het gekozen jaar tot een later jaar een eigen tarief heeft."
        ),
    ),
    "activity_type": Kind(
        model=ActivityType,
        form=ActivityTypeForm,
        form_arg="activity_type",
        anchor="activiteitsoorten",
        title_new=gettext_lazy("Nieuwe activiteitsoort"),
        title_edit=gettext_lazy("Activiteitsoort wijzigen"),
        create=services.create_activity_type,
        update=services.update_activity_type,
        delete=services.delete_activity_type,
        blockers=services.activity_type_delete_blockers,
        help=gettext_lazy(
            "Een soort activiteit van het plan en van de urenregistratie, met de urennorm "
            "per eenheid die een planregel overneemt."
        ),
    ),
}


def _kind_form(kind: Kind, request: HttpRequest, programme: Programme, obj: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if kind.needs_programme:
        kwargs["programme"] = programme
    if obj is not None:
        kwargs[kind.form_arg] = obj
    return kind.form(posted(request), **kwargs)


def _render_kind(
    request: HttpRequest, kind_name: str, form: Any, programme: Programme, obj: Any = None
) -> HttpResponse:
    kind = KINDS[kind_name]
    if obj is None:
        action = reverse(f"programmes:{kind_name}_create", args=[programme.pk])
    else:
        action = reverse(f"programmes:{kind_name}_edit", args=[obj.pk])
    return render(
        request,
        "programmes/plan_object_form.html",
        {
            "form": form,
            "programme": programme,
            "object": obj,
            "title": kind.title_edit if obj is not None else kind.title_new,
            "help": kind.help,
            "action": action,
            "cancel": reverse("programmes:programme_detail", args=[programme.pk])
            + f"#{kind.anchor}",
            "delete_url": reverse(f"programmes:{kind_name}_delete", args=[obj.pk])
            if obj is not None
            else None,
        },
        status=status_of(request, form),
    )


def _create_view(kind_name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    kind = KINDS[kind_name]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        programme = editable_programme(request, pk)
        form = _kind_form(kind, request, programme)
        if request.method == "POST" and form.is_valid():
            try:
                obj = kind.create(request.user, programme, form.service_data())
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s is toegevoegd.") % {"name": obj})
                return to_programme(programme, kind.anchor)
        return _render_kind(request, kind_name, form, programme)

    view.__name__ = f"{kind_name}_create"
    return view


def _edit_view(kind_name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    kind = KINDS[kind_name]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = part_of_programme(request, kind.model._default_manager.all(), pk)
        programme = obj.programme  # type: ignore[attr-defined]
        form = _kind_form(kind, request, programme, obj)
        if request.method == "POST" and form.is_valid():
            try:
                kind.update(request.user, obj, form.service_data())
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return to_programme(programme, kind.anchor)
        return _render_kind(request, kind_name, form, programme, obj)

    view.__name__ = f"{kind_name}_edit"
    return view


def _delete_view(kind_name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """Delete a funder, rate, activity type or plan line after confirmation; what keeps
    it from being deleted is said on the confirmation page."""
    kind = KINDS.get(kind_name)
    model: type[Model] = kind.model if kind else PlanLine
    anchor = kind.anchor if kind else "plan"
    delete: Callable[..., None] = kind.delete if kind else services.delete_plan_line
    blockers = kind.blockers if kind else None

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = part_of_programme(request, model._default_manager.all(), pk)
        programme = obj.programme  # type: ignore[attr-defined]
        if request.method == "POST":
            label = str(obj)
            try:
                delete(request.user, obj)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(name)s is verwijderd.") % {"name": label})
            return to_programme(programme, anchor)
        return render(
            request,
            "programmes/plan_confirm_delete.html",
            {
                "object": obj,
                "programme": programme,
                "kind_label": model._meta.verbose_name,
                "reasons": blockers(obj) if blockers else [],
                "action": reverse(f"programmes:{kind_name}_delete", args=[obj.pk]),
                "cancel": reverse("programmes:programme_detail", args=[programme.pk])
                + f"#{anchor}",
            },
        )

    view.__name__ = f"{kind_name}_delete"
    return view


# --- plan lines --------------------------------------------------------------------------


def _plan_line_page(
    request: HttpRequest, programme: Programme, line: PlanLine | None
) -> HttpResponse:
    funders = list(Funder.objects.filter(programme=programme).order_by("position", "name", "pk"))
    form = PlanLineForm(posted(request), programme=programme, line=line)
    formset = funding_formset(posted(request), funders=funders, line=line)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            if line is None:
                line = services.create_plan_line(
                    request.user, programme, form.service_data(), formset.fundings()
                )
                done = _("De planregel is toegevoegd.")
            else:
                services.update_plan_line(
                    request.user, line, form.service_data(), formset.fundings()
                )
                done = _("De wijzigingen zijn opgeslagen.")
        except ValidationError as exc:
            rest = service_errors(form, exc)
            formset.service_errors.extend(rest.pop(FUNDINGS, []))
            for messages_ in rest.values():
                for message in messages_:
                    form.add_error(None, message)
        else:
            messages.success(request, done)
            return to_programme(programme, f"plan-{line.year}")
    return render(
        request,
        "programmes/plan_line_form.html",
        {
            "form": form,
            "formset": formset,
            "programme": programme,
            "line": line,
            "funders": funders,
            "has_activity_types": ActivityType.objects.filter(programme=programme).exists(),
        },
        status=status_of(request, form, formset),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = editable_programme(request, pk)
    return _plan_line_page(request, programme, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = part_of_programme(request, PlanLine.objects.prefetch_related("fundings"), pk)
    return _plan_line_page(request, line.programme, line)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/financiers/nieuw/", _create_view("funder"), name="funder_create"),
    path("financier/<int:pk>/bewerken/", _edit_view("funder"), name="funder_edit"),
    path("financier/<int:pk>/verwijderen/", _delete_view("funder"), name="funder_delete"),
    path("<int:pk>/tarieven/nieuw/", _create_view("rate"), name="rate_create"),
    path("tarief/<int:pk>/bewerken/", _edit_view("rate"), name="rate_edit"),
    path("tarief/<int:pk>/verwijderen/", _delete_view("rate"), name="rate_delete"),
    path(
        "<int:pk>/activiteitsoorten/nieuw/",
        _create_view("activity_type"),
        name="activity_type_create",
    ),
    path(
        "activiteitsoort/<int:pk>/bewerken/",
        _edit_view("activity_type"),
        name="activity_type_edit",
    ),
    path(
        "activiteitsoort/<int:pk>/verwijderen/",
        _delete_view("activity_type"),
        name="activity_type_delete",
    ),
    path("<int:pk>/plan/nieuw/", plan_line_create, name="plan_line_create"),
    path("planregel/<int:pk>/bewerken/", plan_line_edit, name="plan_line_edit"),
    path("planregel/<int:pk>/verwijderen/", _delete_view("plan_line"), name="plan_line_delete"),
]
