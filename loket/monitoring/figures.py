"""The indicator table of a programme for a quarter, and each indicator's series.

For each indicator (in the order of its action line and position):

- the target that applies: the year's target of the chosen year, else the programme
  period's, else the chosen quarter's; its text is "150" or, for a range, "5-10";
- realised this quarter;
- cumulative: over the target's period up to the end of the quarter (the year to date,
  the programme to date, or the quarter itself); without a target the year to date;
- percent of target: cumulative / minimum (None without a target or with a minimum of 0);
- status: "reached" when cumulative >= minimum; otherwise "on_track" when the percent is
  at most 10 points behind the part of the target's period that has passed, else
  "behind". Averages and rates (satisfaction mark, response rate) are reached or behind,
  never on track: they are not built up over time.
- An average mark resting on fewer than ``THRESHOLD`` answers is not shown (None) and the
  row is ``suppressed``.

Additive measures cost one GROUP BY query per indicator (the quarter and the cumulative
figure both come from it); distinct counts and averages two (their figures are not sums).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from loket.core import numbers
from loket.monitoring import measures
from loket.monitoring.measures import SOURCES, Spec
from loket.monitoring.models import Indicator, Measure, Target
from loket.programmes.models import Programme
from loket.programmes.periods import quarter_bounds, year_bounds

THRESHOLD = 5
ON_TRACK_MARGIN = Decimal("10")
HUNDRED = Decimal("100")

UNITS: dict[str, str] = {
    Measure.HOURS: "hours",
    Measure.EUROS: "money",
    Measure.SATISFACTION: "mark",
    Measure.RESPONSE_RATE: "percent",
}
LEVELS = frozenset({Measure.SATISFACTION, Measure.RESPONSE_RATE})


def unit(measure: str) -> str:
    return UNITS.get(measure, "count")


def format_value(value: Decimal | None, measure: str) -> str:
    """A figure the Dutch way, by its unit."""
    if value is None:
        return ""
    kind = unit(measure)
    if kind == "money":
        return numbers.euro(value)
    if kind == "hours":
        return numbers.hours(value)
    if kind == "percent":
        return numbers.percent(value)
    if kind == "mark":
        return numbers.number(value, 1)
    return numbers.number(value, 0)


def target_text(target: Target | None) -> str:
    if target is None:
        return ""
    low = numbers.number(target.minimum, 0 if target.minimum == target.minimum.to_integral() else 1)
    if target.maximum is None:
        return low
    high = numbers.number(
        target.maximum, 0 if target.maximum == target.maximum.to_integral() else 1
    )
    return f"{low}-{high}"


@dataclass
class Row:
    indicator: Indicator
    target: Target | None
    quarter: Decimal | None
    cumulative: Decimal | None
    cumulative_start: dt.date
    cumulative_end: dt.date
    percent: Decimal | None
    status: str
    suppressed: bool

    @property
    def measure(self) -> str:
        return self.indicator.measure

    @property
    def target_text(self) -> str:
        return target_text(self.target)

    def as_data(self) -> dict[str, Any]:
        target = self.target
        return {
            "id": self.indicator.pk,
            "action_line_id": self.indicator.action_line_id,
            "action_line": self.indicator.action_line.name,
            "name": self.indicator.name,
            "measure": self.measure,
            "unit": unit(self.measure),
            "target": None
            if target is None
            else {
                "period": target.period,
                "minimum": str(target.minimum),
                "maximum": None if target.maximum is None else str(target.maximum),
                "text": self.target_text,
            },
            "quarter": _text(self.quarter),
            "cumulative": _text(self.cumulative),
            "percent": _text(self.percent, 1),
            "status": self.status,
            "suppressed": self.suppressed,
        }


def _text(value: Decimal | None, places: int | None = None) -> str | None:
    if value is None:
        return None
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    elif value != value.to_integral():
        value = value.quantize(Decimal("0.01"))
    return str(value)


def choose_target(targets: Iterable[Target], year: int, quarter: int) -> Target | None:
    by_kind: dict[str, Target] = {}
    for target in targets:
        if target.period == Target.Period.YEAR and target.year == year:
            by_kind["year"] = target
        elif target.period == Target.Period.PROGRAMME:
            by_kind["programme"] = target
        elif (
            target.period == Target.Period.QUARTER
            and target.year == year
            and target.quarter == quarter
        ):
            by_kind["quarter"] = target
    return by_kind.get("year") or by_kind.get("programme") or by_kind.get("quarter")


def _cumulative_period(
    programme: Programme, target: Target | None, year: int, quarter: int
) -> tuple[dt.date, dt.date]:
    q_start, q_end = quarter_bounds(year, quarter)
    if target is not None and target.period == Target.Period.PROGRAMME:
        return programme.starts_on, q_end
    if target is not None and target.period == Target.Period.QUARTER:
        return q_start, q_end
    return year_bounds(programme, year)[0], q_end


def _target_span(
    programme: Programme, target: Target, year: int, quarter: int
) -> tuple[dt.date, dt.date]:
    if target.period == Target.Period.PROGRAMME:
        return programme.starts_on, programme.ends_on
    if target.period == Target.Period.QUARTER:
        return quarter_bounds(year, quarter)
    return year_bounds(programme, year)


def _status(
    programme: Programme,
    measure: str,
    target: Target | None,
    cumulative: Decimal | None,
    percent: Decimal | None,
    year: int,
    quarter: int,
) -> str:
    if target is None or cumulative is None:
        return ""
    if cumulative >= target.minimum:
        return "reached"
    if measure in LEVELS or percent is None:
        return "behind"
    first, last = _target_span(programme, target, year, quarter)
    until = quarter_bounds(year, quarter)[1]
    total_days = (last - first).days + 1
    passed = min(max((until - first).days + 1, 0), total_days)
    expected = HUNDRED * Decimal(passed) / Decimal(total_days)
    return "on_track" if percent >= expected - ON_TRACK_MARGIN else "behind"


def _mark_and_count(
    programme: Programme,
    spec: Spec,
    start: dt.date,
    end: dt.date,
    share: Iterable[int] | None,
) -> tuple[Decimal | None, int]:
    row = measures.records(programme, spec, start, end, share).aggregate(
        mark=Avg("mark"), answers=Count("pk")
    )
    if row["answers"] < THRESHOLD or row["mark"] is None:
        return None, row["answers"]
    return Decimal(str(row["mark"])).quantize(Decimal("0.1")), row["answers"]


def quarterly(
    programme: Programme,
    spec: Spec,
    periods: list[tuple[int, int]],
    share: Iterable[int] | None = None,
) -> dict[tuple[int, int], tuple[Decimal | None, int]]:
    """The figure for each (year, quarter) of ``periods`` in ONE query: a conditional
    aggregate per quarter on the raw date column (no date function per row, which
    SQLite would run in Python), with the number of rows it rests on. "New" companies and
    starters are judged per quarter (new: no contact before that quarter; starter: founded
    less than five years before its end), as ``measures.value`` does for one quarter."""
    if not periods:
        return {}
    source = SOURCES[spec.measure]
    first = quarter_bounds(*periods[0])[0]
    last = quarter_bounds(*periods[-1])[1]
    per_quarter = None
    if source.company and (spec.newness or spec.starter):
        per_quarter = Spec(spec.measure, newness=spec.newness, starter=spec.starter)
        spec = replace(spec, newness="", starter="")
    aggregates: dict[str, Any] = {}
    for year, quarter in periods:
        start, end = quarter_bounds(year, quarter)
        within = _within(source, start, end)
        if per_quarter is not None and source.company:
            within &= measures._company_q(source.company, per_quarter, start, end)
        key = f"{year}_{quarter}"
        aggregates[f"n_{key}"] = Count("pk", filter=within)
        if source.aggregate == "distinct_company":
            aggregates[f"v_{key}"] = Count(source.company, filter=within, distinct=True)
        elif source.aggregate == "sum":
            aggregates[f"v_{key}"] = Sum(source.value_field, filter=within)
        elif source.aggregate == "avg":
            aggregates[f"v_{key}"] = Avg(source.value_field, filter=within)
        elif source.aggregate == "rate":
            aggregates[f"v_{key}"] = Count("pk", filter=within & Q(answered_at__isnull=False))
    row = measures.records(programme, spec, first, last, share).aggregate(**aggregates)
    found: dict[tuple[int, int], tuple[Decimal | None, int]] = {}
    for year, quarter in periods:
        key = f"{year}_{quarter}"
        rows = row[f"n_{key}"] or 0
        raw = row.get(f"v_{key}", rows)
        if source.aggregate == "rate":
            result: Decimal | None = (
                (Decimal(raw or 0) * HUNDRED / Decimal(rows)).quantize(Decimal("0.1"))
                if rows
                else Decimal("0")
            )
        elif source.aggregate == "avg":
            result = (
                Decimal(str(raw)).quantize(Decimal("0.1"))
                if raw is not None and rows >= THRESHOLD
                else None
            )
        else:
            result = Decimal(str(raw)) if raw is not None else Decimal("0")
        found[(year, quarter)] = (result, rows)
    return found


def _within(source: Any, start: dt.date, end: dt.date) -> Q:
    if source.is_datetime:
        zone = timezone.get_default_timezone()
        begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return Q(**{f"{source.date}__gte": begin, f"{source.date}__lt": until})
    return Q(**{f"{source.date}__gte": start, f"{source.date}__lte": end})


def row_for(
    programme: Programme,
    indicator: Indicator,
    year: int,
    quarter: int,
    share: Iterable[int] | None,
    known: dict[tuple[int, int], tuple[Decimal | None, int]] | None = None,
) -> Row:
    """One row of the table; ``known``: the indicator's ``quarterly`` figures from the
    programme's start (the series), reused where they give the same figure."""
    spec = Spec.of(indicator)
    target = choose_target(indicator.targets.all(), year, quarter)
    q_start, q_end = quarter_bounds(year, quarter)
    c_start, c_end = _cumulative_period(programme, target, year, quarter)
    suppressed = False
    quarter_value: Decimal | None
    cumulative: Decimal | None
    periods = [q for q in quarters_between(c_start, c_end) if q <= (year, quarter)]
    reusable = (
        known is not None
        and (year, quarter) in known
        and c_start == quarter_bounds(*periods[0])[0]
        and all(p in known for p in periods)
    )
    if reusable and known is not None:
        quarter_value = known[(year, quarter)][0]
        if measures.additive(indicator.measure):
            cumulative = sum((known[p][0] or Decimal("0") for p in periods), Decimal("0"))
        elif (c_start, c_end) == (q_start, q_end):
            cumulative = quarter_value
        elif indicator.measure == Measure.SATISFACTION:
            cumulative, _answers = _mark_and_count(programme, spec, c_start, c_end, share)
        else:
            cumulative = measures.value(programme, spec, c_start, c_end, share)
        suppressed = indicator.measure == Measure.SATISFACTION and (
            quarter_value is None or cumulative is None
        )
    elif indicator.measure == Measure.SATISFACTION:
        quarter_value, _answers = _mark_and_count(programme, spec, q_start, q_end, share)
        cumulative, _answers = _mark_and_count(programme, spec, c_start, c_end, share)
        suppressed = quarter_value is None or cumulative is None
    elif measures.additive(indicator.measure):
        per_quarter = quarterly(programme, spec, periods, share)
        quarter_value = per_quarter.get((year, quarter), (Decimal("0"), 0))[0]
        cumulative = sum((v or Decimal("0") for v, _n in per_quarter.values()), Decimal("0"))
    else:
        quarter_value = measures.value(programme, spec, q_start, q_end, share)
        cumulative = (
            quarter_value
            if (c_start, c_end) == (q_start, q_end)
            else measures.value(programme, spec, c_start, c_end, share)
        )
    if indicator.measure in LEVELS:  # averages and rates: one decimal
        quarter_value = None if quarter_value is None else quarter_value.quantize(Decimal("0.1"))
        cumulative = None if cumulative is None else cumulative.quantize(Decimal("0.1"))
    percent = None
    if target is not None and cumulative is not None and target.minimum > 0:
        percent = (cumulative * HUNDRED / target.minimum).quantize(Decimal("0.1"))
    return Row(
        indicator=indicator,
        target=target,
        quarter=quarter_value,
        cumulative=cumulative,
        cumulative_start=c_start,
        cumulative_end=c_end,
        percent=percent,
        status=_status(programme, indicator.measure, target, cumulative, percent, year, quarter),
        suppressed=suppressed,
    )


