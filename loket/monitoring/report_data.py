"""The data of a progress report: what a draft shows and what a submitted version
freezes (``ReportVersion.data``, schema 1: the shape the renderer
``report_render`` reads).

``build(report, fresh=False)`` gathers every part:

- indicators and series: ``figures.table_and_series`` with the
  report's share (an organisation's report: that organisation; merged: the programme);
- financing: the realisation of the plan (``programmes.realisation``) per funder, as text
  cells from ``programmes.realisation_report``. A merged report shows every plan line;
  an organisation's report only its own plan lines (and hours it wrote outside the
  plan), summed per funder. Its note says the programme's totals are in the merged
  report. A final report shows the whole programme period (per funder since the start);
- narratives: the report's own text per action line; a merged report adds the
  organisations' texts ("parts") from their latest submitted version of the same period,
  else their current draft;
- antenna, satisfaction and business cases from their own modules.

Figures (everything except the narratives) are computed through ``cache.remember``
while the report is a draft: they only change when a counted record changes, which
raises the cache's stamp. Narratives are read live on every call (a text saved a second
ago shows at once). Submitting passes ``fresh=True``: nothing comes from the cache.

A final report covers the whole programme period up to its last quarter: its year and
quarter are the programme's last quarter (the service sets them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.monitoring import figures
from loket.monitoring.models import ActionLine, Narrative, Report, ReportVersion
from loket.programmes.periods import quarter_bounds, quarters

SCHEMA = 1


def period_label(year: int, quarter: int) -> str:
    return f"{year} K{quarter}"


def span(report: Report) -> tuple[dt.date, dt.date, str]:
    """First and last day the report covers, and its label."""
    start, end = quarter_bounds(report.year, report.quarter)
    label = period_label(report.year, report.quarter)
    if report.kind == Report.Kind.FINAL:
        programme = report.programme
        first = quarters(programme)[0]
        start = programme.starts_on
        label = f"{period_label(*first)} - {label}"
    return start, end, label


def share_of_report(report: Report) -> list[int] | None:
    return None if report.organisation_id is None else [report.organisation_id]


def title_of(report: Report) -> str:
    kind = _("Eindrapportage") if report.kind == Report.Kind.FINAL else _("Kwartaalrapportage")
    _start, _end, label = span(report)
    title = f"{kind} {label} - {report.programme.name}"
    if report.organisation is not None:
        title = f"{title} - {report.organisation.name}"
    return title


# --- building ------------------------------------------------------------------------


def build(report: Report, *, fresh: bool = False) -> dict[str, Any]:
    """The report's data (JSON-serialisable; numbers as strings of Decimals)."""
    return build_state(report, fresh=fresh)[0]


def build_state(report: Report, *, fresh: bool = False) -> tuple[dict[str, Any], bool]:
    """The report's data and whether its figures are stale (computed before the region's
    last change and being refreshed, ``cache.remember``)."""
    from loket.monitoring.cache import remember

    programme = report.programme
    start, end, label = span(report)
    share = share_of_report(report)
    key = ["report", programme.pk, report.kind, report.year, report.quarter, share]
    numbers, stale = remember(
        programme.region_id, key, lambda: _figures(report, start, end, share), fresh=fresh
    )
    organisation = report.organisation
    data = {
        "schema": SCHEMA,
        "title": title_of(report),
        "programme": {"id": programme.pk, "name": programme.name},
        "organisation": None
        if organisation is None
        else {"id": organisation.pk, "name": organisation.name},
        "kind": report.kind,
        "year": report.year,
        "quarter": report.quarter,
        "period": {"start": start.isoformat(), "end": end.isoformat(), "label": label},
        "generated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        "indicators": numbers["indicators"],
        "series": numbers["series"],
        "financing": numbers["financing"],
        "narratives": narratives(report),
        "antenna": numbers["antenna"],
        "satisfaction": numbers["satisfaction"],
        "business_cases": numbers["business_cases"],
    }
    return data, stale


def _figures(
    report: Report, start: dt.date, end: dt.date, share: list[int] | None
) -> dict[str, Any]:
    """Everything that rests on counted records (cached while a draft)."""
    programme = report.programme
    year, quarter = report.year, report.quarter
    indicators = figures.indicators_of(programme)
    rows, series_by_id = figures.table_and_series(programme, year, quarter, share, indicators)
    series = [
        {
            "indicator_id": indicator.pk,
            "points": [
                {"label": name, "value": _text(value)} for name, value in series_by_id[indicator.pk]
            ],
        }
        for indicator in indicators
    ]
    return jsonable(
        {
            "indicators": [row.as_data() for row in rows],
            "series": series,
            "financing": financing(report),
            "antenna": _part("antenna", "antenna", programme, start, end, share),
            "satisfaction": _part(
                "satisfaction", "summary", programme, start, end, organisation_ids=share
            ),
            "business_cases": _part("business_cases", "summary", programme, end, share),
        }
    )


