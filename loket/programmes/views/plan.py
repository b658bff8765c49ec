"""Programme pages: the list, the programme's home page (period, executing
organisations, funders, rates, activity types and the plan per year), and the forms for
the programme, funders, hourly rates, activity types and plan lines.

Views are thin: they read through ``queries.py`` (outside the user's programmes is a
404), declare input with forms and change things only through ``services.plan``. Who
sees a programme but may not change it gets a 403.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from loket.core.forms import MAX_PK
from loket.core.lists import Sorting, SortOption, paginate
from loket.core.permissions import scope_of
from loket.programmes.financing import rate_for
from loket.programmes.forms.plan import (
    FUNDINGS,
    ActivityTypeForm,
    FunderForm,
    PlanLineForm,
    ProgrammeForm,
    RateForm,
    funding_formset,
    service_errors,
)
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
)
from loket.programmes.queries import can_edit_plan, get_programme_for_user, programmes_visible_to
from loket.programmes.services import plan as services

M = TypeVar("M", bound=Model)


def _status(request: HttpRequest, *forms_: Any) -> int:
    """200 for a fresh form; 422 when posted input was refused."""
    if request.method != "POST":
        return 200
    refused = any(bool(f.errors) or bool(getattr(f, "non_form_errors", list)()) for f in forms_)
    return 422 if refused else 200


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _editable_programme(request: HttpRequest, pk: int) -> Programme:
    if pk > MAX_PK:
        raise Http404
    programme = get_programme_for_user(request.user, pk)
    if not can_edit_plan(request.user, programme):
        raise PermissionDenied
    return programme


def _part_of_programme(request: HttpRequest, queryset: QuerySet[M], pk: int) -> M:
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


def _to_programme(programme: Programme, anchor: str = "") -> HttpResponse:
    url = reverse("programmes:programme_detail", args=[programme.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- the list ------------------------------------------------------------------------

SORTING = Sorting(
    [
        SortOption("name", gettext_lazy("Naam"), ("name", "id")),
        SortOption("starts_on", gettext_lazy("Begindatum"), ("-starts_on", "name", "id")),
    ],
    default="starts_on",
)


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Naam bevat"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=gettext_lazy("Looptijd"),
        required=False,
        choices=[
            ("", gettext_lazy("alle")),
            ("current", gettext_lazy("lopend")),
            ("future", gettext_lazy("nog niet begonnen")),
            ("past", gettext_lazy("afgelopen")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"
        self.fields["status"].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    queryset = programmes_visible_to(request.user)
    form = ProgrammeFilterForm(request.GET)
    if form.is_valid():
        today = timezone.localdate()
        if form.cleaned_data["q"]:
            queryset = queryset.filter(name__icontains=form.cleaned_data["q"])
        status = form.cleaned_data["status"]
        if status == "current":
            queryset = queryset.filter(starts_on__lte=today, ends_on__gte=today)
        elif status == "future":
            queryset = queryset.filter(starts_on__gt=today)
        elif status == "past":
            queryset = queryset.filter(ends_on__lt=today)
    queryset = queryset.select_related("region").prefetch_related(
        Prefetch("organisations", to_attr="executing")
    )
    listing = paginate(request, queryset, sorting=SORTING)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "form": form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "may_create": bool(services.creatable_regions(request.user)),
            "several_regions": len(scope_of(request.user).region_ids) > 1,
        },
    )


# --- the programme's home page ---------------------------------------------------------

# Pages of the other areas of a programme, by URL name; a page that does not exist (yet)
# is simply not linked. hours_week takes no programme.
AREA_LINKS: list[tuple[str, Any, bool]] = [
    ("programmes:financing", gettext_lazy("Financieringsoverzicht"), True),
    ("programmes:realisation", gettext_lazy("Realisatie tegenover plan"), True),
    ("programmes:scheme_list", gettext_lazy("Regelingen"), True),
    ("programmes:trajectory_list", gettext_lazy("Trajecten"), True),
    ("programmes:plan_import", gettext_lazy("Plan importeren"), True),
    ("programmes:plan_export", gettext_lazy("Plan exporteren"), True),
    ("programmes:hours_week", gettext_lazy("Uren schrijven"), False),
]


def area_links(programme: Programme) -> list[tuple[Any, str]]:
    links = []
    for name, label, with_programme in AREA_LINKS:
        try:
            url = reverse(name, args=[programme.pk] if with_programme else None)
        except NoReverseMatch:
            continue
        links.append((label, url))
    return links


@dataclass
class RateCell:
    year: int
    rate: Decimal | None
    own: HourlyRate | None  # the rate set in this very year, if any


@dataclass
class RateRow:
    organisation: Any
    cells: list[RateCell]


@dataclass
class PlanRow:
    line: PlanLine
    parts: list[PlanLineFunding | None]  # per funder of the programme, in order


@dataclass
class PlanYear:
    year: int
    rows: list[PlanRow] = field(default_factory=list)
    hours: Decimal = Decimal("0.00")
    out_of_pocket: list[Decimal] = field(default_factory=list)


def rate_rows(
    programme: Programme, organisations: list[Any], rates: list[HourlyRate]
) -> list[RateRow]:
    """Per executing organisation and year the rate that holds (set that year or
    carried over from an earlier one)."""
    table = load_rates_from(rates)
    own = {(r.organisation_id, r.year): r for r in rates}
    return [
        RateRow(
            organisation=org,
            cells=[
                RateCell(year=y, rate=rate_for(table, org.pk, y), own=own.get((org.pk, y)))
                for y in programme.years
            ],
        )
        for org in organisations
    ]


def load_rates_from(rates: list[HourlyRate]) -> dict[int, list[tuple[int, Decimal]]]:
    table: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for rate in sorted(rates, key=lambda r: (r.organisation_id, r.year)):
        table[rate.organisation_id].append((rate.year, rate.rate))
    return table


def plan_years(
    programme: Programme, funders: list[Funder], lines: list[PlanLine]
) -> list[PlanYear]:
    years = {
        y: PlanYear(year=y, out_of_pocket=[Decimal("0.00")] * len(funders)) for y in programme.years
    }
    for line in lines:
        year = years.setdefault(
            line.year, PlanYear(year=line.year, out_of_pocket=[Decimal("0.00")] * len(funders))
        )
        by_funder = {f.funder_id: f for f in line.fundings.all()}
        parts = [by_funder.get(f.pk) for f in funders]
        year.rows.append(PlanRow(line=line, parts=parts))
        year.hours += line.hours
        for i, part in enumerate(parts):
            if part is not None:
                year.out_of_pocket[i] += part.out_of_pocket_incl_vat
    return [years[y] for y in sorted(years)]


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if pk > MAX_PK:
        raise Http404
    programme = get_programme_for_user(request.user, pk)
    organisations = list(programme.organisations.order_by("name"))
    funders = list(Funder.objects.filter(programme=programme).order_by("position", "name", "pk"))
    rates = list(HourlyRate.objects.filter(programme=programme))
    activity_types = list(ActivityType.objects.filter(programme=programme))
    lines = list(
        PlanLine.objects.filter(programme=programme)
        .select_related("activity_type", "organisation", "scheme")
        .prefetch_related(Prefetch("fundings", queryset=PlanLineFunding.objects.order_by()))
        .order_by("year", "position", "activity_type__position", "activity_type__name", "pk")
    )
    years = plan_years(programme, funders, lines)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "organisations": organisations,
            "funders": funders,
            "rate_rows": rate_rows(programme, organisations, rates),
            "rates": sorted(rates, key=lambda r: (r.organisation_id, r.year)),
            "activity_types": activity_types,
            "plan_years": years,
            "plan_hours": sum((y.hours for y in years), Decimal("0.00")),
            "line_count": len(lines),
            "can_edit": can_edit_plan(request.user, programme),
            "area_links": area_links(programme),
        },
    )


# --- programme create and edit ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    regions = services.creatable_regions(request.user)
    if not regions:
        raise PermissionDenied
    form = ProgrammeForm(_posted(request), regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(
                request.user,
                form.cleaned_data["region"],
                form.service_data(),
                organisations=form.cleaned_data["organisations"],
                standard_activity_types=form.cleaned_data["standard_activity_types"],
            )
        except ValidationError as exc:
            service_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("U mag in deze regio geen programma starten."))
        else:
            messages.success(
                request, _("Het programma %(name)s is aangemaakt.") % {"name": programme.name}
            )
            return _to_programme(programme)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "creating": True},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _editable_programme(request, pk)
    form = ProgrammeForm(_posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_programme(
                request.user,
                programme,
                form.service_data(),
                organisations=form.cleaned_data["organisations"],
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return _to_programme(programme)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": programme, "creating": False},
        status=_status(request, form),
    )


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
    return kind.form(_posted(request), **kwargs)


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
        status=_status(request, form),
    )


def _create_view(kind_name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    kind = KINDS[kind_name]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        programme = _editable_programme(request, pk)
        form = _kind_form(kind, request, programme)
        if request.method == "POST" and form.is_valid():
            try:
                obj = kind.create(request.user, programme, form.service_data())
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s is toegevoegd.") % {"name": obj})
                return _to_programme(programme, kind.anchor)
        return _render_kind(request, kind_name, form, programme)

    view.__name__ = f"{kind_name}_create"
    return view


def _edit_view(kind_name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    kind = KINDS[kind_name]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = _part_of_programme(request, kind.model._default_manager.all(), pk)
        programme = obj.programme  # type: ignore[attr-defined]
        form = _kind_form(kind, request, programme, obj)
        if request.method == "POST" and form.is_valid():
            try:
                kind.update(request.user, obj, form.service_data())
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return _to_programme(programme, kind.anchor)
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
        obj = _part_of_programme(request, model._default_manager.all(), pk)
        programme = obj.programme  # type: ignore[attr-defined]
        if request.method == "POST":
            label = str(obj)
            try:
                delete(request.user, obj)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(name)s is verwijderd.") % {"name": label})
            return _to_programme(programme, anchor)
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
    form = PlanLineForm(_posted(request), programme=programme, line=line)
    formset = funding_formset(_posted(request), funders=funders, line=line)
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
            return _to_programme(programme, f"plan-{line.year}")
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
        status=_status(request, form, formset),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _editable_programme(request, pk)
    return _plan_line_page(request, programme, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _part_of_programme(request, PlanLine.objects.prefetch_related("fundings"), pk)
    return _plan_line_page(request, line.programme, line)


urlpatterns: list[URLPattern] = [
    path("", programme_list, name="programme_list"),
    path("nieuw/", programme_create, name="programme_create"),
    path("<int:pk>/", programme_detail, name="programme_detail"),
    path("<int:pk>/bewerken/", programme_edit, name="programme_edit"),
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
