"""Pages of a programme's business cases (the development agency's projects with
companies): the list with its totals (expected against realised extra turnover, value
created and jobs), filters (organisation, start year), sorting and CSV/XLSX export; add,
change and delete.

Views are thin: the programme and the business case are read through ``queries.py``
(what the user may not see is a 404; seen but not theirs to change: 403), input is
declared by forms and changes go through ``services/business_cases.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from loket.accounts.models import Organisation, User
from loket.companies.forms import add_service_errors
from loket.companies.queries import companies_visible_to
from loket.core.export import Column, export_format, export_response
from loket.core.lists import Sorting, SortOption, paginate
from loket.monitoring.business_cases import totals
from loket.monitoring.forms.business_cases import BusinessCaseFilterSet, BusinessCaseForm
from loket.monitoring.models import BusinessCase
from loket.monitoring.queries import (
    business_case_organisations,
    business_cases_visible_to,
    can_edit_business_case,
    get_business_case_for_user,
    share_of,
)
from loket.monitoring.services import business_cases as services
from loket.programmes.models import Programme
from loket.programmes.queries import executing_organisation_ids, get_programme_for_user
from loket.programmes.views.plan_parts import status_of

SORTING = Sorting(
    [
        SortOption("started", gettext_lazy("Startdatum"), ("-started_on", "title", "id")),
        SortOption("title", gettext_lazy("Project"), ("title", "id")),
        SortOption("company", gettext_lazy("Bedrijf"), ("company__name", "title", "id")),
        SortOption("turnover", gettext_lazy("Verwachte extra omzet"), ("-expected_turnover", "id")),
    ],
    default="started",
)

EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Project"), "title"),
    (gettext_lazy("Organisatie"), "organisation.name"),
    (gettext_lazy("Bedrijf"), "company.name"),
    (gettext_lazy("KvK-nummer"), "company.kvk_number"),
    (gettext_lazy("Loket-nummer"), "company_id"),
    (gettext_lazy("Gestart op"), "started_on"),
    (gettext_lazy("Verwachte extra omzet (€)"), "expected_turnover"),
    (gettext_lazy("Verwachte toegevoegde waarde (€)"), "expected_value"),
    (gettext_lazy("Verwachte extra banen (fte)"), "expected_fte"),
    (gettext_lazy("Gerealiseerde extra omzet (€)"), "realised_turnover"),
    (gettext_lazy("Gerealiseerde toegevoegde waarde (€)"), "realised_value"),
    (gettext_lazy("Gerealiseerde extra banen (fte)"), "realised_fte"),
    (gettext_lazy("Realisatie gemeten op"), "realised_on"),
    (gettext_lazy("Toelichting"), "note"),
]


def list_queryset(user: Any, programme: Programme) -> QuerySet[BusinessCase]:
    """The programme's business cases the user sees, with what a row shows."""
    return (
        business_cases_visible_to(user)
        .filter(programme=programme)
        .select_related("organisation", "company")
    )


def filter_organisations(user: Any, programme: Programme) -> QuerySet[Organisation]:
    """The organisations to filter on: those of the programme whose cases the user sees."""
    share = share_of(user, programme)
    ids = executing_organisation_ids(programme) if share is None else share
    return Organisation.objects.filter(pk__in=ids).order_by("name", "pk")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_GET
def business_case_list(
    request: HttpRequest, programme_pk: int
) -> HttpResponse | StreamingHttpResponse:
    user = _user(request)
    programme = get_programme_for_user(user, programme_pk)
    filterset = BusinessCaseFilterSet(
        request.GET,
        queryset=list_queryset(user, programme),
        request=request,
        organisations=filter_organisations(user, programme),
        programme=programme,
    )
    queryset = filterset.qs
    fmt = export_format(request)
    if fmt is not None:
        return export_response(
            fmt, SORTING.apply(queryset, request.GET), EXPORT_COLUMNS, "businesscases"
        )
    listing = paginate(request, queryset, sorting=SORTING)
    rows = [(case, can_edit_business_case(user, case)) for case in listing.page.object_list]
    return render(
        request,
        "monitoring/business_case_list.html",
        {
            "programme": programme,
            "filterset": filterset,
            "form": filterset.form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "rows": rows,
            "totals": totals(queryset),
            "may_create": services.may_create(user, programme),
        },
    )


