"""The antenna function: what entrepreneurs need, turned into policy input.

- ``needs``: the needs heard on the programme's contact moments of the period (the rows
  of the measure "contact moments", ``measures.records``), counted per need, most heard
  first. A contact moment with two needs counts once for each.
- ``signals``: the notes advisors tagged as a signal for policy on those contact moments,
  newest first: the date, the first theme, the advisor's organisation and the text. Never
  the company's name, never the report of the conversation; a confidential contact
  moment's signal is left out (it is only for the own organisation's eyes).

Labels are in the active language. Dates are ISO strings and counts integers, so the
result goes into a report's frozen data as it is. Each part is one query (the measures
module reads the programme's executing organisations once per programme object).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone, translation

from loket.casework.models import ContactMoment
from loket.monitoring.measures import Spec, records
from loket.monitoring.models import Measure
from loket.programmes.models import Programme

TOP_NEEDS = 10
MAX_SIGNALS = 50

NeedThrough = ContactMoment.needs.through
ThemeThrough = ContactMoment.themes.through


def _english() -> bool:
    return (translation.get_language() or "nl").startswith("en")


def _moments(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None,
) -> QuerySet[ContactMoment]:
    return records(programme, Spec(Measure.CONTACT_MOMENTS), start, end, organisation_ids)


def top_needs(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """The ``limit`` needs heard most in the period: ``[{"need": label, "count": n}]``,
    descending (ties in the list's own order), in one GROUP BY query."""
    moments = _moments(programme, start, end, organisation_ids)
    rows = (
        NeedThrough.objects.filter(contactmoment_id__in=moments.values("pk"))
        .values("need_id", "need__name_nl", "need__name_en")
        .annotate(count=Count("pk"))
        .order_by("-count", "need__position", "need__name_nl", "need_id")[:limit]
    )
    label = "need__name_en" if _english() else "need__name_nl"
    return [{"need": row[label], "count": row["count"]} for row in rows]


def signals(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
    limit: int = MAX_SIGNALS,
) -> list[dict[str, str]]:
    """The signals for policy of the period, newest first, at most ``limit``, in one
    query: ``[{"date", "theme", "organisation", "text"}]``."""
    first_theme = ThemeThrough.objects.filter(contactmoment_id=OuterRef("pk")).order_by(
        "theme__position", "theme__name_nl", "theme_id"
    )
    label = "theme__name_en" if _english() else "theme__name_nl"
    rows = (
        _moments(programme, start, end, organisation_ids)
        .filter(confidential=False)
        .exclude(signal="")
        .annotate(_theme=Subquery(first_theme.values(label)[:1]))
        .order_by("-occurred_at", "-pk")
        .values("occurred_at", "_theme", "organisation__name", "signal")[:limit]
    )
    return [
        {
            "date": timezone.localtime(row["occurred_at"]).date().isoformat(),
            "theme": row["_theme"] or "",
            "organisation": row["organisation__name"],
            "text": row["signal"].strip(),
        }
        for row in rows
    ]


def antenna(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
) -> dict[str, Any]:
    """The report's "antenna" part: the top 10 needs and the signals of the period."""
    ids = list(organisation_ids) if organisation_ids is not None else None
    return {
        "needs": top_needs(programme, start, end, ids, limit=TOP_NEEDS),
        "signals": signals(programme, start, end, ids),
    }