def indicators_of(programme: Programme) -> list[Indicator]:
    return list(
        Indicator.objects.filter(programme=programme)
        .select_related("action_line")
        .prefetch_related("targets")
        .order_by("action_line__position", "action_line__name", "position", "name")
    )


def indicator_table(
    programme: Programme,
    year: int,
    quarter: int,
    share: Iterable[int] | None = None,
    indicators: list[Indicator] | None = None,
) -> list[Row]:
    """The rows of the docstring for the quarter; ``share``: organisation ids whose share
    is counted (None: the whole programme)."""
    share = None if share is None else list(share)
    found = indicators if indicators is not None else indicators_of(programme)
    return [row_for(programme, indicator, year, quarter, share) for indicator in found]


def quarters_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """The (year, quarter)s touching [start, end]."""
    out = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def quarter_labels(programme: Programme, year: int, quarter: int) -> list[tuple[int, int]]:
    """The quarters from the programme's start up to (year, quarter)."""
    from loket.programmes.periods import quarters

    return [q for q in quarters(programme) if q <= (year, quarter)]


def series(
    programme: Programme,
    indicator: Indicator,
    year: int,
    quarter: int,
    share: Iterable[int] | None = None,
) -> list[tuple[str, Decimal | None]]:
    """The indicator per quarter from the programme's start up to (year, quarter), in one
    GROUP BY query; an average mark on fewer than ``THRESHOLD`` answers is None."""
    share = None if share is None else list(share)
    spec = Spec.of(indicator)
    labels = quarter_labels(programme, year, quarter)
    if not labels:
        return []
    found = quarterly(programme, spec, labels, share)
    return [(f"{y} K{q}", found[(y, q)][0]) for y, q in labels]


