"""The programme dashboard's figures for a quarter, as one plain dict (JSON-ready and
picklable: figures are strings of exact Decimals, dates ISO strings), cached under the
region's figure stamp (``cache.remember``).

- ``realisation``: per action line, per indicator: the row of the indicator table of the
  quarter (target, realised this quarter, cumulative, percent, status) and its series per
  quarter from the programme's start up to the chosen quarter;
- ``reach``: unique companies reached per municipality, in the quarter and in the year up
  to the end of the quarter (one GROUP BY query each, the names in one more);
- ``newness``: per quarter of the year up to the chosen one, the companies reached that
  were new (no contact moment, case or event visit in the region before that quarter
  began) and known; known = reached - new, an exact split (every reached company is one
  or the other), so a quarter costs one query and the year's reach one more;
- ``needs``: the top 5 needs of the quarter with their counts (``antenna.top_needs``),
  each linked to its contact moments;
- ``satisfaction``: the average mark per quarter from the programme's start with the
  number of answers; None (suppressed) below ``figures.THRESHOLD`` answers.

``share``: the organisations whose share is counted (``queries.share_of``), None for the
whole programme. Every figure carries ``url``: the records behind it
(``loket.monitoring.links``); the records page applies the viewer's share itself.

Cost when computed (not cached): per indicator its series, from which the table's
figures are taken (``figures.table_and_series``: one query for an additive measure, two
for a distinct count or an average over more than a quarter); three for the reach, one
per quarter of the year plus one for new versus known, two for the needs (their ids by
label, for the links), one for the satisfaction trend, two for the indicators and their
targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation

from loket.core.models import Municipality, Need
from loket.monitoring import antenna, cache, figures, links, measures
from loket.monitoring.measures import Spec
from loket.monitoring.models import Measure, Newness
from loket.programmes.models import Programme
from loket.programmes.periods import quarter_bounds, quarters, year_bounds

SCHEMA = 1
TOP_NEEDS = 5
REACHED = Spec(Measure.COMPANIES_REACHED)
NEW = Spec(Measure.COMPANIES_REACHED, newness=Newness.NEW)
SATISFACTION = Spec(Measure.SATISFACTION)


def label(year: int, quarter: int) -> str:
    return f"{year} K{quarter}"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def dashboard_data(
    programme: Programme,
    year: int,
    quarter: int,
    share: Iterable[int] | None = None,
    *,
    fresh: bool = False,
    stale_ok: bool = True,
) -> dict[str, Any]:
    """The dashboard of ``programme`` for (year, quarter), from the cache unless
    ``fresh`` (``stale``: computed before the region's last change, being refreshed; see
    ``cache.remember``); the caller has checked that the quarter lies in the
    programme period."""
    orgs = None if share is None else sorted(share)
    key = ("dashboard", programme.pk, orgs, year, quarter, translation.get_language())
    data, stale = cache.remember(
        programme.region_id,
        key,
        lambda: compute(programme, year, quarter, orgs),
        fresh=fresh,
        stale_ok=stale_ok,
    )
    return {**data, "stale": stale}


def compute(
    programme: Programme, year: int, quarter: int, share: list[int] | None
) -> dict[str, Any]:
    start, end = quarter_bounds(year, quarter)
    first = year_bounds(programme, year)[0]
    return {
        "schema": SCHEMA,
        "programme": {"id": programme.pk, "name": programme.name},
        "year": year,
        "quarter": quarter,
        "period": {
            "label": label(year, quarter),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "year_start": first.isoformat(),
        },
        "share": share,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "threshold": figures.THRESHOLD,
        "realisation": realisation(programme, year, quarter, share),
        "reach": reach(programme, start, end, first, share),
        "newness": newness(programme, year, quarter, share),
        "needs": needs(programme, start, end, share),
        "satisfaction": satisfaction(programme, year, quarter, share),
    }


def realisation(
    programme: Programme, year: int, quarter: int, share: list[int] | None
) -> list[dict[str, Any]]:
    indicators = figures.indicators_of(programme)
    rows, series = figures.table_and_series(programme, year, quarter, share, indicators)
    lines: dict[int, dict[str, Any]] = {}
    for row in rows:
        indicator = row.indicator
        line = lines.setdefault(
            indicator.action_line_id,
            {"id": indicator.action_line_id, "name": indicator.action_line.name, "indicators": []},
        )
        entry = row.as_data()
        entry["quarter_url"] = links.records_url_for_period(indicator, year, quarter)
        entry["cumulative_url"] = links.records_url(
            indicator, row.cumulative_start, row.cumulative_end
        )
        entry["series"] = [
            {
                "label": label(y, q),
                "year": y,
                "quarter": q,
                "value": _text(value),
                "url": links.records_url_for_period(indicator, y, q),
            }
            for (y, q), (_label, value) in zip(
                figures.quarter_labels(programme, year, quarter),
                series[indicator.pk],
                strict=True,
            )
        ]
        line["indicators"].append(entry)
    return list(lines.values())


def reach(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    first: dt.date,
    share: list[int] | None,
) -> dict[str, Any]:
    in_quarter = measures.by_municipality(programme, REACHED, start, end, share)
    in_year = measures.by_municipality(programme, REACHED, first, end, share)
    ids = {pk for pk in (*in_quarter, *in_year) if pk is not None}
    names = dict(Municipality.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = []
    for pk in sorted(
        set(in_quarter) | set(in_year),
        key=lambda pk: (-in_year.get(pk, Decimal(0)), pk is None, names.get(pk, "")),  # type: ignore[arg-type]
    ):
        rows.append(
            {
                "municipality_id": pk,
                "municipality": names.get(pk) if pk is not None else None,
                "quarter": str(in_quarter.get(pk, Decimal(0))),
                "year": str(in_year.get(pk, Decimal(0))),
                # Companies without a municipality cannot be filtered on: no link.
                "quarter_url": None
                if pk is None
                else links.spec_records_url(
                    programme, Spec(REACHED.measure, municipality_id=pk), start, end
                ),
                "year_url": None
                if pk is None
                else links.spec_records_url(
                    programme, Spec(REACHED.measure, municipality_id=pk), first, end
                ),
            }
        )
    return {"rows": rows}


def newness(
    programme: Programme, year: int, quarter: int, share: list[int] | None
) -> list[dict[str, Any]]:
    periods = [(y, q) for y, q in quarters(programme) if y == year and q <= quarter]
    reached = figures.quarterly(programme, REACHED, periods, share)
    out = []
    for y, q in periods:
        # "New" is relative to the start of each quarter: one query per quarter.
        new = figures.quarterly(programme, NEW, [(y, q)], share)[(y, q)][0] or Decimal(0)
        total = reached[(y, q)][0] or Decimal(0)
        start, end = quarter_bounds(y, q)
        out.append(
            {
                "label": label(y, q),
                "year": y,
                "quarter": q,
                "new": str(new),
                "known": str(total - new),
                "reached": str(total),
                "new_url": links.spec_records_url(programme, NEW, start, end),
                "known_url": links.spec_records_url(
                    programme, Spec(REACHED.measure, newness=Newness.KNOWN), start, end
                ),
            }
        )
    return out


def needs(
    programme: Programme, start: dt.date, end: dt.date, share: list[int] | None
) -> list[dict[str, Any]]:
    found = antenna.top_needs(programme, start, end, share, limit=TOP_NEEDS)
    # top_needs gives labels, not ids: find the ids by label (one query) for the links;
    # a label two needs share gets no link rather than a wrong one.
    field = "name_en" if (translation.get_language() or "nl").startswith("en") else "name_nl"
    ids: dict[str, int | None] = {}
    for pk, name in Need.objects.filter(**{f"{field}__in": [i["need"] for i in found]}).values_list(
        "pk", field
    ):
        ids[name] = None if name in ids else pk
    out = []
    for item in found:
        need_id = ids.get(item["need"])
        out.append(
            {
                "need_id": need_id,
                "need": item["need"],
                "count": item["count"],
                "url": None
                if need_id is None
                else links.spec_records_url(
                    programme, Spec(Measure.CONTACT_MOMENTS, need_id=need_id), start, end
                ),
            }
        )
    return out


def satisfaction(
    programme: Programme, year: int, quarter: int, share: list[int] | None
) -> list[dict[str, Any]]:
    periods = figures.quarter_labels(programme, year, quarter)
    found = figures.quarterly(programme, SATISFACTION, periods, share)
    out = []
    for y, q in periods:
        average, answers = found[(y, q)]
        start, end = quarter_bounds(y, q)
        out.append(
            {
                "label": label(y, q),
                "year": y,
                "quarter": q,
                "average": _text(average),
                "answers": answers,
                "suppressed": average is None and answers > 0,
                "url": links.spec_records_url(programme, SATISFACTION, start, end),
            }
        )
    return out
