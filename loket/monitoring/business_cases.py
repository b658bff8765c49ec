"""The business cases in a report: what the development agency's projects are expected
to bring and what they realised, as the report's frozen data.

``summary(programme, until, organisation_ids)`` is the report's "business_cases" part:
the business cases of the programme started on or before ``until`` (the last day of the
report's period; cumulative since the programme began), of the given organisations
(None: all), totalled, with a row per case. Realised figures count only when they were
measured on or before ``until`` (``realised_on``): a report about an earlier quarter
does not show what was measured later. None when there is no business case.

Numbers are strings of Decimals (money with 2 places, FTE with 1), dates ISO strings:
JSON-serialisable and exact. One aggregate query and one query for the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from loket.monitoring.models import BusinessCase
from loket.programmes.models import Programme

CENTS = Decimal("0.01")
TENTH = Decimal("0.1")
MONEY = ("turnover", "value")
FIGURES = ("turnover", "value", "fte")


def _text(value: Any, key: str) -> str:
    quantum = TENTH if key.endswith("fte") else CENTS
    return str(Decimal(value or 0).quantize(quantum))


def cases_of(
    programme: Programme, until: dt.date, organisation_ids: Iterable[int] | None = None
) -> QuerySet[BusinessCase]:
    rows = BusinessCase.objects.filter(programme=programme, started_on__lte=until)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    return rows


def totals(rows: QuerySet[BusinessCase], until: dt.date | None = None) -> dict[str, Any]:
    """Count and sums of ``rows`` in one query: expected figures of all, realised ones of
    those measured (on or before ``until`` when given). Values are Decimals."""
    measured = Q(realised_on__isnull=False)
    if until is not None:
        measured &= Q(realised_on__lte=until)
    aggregates: dict[str, Any] = {
        "count": Count("pk"),
        "realised_count": Count("pk", filter=measured),
    }
    for name in FIGURES:
        aggregates[f"expected_{name}"] = Sum(f"expected_{name}")
        aggregates[f"realised_{name}"] = Sum(f"realised_{name}", filter=measured)
    found = rows.order_by().aggregate(**aggregates)
    for name in FIGURES:
        quantum = TENTH if name == "fte" else CENTS
        for key in (f"expected_{name}", f"realised_{name}"):
            found[key] = Decimal(found[key] or 0).quantize(quantum)
    return found


def summary(
    programme: Programme, until: dt.date, organisation_ids: Iterable[int] | None = None
) -> dict[str, Any] | None:
    ids = list(organisation_ids) if organisation_ids is not None else None
    rows = cases_of(programme, until, ids)
    found = totals(rows, until)
    if not found["count"]:
        return None
    out: dict[str, Any] = {
        "count": found["count"],
        "realised_count": found["realised_count"],
        "expected_turnover": str(found["expected_turnover"]),
        "realised_turnover": str(found["realised_turnover"]),
        "expected_value": str(found["expected_value"]),
        "realised_value": str(found["realised_value"]),
        "expected_fte": str(found["expected_fte"]),
        "realised_fte": str(found["realised_fte"]),
        "rows": [],
    }
    values = rows.order_by("started_on", "title", "pk").values(
        "title",
        "company__name",
        "organisation__name",
        "started_on",
        "realised_on",
        *(f"expected_{name}" for name in FIGURES),
        *(f"realised_{name}" for name in FIGURES),
    )
    for row in values:
        measured = row["realised_on"] is not None and row["realised_on"] <= until
        item: dict[str, Any] = {
            "title": row["title"],
            "company": row["company__name"],
            "organisation": row["organisation__name"],
            "started_on": row["started_on"].isoformat(),
            "realised_on": row["realised_on"].isoformat() if measured else None,
        }
        for name in FIGURES:
            item[f"expected_{name}"] = _text(row[f"expected_{name}"], name)
            realised = row[f"realised_{name}"]
            item[f"realised_{name}"] = (
                _text(realised, name) if measured and realised is not None else None
            )
        out["rows"].append(item)
    return out