def _form(
    request: HttpRequest, programme: Programme, case: BusinessCase | None = None
) -> BusinessCaseForm:
    user = _user(request)
    organisations = business_case_organisations(user, programme)
    initial: dict[str, Any] = {}
    if case is not None:
        initial = BusinessCaseForm.initial_from(case)
    else:
        only = list(organisations[:2])
        if len(only) == 1:
            initial["organisation"] = only[0].pk
    return BusinessCaseForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        companies=companies_visible_to(user).filter(region_id=programme.region_id),
        initial=initial,
    )


def _form_page(
    request: HttpRequest,
    programme: Programme,
    form: BusinessCaseForm,
    case: BusinessCase | None = None,
) -> HttpResponse:
    return render(
        request,
        "monitoring/business_case_form.html",
        {
            "programme": programme,
            "form": form,
            "case": case,
            "cancel": reverse("monitoring:business_case_list", args=[programme.pk]),
        },
        status=status_of(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_case_create(request: HttpRequest, programme_pk: int) -> HttpResponse:
    user = _user(request)
    programme = get_programme_for_user(user, programme_pk)
    if not services.may_create(user, programme):
        raise PermissionDenied
    form = _form(request, programme)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.create_business_case(user, programme, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Businesscase %(title)s is toegevoegd.") % {"title": case})
            return redirect("monitoring:business_case_list", programme_pk=programme.pk)
    return _form_page(request, programme, form)


def _editable(request: HttpRequest, programme_pk: int, pk: int) -> tuple[Programme, BusinessCase]:
    user = _user(request)
    programme = get_programme_for_user(user, programme_pk)
    case = get_business_case_for_user(user, pk)
    if case.programme_id != programme.pk:
        raise Http404
    if not can_edit_business_case(user, case):
        raise PermissionDenied
    return programme, case


@login_required
@require_http_methods(["GET", "POST"])
def business_case_edit(request: HttpRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme, case = _editable(request, programme_pk, pk)
    form = _form(request, programme, case)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_business_case(_user(request), case, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("monitoring:business_case_list", programme_pk=programme.pk)
    return _form_page(request, programme, form, case)


@login_required
@require_http_methods(["GET", "POST"])
def business_case_delete(request: HttpRequest, programme_pk: int, pk: int) -> HttpResponse:
    programme, case = _editable(request, programme_pk, pk)
    if request.method == "POST":
        services.delete_business_case(_user(request), case)
        messages.success(request, _("Businesscase %(title)s is verwijderd.") % {"title": case})
        return redirect("monitoring:business_case_list", programme_pk=programme.pk)
    return render(
        request,
        "monitoring/business_case_delete.html",
        {
            "programme": programme,
            "case": case,
            "cancel": reverse("monitoring:business_case_list", args=[programme.pk]),
        },
    )


urlpatterns: list[URLPattern] = [
    path(
        "programmas/<int:programme_pk>/businesscases/",
        business_case_list,
        name="business_case_list",
    ),
    path(
        "programmas/<int:programme_pk>/businesscases/nieuw/",
        business_case_create,
        name="business_case_create",
    ),
    path(
        "programmas/<int:programme_pk>/businesscases/<int:pk>/wijzigen/",
        business_case_edit,
        name="business_case_edit",
    ),
    path(
        "programmas/<int:programme_pk>/businesscases/<int:pk>/verwijderen/",
        business_case_delete,
        name="business_case_delete",
    ),
]
