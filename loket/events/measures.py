"""Everything counts: what a programme's events reached in a period, for its indicators.

For a programme and a date range (both days included, Amsterdam time), optionally only
events of one kind, theme, municipality or organisation (organiser or co-organiser):

- ``events_held``: published events that started in the range (and have started);
- ``registrations``: confirmed places at those events (walk-ins and webinar viewers
  included; the waiting list and cancellations not);
- ``visits``: registrations with attendance present (one person at one event);
- ``companies``: the distinct companies with a visit (unique visitors);
- ``new_companies``: of those, companies with no contact before their first visit in the
  range: no contact moment, no case, and no attendance at an earlier event;
  ``known_companies`` the others.

Each function is a handful of aggregate queries, whatever the number of events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from loket.casework.models import Case, ContactMoment
from loket.companies.models import Company
from loket.events.models import Event, Registration
from loket.programmes.models import Programme

EventTheme = Event.themes.through
EventPartner = Event.partners.through


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    theme_id: int | None = None
    municipality_id: int | None = None
    organisation_id: int | None = None


@dataclass(frozen=True)
class EventMeasures:
    events_held: int = 0
    registrations: int = 0
    visits: int = 0
    companies: int = 0
    new_companies: int = 0
    known_companies: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return begin, until


def events_held(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    filters: Filters | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Event]:
    """The programme's published events that started in the range (and by ``now``)."""
    filters = filters or Filters()
    begin, until = _bounds(start, end)
    now = now or timezone.now()
    events = Event.objects.filter(
        programme=programme,
        status=Event.Status.PUBLISHED,
        starts_at__gte=begin,
        starts_at__lt=until,
        starts_at__lte=now,
    )
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.theme_id is not None:
        events = events.filter(
            pk__in=EventTheme.objects.filter(theme_id=filters.theme_id).values("event_id")
        )
    if filters.municipality_id is not None:
        events = events.filter(municipality_id=filters.municipality_id)
    if filters.organisation_id is not None:
        partner = EventPartner.objects.filter(
            event_id=OuterRef("pk"), organisation_id=filters.organisation_id
        )
        events = events.filter(Q(organiser_id=filters.organisation_id) | Q(Exists(partner)))
    return events


def event_measures(
    programme: Programme,
    start: dt.date,
    end: dt.date,
    filters: Filters | None = None,
    now: dt.datetime | None = None,
) -> EventMeasures:
    """The figures of the docstring above, in four queries."""
    events = events_held(programme, start, end, filters, now)
    held = events.count()
    if not held:
        return EventMeasures()
    present = Q(attendance=Registration.Attendance.PRESENT)
    totals = Registration.objects.filter(event__in=events.values("pk")).aggregate(
        registrations=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        visits=Count("pk", filter=present),
        companies=Count("company", filter=present & Q(company__isnull=False), distinct=True),
    )
    new = _new_companies(events)
    return EventMeasures(
        events_held=held,
        registrations=totals["registrations"],
        visits=totals["visits"],
        companies=totals["companies"],
        new_companies=new,
        known_companies=totals["companies"] - new,
    )


def _new_companies(events: QuerySet[Event]) -> int:
    visits = Registration.objects.filter(
        event__in=events.values("pk"),
        attendance=Registration.Attendance.PRESENT,
        company__isnull=False,
    )
    first_visit = (
        visits.filter(company=OuterRef("pk"))
        .order_by("event__starts_at")
        .values("event__starts_at")
    )[:1]
    earlier_contact = ContactMoment.objects.filter(
        company=OuterRef("pk"), occurred_at__lt=OuterRef("first_visit")
    )
    earlier_case = Case.objects.filter(
        company=OuterRef("pk"), opened_at__lt=OuterRef("first_visit")
    )
    earlier_event = Registration.objects.filter(
        company=OuterRef("pk"),
        attendance=Registration.Attendance.PRESENT,
        event__starts_at__lt=OuterRef("first_visit"),
    )
    companies = (
        Company.objects.filter(pk__in=visits.values("company_id"))
        .annotate(first_visit=Subquery(first_visit))
        .annotate(known=Exists(earlier_contact) | Exists(earlier_case) | Exists(earlier_event))
    )
    return companies.filter(known=False).count()


# --- periods ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int
    start: dt.date  # clipped to the range asked for
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.year} K{self.number}"


def quarters(start: dt.date, end: dt.date) -> list[Quarter]:
    """The calendar quarters touching [start, end], each clipped to the range."""
    found = []
    year, number = start.year, (start.month - 1) // 3 + 1
    while True:
        first = dt.date(year, 3 * number - 2, 1)
        if first > end:
            break
        following = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
        last = following - dt.timedelta(days=1)
        found.append(Quarter(year, number, max(first, start), min(last, end)))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return found


# --- the programme's activity: events and collective instruments ---------------------


@dataclass(frozen=True)
class ActivityRow:
    label: str
    start: dt.date
    end: dt.date
    events: EventMeasures
    collectives: dict[str, int]


def collective_measures(programme: Programme, start: dt.date, end: dt.date) -> dict[str, int]:
    """The collective instruments' figures (``loket.collectives.measures``) as one flat
    mapping: active clusters by phase become ``active_clusters_<phase>``."""
    from loket.collectives.measures import collective_measures as measure

    figures = measure(programme, start, end).as_dict()
    phases = figures.pop("clusters_by_phase", {})
    flat = {key: int(value) for key, value in figures.items()}
    for phase, count in phases.items():
        flat[f"active_clusters_{phase}"] = int(count)
    return flat


def programme_activity(
    programme: Programme, start: dt.date, end: dt.date, filters: Filters | None = None
) -> tuple[list[ActivityRow], ActivityRow]:
    """Per calendar quarter of [start, end] and for the whole range: the events' figures
    (with ``filters``) and the collective instruments' (filters do not apply to them)."""
    rows = [
        ActivityRow(
            quarter.label,
            quarter.start,
            quarter.end,
            event_measures(programme, quarter.start, quarter.end, filters),
            collective_measures(programme, quarter.start, quarter.end),
        )
        for quarter in quarters(start, end)
    ]
    total = ActivityRow(
        "",
        start,
        end,
        event_measures(programme, start, end, filters),
        collective_measures(programme, start, end),
    )
    return rows, total
