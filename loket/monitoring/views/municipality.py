"""The municipality view: what the programme did in one municipality in a quarter.

- ``/monitoring/gemeenten/``: the municipalities the user may open
  (``queries.municipalities_for``: programme staff the region's, a municipality's staff
  their own; one of them alone goes straight to it);
- ``/monitoring/gemeenten/<pk>/?jaar=&kwartaal=``: the figures (a municipality the user
  may not open is 404); garbage in the period gets a message at the field and the
  current quarter;
- ``/monitoring/gemeenten/<pk>/pdf/?jaar=&kwartaal=``: the same on one A4 page.

Figures link to their records (``links.spec_records_url``) for viewers who see the
programme; the records page itself shows only the records they may open.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from loket.core.models import Municipality
from loket.core.permissions import scope_of
from loket.monitoring import municipality as figures
from loket.monitoring.forms.municipality import MunicipalityPeriodForm
from loket.monitoring.municipality_format import table_rows
from loket.monitoring.municipality_pdf import footnote, to_pdf
from loket.monitoring.queries import get_municipality_for_user, municipalities_for
from loket.programmes.queries import programmes_visible_to


@login_required
@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    municipalities = list(municipalities_for(request.user))
    staff = bool(scope_of(request.user).programme_region_ids())
    if len(municipalities) == 1 and not staff:
        return redirect("monitoring:municipality_detail", municipalities[0].pk)
    return render(
        request,
        "monitoring/municipality_list.html",
        {"municipalities": municipalities},
    )


def period_of(request: HttpRequest) -> tuple[MunicipalityPeriodForm, int, int, int]:
    """The form, year, quarter and status of the request's period (422 on garbage, with
    the current quarter)."""
    year, quarter = figures.default_period()
    form = MunicipalityPeriodForm(request.GET or None, initial={"jaar": year, "kwartaal": quarter})
    status = 200
    if form.is_bound:
        if form.is_valid():
            year, quarter = form.cleaned_data["jaar"], form.cleaned_data["kwartaal"]
        else:
            status = 422
    return form, year, quarter, status


@login_required
@require_GET
def municipality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, pk)
    form, year, quarter, status = period_of(request)
    data = figures.municipality_data(municipality, year, quarter)
    ids = [programme["id"] for programme in data["programmes"]]
    traceable = set(
        programmes_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    programmes = [
        {
            **programme,
            "rows": table_rows(programme, municipality.pk, programme["id"] in traceable),
            "needs": [
                {"name": figures.need_name(row), "count": row["count"]}
                for row in programme["needs"]
            ],
        }
        for programme in data["programmes"]
    ]
    return render(
        request,
        "monitoring/municipality_detail.html",
        {
            "municipality": municipality,
            "form": form,
            "data": data,
            "programmes": programmes,
            "pdf_query": f"jaar={year}&kwartaal={quarter}",
            "footnote": footnote(),
            "can_choose": municipalities_for(request.user).count() > 1,
        },
        status=status,
    )


@login_required
@require_GET
def municipality_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    municipality: Municipality = get_municipality_for_user(request.user, pk)
    _form, year, quarter, _status = period_of(request)
    data = figures.municipality_data(municipality, year, quarter)
    response = HttpResponse(to_pdf(data), content_type="application/pdf")
    name = f"{slugify(municipality.name) or 'gemeente'}-{year}-k{quarter}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("gemeenten/", municipality_list, name="municipality_list"),
    path("gemeenten/<int:pk>/", municipality_detail, name="municipality_detail"),
    path("gemeenten/<int:pk>/pdf/", municipality_pdf, name="municipality_pdf"),
]
