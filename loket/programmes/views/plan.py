"""Programme pages: the list, the programme's home page (period, executing
organisations, funders, rates, activity types and the plan per year), and the programme
form. The pages of its parts (funders, rates, activity types, plan lines) are in
``plan_parts``; their URLs are included here.

Views are thin: they read through ``queries.py`` (outside the user's programmes is a
404), declare input with forms and change things only through ``services.plan``. Who
sees a programme but may not change it gets a 403.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from loket.core.forms import MAX_PK
from loket.core.lists import Sorting, SortOption, paginate
from loket.core.permissions import scope_of
from loket.programmes.financing import rate_for
from loket.programmes.forms.plan import (
    ProgrammeForm,
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
from loket.programmes.views import plan_parts
from loket.programmes.views.plan_parts import editable_programme, posted, status_of, to_programme

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


def area_links(programme: Programme, can_edit: bool) -> list[tuple[Any, str]]:
    """The programme's other pages; importing the plan only for those who may change it."""
    pk = programme.pk
    links: list[tuple[Any, str]] = [
        (gettext_lazy("Financieringsoverzicht"), reverse("programmes:financing", args=[pk])),
        (gettext_lazy("Realisatie tegenover plan"), reverse("programmes:realisation", args=[pk])),
        (gettext_lazy("Regelingen"), reverse("programmes:scheme_list", args=[pk])),
        (gettext_lazy("Trajecten"), reverse("programmes:trajectory_list", args=[pk])),
        (
            gettext_lazy("Plan exporteren (XLSX)"),
            reverse("programmes:plan_export", args=[pk]) + "?format=xlsx",
        ),
        (
            gettext_lazy("Plan exporteren (YAML)"),
            reverse("programmes:plan_export", args=[pk]) + "?format=yaml",
        ),
    ]
    if can_edit:
        links.append(
            (gettext_lazy("Plan importeren"), reverse("programmes:plan_import", args=[pk]))
        )
    links.append((gettext_lazy("Uren schrijven"), reverse("programmes:hours_week")))
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
    can_edit = can_edit_plan(request.user, programme)
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
            "can_edit": can_edit,
            "area_links": area_links(programme, can_edit),
            # the survey's results are for programme staff only
            "sees_satisfaction": scope_of(request.user).is_programme_staff(programme.region_id),
        },
    )


# --- programme create and edit ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    regions = services.creatable_regions(request.user)
    if not regions:
        raise PermissionDenied
    form = ProgrammeForm(posted(request), regions=regions)
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
            return to_programme(programme)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "creating": True},
        status=status_of(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = editable_programme(request, pk)
    form = ProgrammeForm(posted(request), programme=programme)
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
            return to_programme(programme)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": programme, "creating": False},
        status=status_of(request, form),
    )


urlpatterns: list[URLPattern] = [
    path("", programme_list, name="programme_list"),
    path("nieuw/", programme_create, name="programme_create"),
    path("<int:pk>/", programme_detail, name="programme_detail"),
    path("<int:pk>/bewerken/", programme_edit, name="programme_edit"),
    *plan_parts.urlpatterns,
]
