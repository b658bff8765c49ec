"""What the collective instruments count for a programme's indicators, over a period.

For a programme and a date range (both ends included), ``collective_measures`` gives:

- ``table_sessions_held``: sessions of the programme's tables held in the period (up to now);
- ``cases_brought_in``: cases entrepreneurs brought in to a table in the period;
- ``cases_heard``: cases discussed at a session held in the period (up to now);
- ``carousel_companies``: companies with a confirmed or completed match in a carousel round
  that runs in the period (each company once);
- ``carousel_students``: students of the carousel rounds that run in the period;
- ``clusters_formed`` and ``cooperations_formed``: clusters and cooperation initiatives
  marked formed in the period;
- ``clusters_by_phase``: the clusters active in the period (made by its end, not ended
  before its start), by their phase.

Each figure is one aggregate query; nothing is counted row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from loket.collectives.models import (
    Collective,
    Match,
    Student,
    TableCase,
    TableSession,
)
from loket.programmes.models import Programme

Kind = Collective.Kind


@dataclass(frozen=True)
class CollectiveMeasures:
    start: dt.date
    end: dt.date
    table_sessions_held: int = 0
    cases_brought_in: int = 0
    cases_heard: int = 0
    carousel_companies: int = 0
    carousel_students: int = 0
    clusters_formed: int = 0
    cooperations_formed: int = 0
    clusters_by_phase: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "table_sessions_held": self.table_sessions_held,
            "cases_brought_in": self.cases_brought_in,
            "cases_heard": self.cases_heard,
            "carousel_companies": self.carousel_companies,
            "carousel_students": self.carousel_students,
            "clusters_formed": self.clusters_formed,
            "cooperations_formed": self.cooperations_formed,
            "clusters_by_phase": dict(self.clusters_by_phase),
        }


def _moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``start`` up to (not including) the day after ``end``, but not
    after now: what is held is in the past."""
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return begin, min(until, timezone.now())


def collective_measures(programme: Programme, start: dt.date, end: dt.date) -> CollectiveMeasures:
    """The figures of ``programme``'s collective instruments from ``start`` to ``end``."""
    if end < start:
        raise ValueError("end before start")
    begin, until = _moments(start, end)
    held = Q(held_at__gte=begin, held_at__lt=until)

    sessions = TableSession.objects.filter(held, collective__programme=programme).count()
    cases = TableCase.objects.filter(collective__programme=programme).aggregate(
        brought_in=Count("id", filter=Q(requested_on__gte=start, requested_on__lte=end)),
        heard=Count("id", filter=Q(session__held_at__gte=begin, session__held_at__lt=until)),
    )
    rounds = Q(round__collective__programme=programme, round__starts_on__lte=end) & Q(
        round__ends_on__gte=start
    )
    companies = (
        Match.objects.filter(rounds, status__in=[Match.Status.CONFIRMED, Match.Status.COMPLETED])
        .values("company_id")
        .distinct()
        .count()
    )
    students = Student.objects.filter(rounds).count()
    formed = Collective.objects.filter(
        programme=programme, formed_on__gte=start, formed_on__lte=end
    ).aggregate(
        clusters=Count("id", filter=Q(kind=Kind.CLUSTER)),
        cooperations=Count("id", filter=Q(kind=Kind.COOPERATION)),
    )
    phases = dict.fromkeys(Collective.Phase.values, 0)
    active = (
        Collective.objects.filter(programme=programme, kind=Kind.CLUSTER, created_at__lt=until)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values("phase")
        .annotate(n=Count("id"))
    )
    for row in active:
        if row["phase"] in phases:
            phases[row["phase"]] = row["n"]
    return CollectiveMeasures(
        start=start,
        end=end,
        table_sessions_held=sessions,
        cases_brought_in=cases["brought_in"],
        cases_heard=cases["heard"],
        carousel_companies=companies,
        carousel_students=students,
        clusters_formed=formed["clusters"],
        cooperations_formed=formed["cooperations"],
        clusters_by_phase=phases,
    )
