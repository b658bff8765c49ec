"""The programme dashboard (/monitoring/programmas/<pk>/dashboard/?jaar=&kwartaal=):
realisation against target per action line over time, reach per municipality, new
versus known companies, the top needs and the satisfaction trend. Each chart has a data
table under it and downloads of its data (``?export=<chart>&format=csv|xlsx``); every
figure in a table links to the records behind it.

Whoever sees the programme sees its dashboard (404 otherwise); a partner sees the share
of their organisations (``queries.share_of``), and the page says so. The period comes
from a form: garbage gets a message and the default period, never an error page. The
figures are cached (``cache.remember``); "Cijfers bijwerken" (POST) recomputes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loket.accounts.models import Organisation
from loket.core.export import export_response
from loket.core.forms import MAX_PK
from loket.monitoring import dashboard_tables as tables
from loket.monitoring.dashboard import dashboard_data, label
from loket.monitoring.forms.dashboard import DashboardExportForm, DashboardPeriodForm
from loket.monitoring.queries import share_of
from loket.programmes.models import Programme
from loket.programmes.queries import get_programme_for_user


def _programme(request: HttpRequest, programme_pk: int) -> Programme:
    if programme_pk > MAX_PK:
        raise Http404
    return get_programme_for_user(request.user, programme_pk)


def _period(request: HttpRequest, programme: Programme, data: Any) -> tuple[Any, int, int]:
    """The form and the period it chose; garbage: a message, the default period and the
    errors at the fields that caused them."""
    today = timezone.localdate()
    form = DashboardPeriodForm(programme, today, data or None)
    year, quarter = form.period()
    if form.is_bound and not form.is_valid():
        messages.warning(
            request,
            _("Deze periode kan niet: u ziet %(period)s.") % {"period": label(year, quarter)},
        )
        refused = form
        form = DashboardPeriodForm(programme, today, {"jaar": year, "kwartaal": quarter})
        form.is_valid()
        for name, errors in refused.errors.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    return form, year, quarter


def _export_keys(data: dict[str, Any]) -> list[str]:
    return [*tables.CHARTS, *(f"realisatie-{line['id']}" for line in data["realisation"])]


def _export(data: dict[str, Any], key: str, fmt: str) -> HttpResponse:
    table = tables.export_table(data, key)
    if table is None:  # one action line's series
        line = next(line for line in data["realisation"] if f"realisatie-{line['id']}" == key)
        table = tables.realisation_series(line, data["period"]["label"])
    columns = [
        (header, lambda row, index=index: row[index].value)
        for index, header in enumerate(table.headers)
    ]
    stem = f"dashboard-{key}-{data['year']}-k{data['quarter']}"
    return export_response(fmt, table.rows, columns, stem)  # type: ignore[return-value]


@login_required
@require_GET
def dashboard(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme(request, programme_pk)
    share = share_of(request.user, programme)
    form, year, quarter = _period(request, programme, request.GET)
    data = dashboard_data(programme, year, quarter, share)
    if "export" in request.GET or "format" in request.GET:
        export = DashboardExportForm(_export_keys(data), request.GET)
        if export.is_valid():
            return _export(data, export.cleaned_data["export"], export.cleaned_data["format"])
        messages.warning(request, _("Deze download bestaat niet; kies er een bij een grafiek."))
    period = data["period"]["label"]
    summaries = tables.summaries(data)
    lines = [
        {
            "id": line["id"],
            "name": line["name"],
            "chart": f"chart-realisatie-{line['id']}",
            "summary": summaries[f"chart-realisatie-{line['id']}"],
            "series": tables.realisation_series(line, period),
            "table": tables.line_indicators(line, period),
            "export": f"realisatie-{line['id']}",
        }
        for line in data["realisation"]
    ]
    sections = [
        {
            "key": key,
            "chart": f"chart-{key}",
            "heading": heading,
            "summary": summaries[f"chart-{key}"],
            "table": tables.export_table(data, key),
            "note": note,
        }
        for key, heading, note in (
            ("bereik", _("Bereik per gemeente"), ""),
            (
                "nieuw",
                _("Nieuwe en bekende bedrijven"),
                _(
                    "Nieuw: in de regio geen contactmoment, hulpvraag of evenementbezoek vóór "
                    "het begin van dat kwartaal."
                ),
            ),
            ("behoeften", _("Meest gehoorde behoeften"), ""),
            (
                "tevredenheid",
                _("Tevredenheid"),
                _("Een gemiddelde op minder dan %(n)s antwoorden wordt niet getoond.")
                % {"n": data["threshold"]},
            ),
        )
    ]
    share_names = (
        list(
            Organisation.objects.filter(pk__in=share)
            .order_by("name")
            .values_list("name", flat=True)
        )
        if share is not None
        else None
    )
    query = urlencode({"jaar": year, "kwartaal": quarter})
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "programme": programme,
            "form": form,
            "data": data,
            "period": period,
            "lines": lines,
            "sections": sections,
            "charts": tables.charts(data),
            "share_names": share_names,
            "generated_at": dt.datetime.fromisoformat(data["generated_at"]),
            "query": query,
        },
    )


@login_required
@require_POST
def dashboard_refresh(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Recompute the figures now (they are cached until a counted record changes)."""
    programme = _programme(request, programme_pk)
    share = share_of(request.user, programme)
    _form, year, quarter = _period(request, programme, request.POST)
    dashboard_data(programme, year, quarter, share, fresh=True)
    messages.success(request, _("De cijfers zijn bijgewerkt."))
    url = reverse("monitoring:dashboard", args=[programme.pk])
    return redirect(f"{url}?{urlencode({'jaar': year, 'kwartaal': quarter})}")


urlpatterns: list[URLPattern] = [
    path("programmas/<int:programme_pk>/dashboard/", dashboard, name="dashboard"),
    path(
        "programmas/<int:programme_pk>/dashboard/bijwerken/",
        dashboard_refresh,
        name="dashboard_refresh",
    ),
]
