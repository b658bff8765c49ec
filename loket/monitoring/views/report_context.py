"""What the report pages show, prepared from the report's data: formatted figures, the
status in words and the links from a figure to its records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from loket.monitoring import figures
from loket.monitoring.models import Report
from loket.programmes.periods import quarter_bounds, year_bounds


def status_words() -> dict[str, str]:
    return {
        "reached": str(_("gehaald")),
        "on_track": str(_("op koers")),
        "behind": str(_("achter")),
        "": "",
    }


def _link_builder() -> Callable[[int, dt.date, dt.date], str] | None:
    """``links.records_url`` (the indicators area writes it); None while it is missing."""
    try:
        from loket.monitoring.links import records_url
    except ImportError:
        return None
    return records_url


def _value(value: str | None, measure: str) -> str:
    return figures.format_value(Decimal(value), measure) if value is not None else ""


def _cumulative_start(report: Report, target: dict[str, Any] | None) -> dt.date:
    programme = report.programme
    q_start = quarter_bounds(report.year, report.quarter)[0]
    period = (target or {}).get("period")
    if period == "programme":
        return programme.starts_on
    if period == "quarter":
        return q_start
    return year_bounds(programme, report.year)[0]


def indicator_rows(report: Report, data: dict[str, Any]) -> list[dict[str, Any]]:
    link = _link_builder()
    words = status_words()
    q_start, q_end = quarter_bounds(report.year, report.quarter)
    rows = []
    for item in data.get("indicators") or []:
        measure = item["measure"]
        c_start = _cumulative_start(report, item.get("target"))
        rows.append(
            {
                **item,
                "quarter_text": _value(item.get("quarter"), measure),
                "cumulative_text": _value(item.get("cumulative"), measure),
                "percent_text": _value(item.get("percent"), "response_rate"),
                "status_text": words.get(item.get("status") or "", ""),
                "quarter_url": link(item["id"], q_start, q_end) if link else "",
                "cumulative_url": link(item["id"], c_start, q_end) if link else "",
            }
        )
    return rows


def draft_context(report: Report, data: dict[str, Any]) -> dict[str, Any]:
    rows = indicator_rows(report, data)
    by_line: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_line.setdefault(row["action_line"], []).append(row)
    return {
        "report": report,
        "data": data,
        "title": data["title"],
        "indicator_groups": list(by_line.items()),
        "links_available": _link_builder() is not None,
    }


def group_by_period(reports: list[Report]) -> list[dict[str, Any]]:
    """The programme's reports per period (newest first): the merged one and the
    organisations' ones, each with its status."""
    periods: dict[tuple[str, int, int], dict[str, Any]] = {}
    for report in reports:
        key = (report.kind, report.year, report.quarter)
        label = (
            _("Eindrapportage")
            if report.kind == Report.Kind.FINAL
            else f"{report.year} K{report.quarter}"
        )
        entry = periods.setdefault(key, {"label": label, "merged": None, "organisations": []})
        if report.organisation_id is None:
            entry["merged"] = report
        else:
            entry["organisations"].append(report)
    return sorted(
        periods.values(),
        key=lambda e: (
            -(e["merged"] or e["organisations"][0]).year,
            -(e["merged"] or e["organisations"][0]).quarter,
        ),
    )
