"""The company list: filters (CompanyFilterSet), sorting, pagination and CSV/XLSX export
of the whole filtered set. A constant number of queries whatever the page size."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from loket.companies.filters import SORTING, CompanyFilterSet
from loket.companies.models import Company, LegalForm, SizeClass
from loket.companies.queries import companies_visible_to
from loket.core.export import Column, export_format, export_response
from loket.core.lists import paginate


def _size_label(company: Company) -> str:
    size = company.size_class
    return str(size.label) if size is not None else ""


def _legal_form(company: Company) -> str:
    return str(LegalForm(company.legal_form).label) if company.legal_form else ""


EXPORT_COLUMNS: list[Column] = [
    (_("Naam"), "name"),
    (_("Handelsnamen"), lambda c: ", ".join(str(t) for t in c.trade_names or [])),
    (_("KvK-nummer"), "kvk_number"),
    (_("Rechtsvorm"), _legal_form),
    (_("Straat"), "street"),
    (_("Huisnummer"), "house_number"),
    (_("Toevoeging"), "house_number_addition"),
    (_("Postcode"), "postcode"),
    (_("Plaats"), "city"),
    (_("Gemeente"), "municipality.name"),
    (_("Werkzame personen"), "employees"),
    (_("Grootte"), _size_label),
    (_("Opgericht op"), "founded_on"),
    (_("Starter"), "is_starter"),
    (_("SBI-codes"), lambda c: ", ".join(s.code for s in c.sbi_codes.all())),
    (_("Thema's"), lambda c: ", ".join(t.name for t in c.themes.all())),
    (_("Accountmanager"), "account_manager.full_name"),
    (_("Open hulpvragen"), "open_case_count"),
    (_("E-mailadres"), "email"),
    (_("Telefoon"), "phone"),
    (_("Website"), "website"),
    (_("Aangemaakt"), "created_at"),
]


def _with_open_cases(queryset: QuerySet[Company]) -> QuerySet[Company]:
    """Annotate the number of open help requests (a subquery per shown row, no join)."""
    from loket.casework.models import Case

    counts = (
        Case.objects.filter(company_id=OuterRef("pk"), status__in=Case.OPEN_STATUSES)
        .order_by()
        .values("company_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        open_case_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


@login_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = CompanyFilterSet(
        request.GET, queryset=companies_visible_to(request.user), request=request
    )
    # Invalid values are shown on their field; the valid ones still filter.
    queryset = _with_open_cases(filterset.qs.select_related("municipality", "account_manager"))
    fmt = export_format(request)
    if fmt is not None:
        rows = SORTING.apply(queryset, request.GET).prefetch_related("sbi_codes", "themes")
        return export_response(fmt, rows, EXPORT_COLUMNS, "bedrijven")
    listing = paginate(request, queryset, sorting=SORTING)
    return render(
        request,
        "companies/company_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "size_classes": SizeClass,
        },
    )
