"""Survey results, aggregated: never the answers of a group below ``THRESHOLD`` answers.

- ``summary(programme, start, end, organisation_ids=None, *, owner_id=None,
  instrument_id=None)``: the report's "satisfaction" part. Answers count by
  ``answered_at`` in the period, the response rate by ``sent_at`` (of the invitations
  sent in the period, the share answered, at any time). Below the threshold the average,
  distribution, recommendation counts and comments are None (``suppressed``).
- ``breakdown(programme, start, end, by)``: one row per organisation, advisor
  (``owner``), instrument or quarter, from one GROUP BY query. "quarter" groups by the
  quarter of the invitation (the quarter in which the help ended, which is also the
  once-per-quarter rule's), counting the invitations of the quarters within the period.

Averages and rates are exact Decimals rounded half up to one decimal, as strings (the
report's data is JSON of strings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.monitoring.models import SurveyInvitation
from loket.programmes.models import Programme

THRESHOLD = 5
MARKS = range(1, 11)
RECOMMEND = ("yes", "maybe", "no")
BY = ("organisation", "owner", "instrument", "quarter")
ANSWERED = SurveyInvitation.Status.ANSWERED
TENTH = Decimal("0.1")


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes [start 00:00, the day after end 00:00) in Amsterdam time."""
    tz = timezone.get_default_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


def _one_decimal(numerator: int, denominator: int, factor: int = 1) -> str | None:
    if not denominator:
        return None
    value = Decimal(numerator * factor) / Decimal(denominator)
    return str(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def _invitations(
    programme: Programme,
    organisation_ids: Iterable[int] | None,
    owner_id: int | None,
    instrument_id: int | None,
) -> QuerySet[SurveyInvitation]:
    rows = SurveyInvitation.objects.filter(programme=programme)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    if owner_id is not None:
        rows = rows.filter(owner_id=owner_id)
    if instrument_id is not None:
        rows = rows.filter(instrument_id=instrument_id)
    return rows


def _answered_in(first: dt.datetime, after: dt.datetime) -> Q:
    return Q(status=ANSWERED, answered_at__gte=first, answered_at__lt=after)


def _sent_in(first: dt.datetime, after: dt.datetime) -> Q:
    return Q(sent_at__gte=first, sent_at__lt=after)


def summary(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
    *,
    owner_id: int | None = None,
    instrument_id: int | None = None,
) -> dict[str, Any]:
    first, after = _bounds(start, end)
    rows = _invitations(programme, organisation_ids, owner_id, instrument_id)
    answered = _answered_in(first, after)
    sent = _sent_in(first, after)
    aggregates: dict[str, Any] = {
        "answers": Count("pk", filter=answered),
        "marks": Sum("mark", filter=answered),
        "sent": Count("pk", filter=sent),
        "responded": Count("pk", filter=sent & Q(status=ANSWERED)),
    }
    for mark in MARKS:
        aggregates[f"mark_{mark}"] = Count("pk", filter=answered & Q(mark=mark))
    for choice in RECOMMEND:
        aggregates[f"recommend_{choice}"] = Count("pk", filter=answered & Q(recommend=choice))
    totals = rows.filter(answered | sent).aggregate(**aggregates)
    answers, sent_count = totals["answers"], totals["sent"]
    suppressed = answers < THRESHOLD
    out: dict[str, Any] = {
        "answers": answers,
        "sent": sent_count,
        "response_rate": _one_decimal(totals["responded"], sent_count, 100),
        "average": None,
        "distribution": None,
        "recommend": None,
        "comments": None,
        "suppressed": suppressed,
    }
    if suppressed:
        return out
    out["average"] = _one_decimal(totals["marks"] or 0, answers)
    out["distribution"] = {str(mark): totals[f"mark_{mark}"] for mark in MARKS}
    out["recommend"] = {choice: totals[f"recommend_{choice}"] for choice in RECOMMEND}
    texts = rows.filter(answered).order_by("answered_at", "pk").values_list("helped", "improve")
    out["comments"] = {
        "helped": [helped for helped, _improve in texts if helped],
        "improve": [improve for _helped, improve in texts if improve],
    }
    return out


def _group(by: str) -> tuple[list[str], Any]:
    """The GROUP BY fields and a function from a row to its label."""
    nobody = _("(niet vastgelegd)")
    if by == "organisation":
        return [
            "organisation_id",
            "organisation__name",
        ], lambda r: r["organisation__name"] or nobody
    if by == "owner":
        return ["owner_id", "owner__full_name"], lambda r: r["owner__full_name"] or nobody
    if by == "instrument":
        return ["instrument_id", "instrument__name"], lambda r: r["instrument__name"] or nobody
    if by == "quarter":
        return ["year", "quarter"], lambda r: f"{r['year']} K{r['quarter']}"
    raise ValueError(by)


def breakdown(programme: Programme, start: dt.date, end: dt.date, by: str) -> list[dict[str, Any]]:
    """Rows ``{"key", "label", "answers", "average", "sent", "response_rate",
    "suppressed"}``; ``average`` is None below the threshold."""
    fields, label = _group(by)
    rows = SurveyInvitation.objects.filter(programme=programme)
    if by == "quarter":
        first_q = (start.year, (start.month - 1) // 3 + 1)
        last_q = (end.year, (end.month - 1) // 3 + 1)
        rows = rows.annotate(period=F("year") * 10 + F("quarter")).filter(
            period__gte=first_q[0] * 10 + first_q[1], period__lte=last_q[0] * 10 + last_q[1]
        )
        answered = Q(status=ANSWERED)
        sent = Q(sent_at__isnull=False)
    else:
        first, after = _bounds(start, end)
        answered = _answered_in(first, after)
        sent = _sent_in(first, after)
        rows = rows.filter(answered | sent)
    grouped = (
        rows.values(*fields)
        .annotate(
            answers=Count("pk", filter=answered),
            marks=Sum("mark", filter=answered),
            sent=Count("pk", filter=sent),
            responded=Count("pk", filter=sent & Q(status=ANSWERED)),
        )
        .order_by(*fields)
    )
    out = []
    for row in grouped:
        suppressed = row["answers"] < THRESHOLD
        out.append(
            {
                "key": row[fields[0]] if by != "quarter" else f"{row['year']}-{row['quarter']}",
                "label": label(row),
                "answers": row["answers"],
                "average": None if suppressed else _one_decimal(row["marks"] or 0, row["answers"]),
                "sent": row["sent"],
                "response_rate": _one_decimal(row["responded"], row["sent"], 100),
                "suppressed": suppressed,
            }
        )
    if by != "quarter":
        out.sort(key=lambda r: (r["key"] is None, str(r["label"]).lower()))
    return out


def period(
    programme: Programme, year: int | None, quarter: int | None, *, whole: bool = False
) -> tuple[dt.date, dt.date, str]:
    """The period (first day, last day, label) of a year or a quarter of it; ``whole``:
    the programme's whole period; no year: this year (or the programme year nearest)."""
    from loket.programmes.periods import default_period, quarter_bounds

    if whole:
        return programme.starts_on, programme.ends_on, _("de hele looptijd")
    if year is None:
        year = default_period(programme, timezone.localdate())[0]
    if quarter:
        first, last = quarter_bounds(year, quarter)
        return first, last, f"{year} K{quarter}"
    return dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)