def table_and_series(
    programme: Programme,
    year: int,
    quarter: int,
    share: Iterable[int] | None = None,
    indicators: list[Indicator] | None = None,
) -> tuple[list[Row], dict[int, list[tuple[str, Decimal | None]]]]:
    """The indicator table and every indicator's series, computing each series once and
    taking the table's figures from it where they are the same figures: an additive
    indicator costs one query, a distinct count or a mark two."""
    share = None if share is None else list(share)
    found = indicators if indicators is not None else indicators_of(programme)
    labels = quarter_labels(programme, year, quarter)
    rows: list[Row] = []
    series_by_id: dict[int, list[tuple[str, Decimal | None]]] = {}
    for indicator in found:
        known = quarterly(programme, Spec.of(indicator), labels, share) if labels else {}
        series_by_id[indicator.pk] = [(f"{y} K{q}", known[(y, q)][0]) for y, q in labels]
        rows.append(row_for(programme, indicator, year, quarter, share, known))
    return rows, series_by_id


# --- this year's figure of every indicator (the indicator list) -------------------------


def realised_in_year(
    programme: Programme,
    year: int,
    share: Iterable[int] | None = None,
    *,
    fresh: bool = False,
    stale_ok: bool = True,
) -> tuple[dict[int, Decimal | None], bool]:
    """Each indicator's realised figure in ``year`` by id (one aggregate per indicator;
    ``share``: only those organisations' part), cached like the dashboard's figures
    (``cache.remember``), and whether they are stale. An indicator the cached figures do
    not know yet (just added) has them computed on the spot."""
    from loket.monitoring import cache

    orgs = None if share is None else sorted(share)
    start, end = year_bounds(programme, year)
    indicators = list(
        Indicator.objects.filter(programme=programme).select_related(
            "theme", "need", "organisation", "municipality", "scheme"
        )
    )

    def compute() -> dict[int, Decimal | None]:
        return {i.pk: measures.value(programme, Spec.of(i), start, end, orgs) for i in indicators}

    key = ("indicators", programme.pk, orgs, year)
    values, stale = cache.remember(
        programme.region_id, key, compute, fresh=fresh, stale_ok=stale_ok
    )
    if any(i.pk not in values for i in indicators):
        values, stale = cache.remember(programme.region_id, key, compute, fresh=True)
    return values, stale
