"""Traceability: the records that make up a figure, as far as the viewer may see them.

- ``/monitoring/indicatoren/<pk>/records/``: an indicator's records over a quarter
  (``jaar`` and ``kwartaal``), a year (``jaar``), a span of dates (``van`` and ``tot``)
  or the whole programme period (no parameters);
- ``/monitoring/programmas/<pk>/records/?meting=...``: an ad-hoc figure, a measure with
  filters (``thema``, ``behoefte``, ``organisatie``, ``gemeente``, ``grootte``,
  ``starter``, ``regeling``, ``soort``, ``nieuw``) and a period.

Both are paginated and export CSV and XLSX (``?export=csv``). Every parameter goes
through a form: garbage answers 400 with the message at the parameter. Links to these
pages are built by ``loket.monitoring.links``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.core import numbers
from loket.core.export import export_format, export_response
from loket.core.forms import MAX_PK
from loket.core.lists import paginate
from loket.monitoring import measures
from loket.monitoring.figures import format_value
from loket.monitoring.forms.indicators import PeriodForm, SpecForm
from loket.monitoring.measures import SOURCES, Spec
from loket.monitoring.models import Indicator, Measure
from loket.monitoring.queries import MEASURE_LABELS, get_indicator_for_user
from loket.monitoring.traceability import Trace, trace
from loket.programmes.models import Programme
from loket.programmes.queries import get_programme_for_user

SURVEY_MEASURES = frozenset({Measure.SATISFACTION, Measure.RESPONSE_RATE})


def _cells(result: Trace, rows: Any) -> list[list[dict[str, Any]]]:
    out = []
    for row in rows:
        cells = []
        for column in result.columns:
            value = column.value(row)
            if isinstance(value, Decimal):
                value = numbers.number(value, 2)
            cells.append(
                {
                    "value": value,
                    "is_date": isinstance(value, dt.date),
                    "url": column.link(row) if column.link else None,
                    "numeric": column.numeric,
                }
            )
        out.append(cells)
    return out


def _render(
    request: HttpRequest,
    programme: Programme,
    form: Any,
    *,
    title: str,
    indicator: Indicator | None,
    spec: Spec | None,
    bounds: tuple[dt.date, dt.date] | None,
) -> HttpResponse | StreamingHttpResponse:
    context: dict[str, Any] = {
        "programme": programme,
        "form": form,
        "title": title,
        "indicator": indicator,
    }
    if spec is None or bounds is None:
        status = 400 if form.is_bound and form.errors else 200
        return render(request, "monitoring/records.html", context, status=status)
    start, end = bounds
    result = trace(request.user, programme, spec, start, end)
    stem = f"records-{spec.measure}"
    if fmt := export_format(request):
        return export_response(fmt, result.rows, result.export_columns(), stem)
    share = sorted(result.share) if result.share is not None else None
    figure = measures.value(programme, spec, start, end, share)
    listing = paginate(request, result.rows)
    context.update(
        {
            "result": result,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "cells": _cells(result, listing.page.object_list),
            "headers": [(c.header, c.numeric) for c in result.columns],
            "start": start,
            "end": end,
            "visible": listing.page.paginator.count,
            "figure": ""
            if spec.measure == Measure.SATISFACTION
            else format_value(figure, spec.measure),
            "measure_label": MEASURE_LABELS.get(spec.measure, spec.measure),
            "survey": spec.measure in SURVEY_MEASURES,
            "additive": SOURCES[spec.measure].aggregate in ("count", "distinct_company"),
            "share_names": [
                o.name for o in programme.organisations.all() if o.pk in (result.share or ())
            ]
            if result.share is not None
            else [],
        }
    )
    return render(request, "monitoring/records.html", context)


@login_required
@require_http_methods(["GET"])
def indicator_records(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    if pk > MAX_PK:
        raise Http404
    indicator = get_indicator_for_user(request.user, pk)
    programme = indicator.programme
    form = PeriodForm(request.GET, programme=programme)
    valid = form.is_valid()
    return _render(
        request,
        programme,
        form,
        title=_("Records achter %(name)s") % {"name": indicator.name},
        indicator=indicator,
        spec=Spec.of(indicator) if valid else None,
        bounds=form.bounds() if valid else None,
    )


@login_required
@require_http_methods(["GET"])
def spec_records(request: HttpRequest, programme_pk: int) -> HttpResponse | StreamingHttpResponse:
    if programme_pk > MAX_PK:
        raise Http404
    programme = get_programme_for_user(request.user, programme_pk)
    asked = any(key not in ("pagina", "per_pagina") for key in request.GET)
    form = SpecForm(request.GET if asked else None, programme=programme)
    valid = asked and form.is_valid()
    return _render(
        request,
        programme,
        form,
        title=_("Records achter een cijfer"),
        indicator=None,
        spec=form.spec() if valid else None,
        bounds=form.bounds() if valid else None,
    )


urlpatterns: list[URLPattern] = [
    path("indicatoren/<int:pk>/records/", indicator_records, name="indicator_records"),
    path("programmas/<int:programme_pk>/records/", spec_records, name="spec_records"),
]
