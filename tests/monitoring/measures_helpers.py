"""Shared bits of the measure tests (``test_measures_*.py``): Amsterdam times, the
year 2025 as the period, and the three figures of a measure side by side."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from loket.core.models import Need, Theme
from loket.monitoring import measures
from loket.monitoring.measures import Spec
from loket.programmes.models import Programme

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
Q1 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
Q2 = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))


def at(day: str, time: str = "12:00") -> dt.datetime:
    """A moment in Amsterdam time: ``at("2025-03-31", "23:30")``."""
    naive = dt.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive, timezone.get_default_timezone())


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug)


def need(slug: str) -> Need:
    return Need.objects.get(slug=slug)


def d(text: str | int) -> Decimal:
    return Decimal(str(text))


def fresh(programme: Programme) -> Programme:
    """The programme as a view gets it: nothing cached on the object."""
    return Programme.objects.get(pk=programme.pk)


def figures(
    programme: Programme,
    measure: str,
    period: tuple[dt.date, dt.date] = YEAR,
    share: list[int] | None = None,
    **filters: Any,
) -> tuple[Decimal, dict[tuple[int, int], Decimal], dict[int | None, Decimal]]:
    """value, by_quarter and by_municipality of a measure with filters."""
    spec = Spec(measure, **filters)
    start, end = period
    return (
        measures.value(programme, spec, start, end, share),
        measures.by_quarter(programme, spec, start, end, share),
        measures.by_municipality(programme, spec, start, end, share),
    )


def value(
    programme: Programme,
    measure: str,
    period: tuple[dt.date, dt.date] = YEAR,
    share: list[int] | None = None,
    **filters: Any,
) -> Decimal:
    return measures.value(programme, Spec(measure, **filters), *period, share)


def assert_one_query_each(
    django_assert_num_queries: Any, programme: Programme, spec: Spec, share: Any = None
) -> None:
    """value, by_quarter and by_municipality are one query each (the programme's
    organisations are read before, once, and cached on the object)."""
    measures._programme_orgs(programme)
    for function in (measures.value, measures.by_quarter, measures.by_municipality):
        with django_assert_num_queries(1):
            function(programme, spec, *YEAR, share)