def _part(module: str, function: str, *args: Any, **kwargs: Any) -> Any:
    """A part computed by its own module (antenna, satisfaction, business cases), imported
    when needed. While a module is not installed yet the part is None (the page says it
    is not available); any other import error is raised."""
    import importlib

    name = f"loket.monitoring.{module}"
    try:
        found = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
    return getattr(found, function)(*args, **kwargs)


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value != value.to_integral():
        value = value.quantize(Decimal("0.01"))
    return str(value)


def jsonable(value: Any) -> Any:
    """Decimals as strings, dates as ISO text, tuples as lists: what JSON keeps exactly."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# --- financing -----------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    from loket.core.report import Cell

    cell = value if isinstance(value, Cell) else Cell(value)
    return cell.text()


def _own_rows(rows: Iterable[Any], organisation: Any) -> list[Any]:
    """The organisation's plan lines, and hours it wrote outside the plan."""
    out = []
    for row in rows:
        if row.line is not None:
            if row.line.organisation_id == organisation.pk:
                out.append(row)
        elif row.organisation and row.organisation == organisation.name:
            out.append(row)
    return out


def financing(report: Report) -> dict[str, Any]:
    """The realisation per funder as text cells."""
    from loket.programmes.realisation import _per_funder, realisation
    from loket.programmes.realisation_report import report as realisation_tables

    result = realisation(report.programme, report.year, report.quarter)
    note = ""
    if report.organisation is not None:
        lines = _own_rows(result.lines, report.organisation)
        per_funder, totals = _per_funder(result.funders, lines)
        result = replace(
            result,
            lines=lines,
            per_funder=per_funder,
            totals=totals,
            to_date_per_funder=per_funder,
            to_date_totals=totals,
        )
        note = _(
            "Alleen de planregels van %(organisation)s in %(year)s, per financier. De "
            "financiering van het hele programma staat in de samengevoegde rapportage."
        ) % {"organisation": report.organisation.name, "year": report.year}
    tables = realisation_tables(result).tables
    table = tables[0]
    if report.kind == Report.Kind.FINAL and report.organisation_id is None:
        table = tables[1]  # per funder since the start: the whole programme period
    return {
        "title": str(table.title),
        "columns": [str(c) for c in table.columns],
        "rows": [[_cell_text(c) for c in row] for row in table.rows],
        "totals": [[_cell_text(c) for c in row] for row in table.totals],
        "note": note or str(table.note or ""),
    }


# --- narratives ----------------------------------------------------------------------


def narratives(report: Report) -> list[dict[str, Any]]:
    """Per action line of the programme: the report's own text and, in a merged report,
    the organisations' texts (their latest submitted version, else their draft)."""
    lines = list(ActionLine.objects.filter(programme_id=report.programme_id))
    own = dict(Narrative.objects.filter(report=report).values_list("action_line_id", "text"))
    parts: dict[int, list[dict[str, str]]] = {line.pk: [] for line in lines}
    if report.organisation_id is None:
        for name, texts in organisation_texts(report):
            for line_id, html in texts.items():
                if line_id in parts and html.strip():
                    parts[line_id].append({"organisation": name, "html": html})
    return [
        {
            "action_line_id": line.pk,
            "action_line": line.name,
            "html": own.get(line.pk, ""),
            "parts": parts[line.pk],
        }
        for line in lines
    ]


def organisation_texts(report: Report) -> list[tuple[str, dict[int, str]]]:
    """(organisation name, {action line id: html}) of each organisation's report of the
    same programme, kind and period: three queries whatever their number."""
    others = list(
        Report.objects.filter(
            programme_id=report.programme_id,
            kind=report.kind,
            year=report.year,
            quarter=report.quarter,
            organisation__isnull=False,
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if not others:
        return []
    latest = ReportVersion.objects.filter(
        report__in=[r.pk for r in others],
        number=Subquery(
            ReportVersion.objects.filter(report_id=OuterRef("report_id"))
            .values("report_id")
            .annotate(top=Max("number"))
            .values("top")[:1]
        ),
    ).values_list("report_id", "data")
    submitted = {
        report_id: {
            int(n["action_line_id"]): n.get("html", "") for n in (data or {}).get("narratives", [])
        }
        for report_id, data in latest
    }
    drafts: dict[int, dict[int, str]] = {}
    for report_id, line_id, text in Narrative.objects.filter(
        report__in=[r.pk for r in others if r.pk not in submitted]
    ).values_list("report_id", "action_line_id", "text"):
        drafts.setdefault(report_id, {})[line_id] = text
    return [
        (other.organisation.name, submitted.get(other.pk, drafts.get(other.pk, {})))
        for other in others
        if other.organisation is not None
    ]
