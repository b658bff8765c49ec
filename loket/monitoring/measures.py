"""How an indicator is computed: a measure over a source of records, with filters, in a
period, as one aggregate query.

Every measure has a ``Source``: the model whose rows make up the figure (the records a
user sees when clicking a figure), the date that puts a row in a period, and the paths
the filters follow. The rows of a programme are:

- cases, intakes and contact moments: those of the programme's region registered by one
  of its executing organisations (all of the region's when it has none); intakes are
  contact moments of the kind "intake"; "unique companies reached" counts the distinct
  companies with a contact moment;
- trajectories of the programme: started (``started_on``), completed (``completed_on``),
  paid (their voucher redeemed with a payment date, ``paid_on``); vouchers paid the same
  way; euros: the paid amounts (excl. VAT); the organisation of a trajectory is its
  supplier's;
- events of the programme, published and started (by now): held, visits (confirmed
  registrations with attendance present), unique visiting companies; an event's
  organisation is its organiser or a co-organiser, its municipality where it is held; a
  visit's municipality is the one the visitor gave, else its company's;
- table sessions held (by now), companies in a carousel round (a confirmed or completed
  match, by the round's start), clusters formed (``formed_on``); their organisation is
  the collective's;
- hours registered on the programme (the organisation of the entry);
- the satisfaction survey: the average mark of the answers given in the period, and the
  response rate: answered invitations out of those sent in the period, in percent (the
  organisation of the invitation: the case's).

Periods are days in Amsterdam time: a contact moment at 23:30 on 31 March belongs to
the first quarter.

Filters (an indicator's, plus the viewer's organisations for "their share") follow the
source's paths; a filter that does not apply to a measure is refused when the indicator
is saved (``filter_problems``). A filter across a many-to-many (themes, needs) is an IN
subquery on the link table, so a row with two matching themes counts once. "New"
companies had no contact moment, no case and no event visit in the region before the
period began (the events app calls a visitor known the same way); "known" companies
had. Starters were founded less than five years before the period ends (as
``Company.is_starter``); companies without a founding date or a number of employees
match no starter or size class filter.

Figures are ``Decimal``. ``value`` is one query; ``by_quarter`` is one query (a
conditional aggregate per quarter), ``by_municipality`` one GROUP BY query; casework
measures read the programme's organisations once more, cached on the programme object.
Distinct counts are not additive: a period's figure is asked for that period, never
summed from quarters (``additive`` says which measures may be).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.casework.models import Case, ContactMoment
from loket.collectives.models import Collective, Match, TableSession
from loket.companies.models import SizeClass
from loket.events.models import Event, Registration
from loket.monitoring.models import Indicator, Measure, Newness, Starter, SurveyInvitation
from loket.programmes.models import HourEntry, Programme, Trajectory, Voucher

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Spec:
    """A measure with its filters: an indicator's definition, or one made up on the fly
    (the dashboard's reach per municipality)."""

    measure: str
    theme_id: int | None = None
    need_id: int | None = None
    organisation_id: int | None = None
    municipality_id: int | None = None
    size_class: str = ""
    starter: str = ""
    scheme_id: int | None = None
    event_kind: str = ""
    newness: str = ""

    @classmethod
    def of(cls, indicator: Indicator) -> Spec:
        return cls(
            measure=indicator.measure,
            theme_id=indicator.theme_id,
            need_id=indicator.need_id,
            organisation_id=indicator.organisation_id,
            municipality_id=indicator.municipality_id,
            size_class=indicator.size_class,
            starter=indicator.starter,
            scheme_id=indicator.scheme_id,
            event_kind=indicator.event_kind,
            newness=indicator.newness,
        )


def _programme_orgs(programme: Programme) -> list[int]:
    cached = getattr(programme, "_monitoring_org_ids", None)
    if cached is None:
        cached = list(programme.organisations.values_list("pk", flat=True))
        programme._monitoring_org_ids = cached  # type: ignore[attr-defined]
    return cached


def _casework_base(programme: Programme) -> Q:
    orgs = _programme_orgs(programme)
    q = Q(region_id=programme.region_id)
    return q & Q(organisation_id__in=orgs) if orgs else q


def _event_org(ids: Iterable[int]) -> Q:
    partner = Event.partners.through.objects.filter(
        event_id=OuterRef("pk"), organisation_id__in=list(ids)
    )
    return Q(organiser_id__in=list(ids)) | Q(Exists(partner))


def _visit_org(ids: Iterable[int]) -> Q:
    partner = Event.partners.through.objects.filter(
        event_id=OuterRef("event_id"), organisation_id__in=list(ids)
    )
    return Q(event__organiser_id__in=list(ids)) | Q(Exists(partner))


@dataclass(frozen=True)
class Source:
    model: type[Model]
    date: str
    base: Callable[[Programme], Q]
    aggregate: str = "count"  # count, distinct_company, sum, avg, rate
    value_field: str = ""
    is_datetime: bool = True
    company: str | None = "company"
    municipality: str | None = "company__municipality"
    organisation: str | Callable[[Iterable[int]], Q] | None = "organisation"
    theme: str | None = None
    need: str | None = None
    scheme: str | None = None
    event_kind: str | None = None
    until_now: bool = False
    # Where ``municipality`` is empty, the municipality at this path counts instead (a
    # visitor who gave none: their company's).
    municipality_fallback: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _published(prefix: str = "") -> Callable[[Programme], Q]:
    def base(programme: Programme) -> Q:
        return Q(
            **{f"{prefix}programme_id": programme.pk, f"{prefix}status": Event.Status.PUBLISHED}
        )

    return base


# A visit: a confirmed registration ticked present (not one on the waiting list or
# cancelled, whatever its attendance says).
VISIT = Q(status=Registration.Status.CONFIRMED, attendance=Registration.Attendance.PRESENT)


def _trajectories(date: str, **extra: Any) -> Source:
    """Trajectories of the programme with ``date`` set (and ``extra``), by that date."""
    return Source(
        Trajectory,
        date,
        lambda p: Q(programme_id=p.pk, **{f"{date}__isnull": False}, **extra),
        is_datetime=False,
        organisation="supplier_organisation",
        theme="scheme__instrument__themes",
        scheme="scheme",
    )


_PAID_VOUCHERS = Source(
    Voucher,
    "paid_on",
    lambda p: Q(
        trajectory__programme_id=p.pk,
        status=Voucher.Status.REDEEMED,
        paid_on__isnull=False,
    ),
    is_datetime=False,
    organisation="trajectory__supplier_organisation",
    theme="trajectory__scheme__instrument__themes",
    scheme="trajectory__scheme",
)


SOURCES: dict[str, Source] = {
    Measure.CASES: Source(
        Case,
        "opened_at",
        _casework_base,
        theme="themes",
        need="contact_moments__needs",
    ),
    Measure.INTAKES: Source(
        ContactMoment,
        "occurred_at",
        lambda p: _casework_base(p) & Q(kind=ContactMoment.Kind.INTAKE),
        theme="themes",
        need="needs",
    ),
    Measure.CONTACT_MOMENTS: Source(
        ContactMoment, "occurred_at", _casework_base, theme="themes", need="needs"
    ),
    Measure.COMPANIES_REACHED: Source(
        ContactMoment,
        "occurred_at",
        _casework_base,
        aggregate="distinct_company",
        theme="themes",
        need="needs",
    ),
    Measure.TRAJECTORIES_STARTED: _trajectories("started_on"),
    Measure.TRAJECTORIES_COMPLETED: _trajectories("completed_on"),
    Measure.TRAJECTORIES_PAID: _trajectories(
        "voucher__paid_on", voucher__status=Voucher.Status.REDEEMED
    ),
    Measure.VOUCHERS_PAID: _PAID_VOUCHERS,
    Measure.EUROS: replace(_PAID_VOUCHERS, aggregate="sum", value_field="paid_amount"),
    Measure.EVENTS_HELD: Source(
        Event,
        "starts_at",
        _published(),
        company=None,
        municipality="municipality",
        organisation=_event_org,
        theme="themes",
        event_kind="kind",
        until_now=True,
    ),
    Measure.EVENT_VISITS: Source(
        Registration,
        "event__starts_at",
        lambda p: _published("event__")(p) & VISIT,
        municipality="municipality",
        municipality_fallback="company__municipality",
        organisation=_visit_org,
        theme="event__themes",
        event_kind="event__kind",
        until_now=True,
    ),
    Measure.EVENT_VISITORS: Source(
        Registration,
        "event__starts_at",
        lambda p: _published("event__")(p) & VISIT & Q(company__isnull=False),
        aggregate="distinct_company",
        municipality="company__municipality",
        organisation=_visit_org,
        theme="event__themes",
        event_kind="event__kind",
        until_now=True,
    ),
    Measure.TABLE_SESSIONS: Source(
        TableSession,
        "held_at",
        lambda p: Q(collective__programme_id=p.pk),
        company=None,
        municipality=None,
        organisation="collective__organisation",
        theme="collective__themes",
        until_now=True,
    ),
    Measure.CAROUSEL_PARTICIPANTS: Source(
        Match,
        "round__starts_on",
        lambda p: Q(
            round__collective__programme_id=p.pk,
            status__in=[Match.Status.CONFIRMED, Match.Status.COMPLETED],
        ),
        aggregate="distinct_company",
        is_datetime=False,
        organisation="round__collective__organisation",
        theme="team__themes",
    ),
    Measure.CLUSTERS_FORMED: Source(
        Collective,
        "formed_on",
        lambda p: Q(programme_id=p.pk, kind=Collective.Kind.CLUSTER, formed_on__isnull=False),
        is_datetime=False,
        company=None,
        municipality=None,
        theme="themes",
    ),
    Measure.HOURS: Source(
        HourEntry,
        "date",
        lambda p: Q(programme_id=p.pk),
        aggregate="sum",
        value_field="hours",
        is_datetime=False,
        scheme="trajectory__scheme",
        event_kind="event__kind",
    ),
    Measure.SATISFACTION: Source(
        SurveyInvitation,
        "answered_at",
        lambda p: Q(programme_id=p.pk, mark__isnull=False),
        aggregate="avg",
        value_field="mark",
        theme="case__themes",
        scheme="trajectory__scheme",
    ),
    Measure.RESPONSE_RATE: Source(
        SurveyInvitation,
        "sent_at",
        lambda p: Q(programme_id=p.pk, sent_at__isnull=False),
        aggregate="rate",
        theme="case__themes",
        scheme="trajectory__scheme",
    ),
}

# Measures whose quarterly figures add up to the year's.
ADDITIVE = frozenset(m for m, s in SOURCES.items() if s.aggregate in ("count", "sum"))
FILTERS = (
    "theme",
    "need",
    "organisation",
    "municipality",
    "size_class",
    "starter",
    "scheme",
    "event_kind",
    "newness",
)


def additive(measure: str) -> bool:
    return measure in ADDITIVE


def filter_problems(spec: Spec) -> dict[str, str]:
    """Filters that do not apply to the measure, by field name."""
    source = SOURCES[spec.measure]
    problems: dict[str, str] = {}
    message = _("Dit filter past niet bij wat de indicator meet.")
    if spec.theme_id and not source.theme:
        problems["theme"] = message
    if spec.need_id and not source.need:
        problems["need"] = message
    if spec.organisation_id and not source.organisation:
        problems["organisation"] = message
    if spec.municipality_id and not source.municipality:
        problems["municipality"] = message
    for name in ("size_class", "starter", "newness"):
        if getattr(spec, name) and not source.company:
            problems[name] = message
    if spec.scheme_id and not source.scheme:
        problems["scheme"] = message
    if spec.event_kind and not source.event_kind:
        problems["event_kind"] = message
    return problems


def _period_q(source: Source, start: dt.date, end: dt.date) -> Q:
    """The rows dated in [start, end]: days in Amsterdam time for a moment in time."""
    if source.is_datetime:
        zone = timezone.get_default_timezone()
        begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return Q(**{f"{source.date}__gte": begin, f"{source.date}__lt": until})
    return Q(**{f"{source.date}__gte": start, f"{source.date}__lte": end})


def _bounds(source: Source, start: dt.date, end: dt.date) -> Q:
    q = _period_q(source, start, end)
    if source.until_now:
        now = timezone.now() if source.is_datetime else timezone.localdate()
        q &= Q(**{f"{source.date}__lte": now})
    return q


def _through(source: Source, path: str, value: Any) -> Q:
    """Rows with ``path`` (crossing a many-to-many) equal to ``value``, as a subquery so
    no row is counted twice."""
    return _related_q(source.model, path, value)


def _related_q(model: type[Model], path: str, value: Any) -> Q:
    """``path`` equal to ``value`` as an IN subquery on the smallest table: the
    many-to-many's link table itself (``theme_id = x``), reached over foreign keys the
    row already has (``scheme__instrument IN (...)``) or a reverse foreign key
    (``pk IN (SELECT case_id ...)``); never a join of the counted table with itself."""
    parts = path.split("__")
    prefix: list[str] = []
    current = model
    for index, name in enumerate(parts):
        field = current._meta.get_field(name)
        last = index == len(parts) - 1
        lhs = "__".join(prefix) + "__in" if prefix else "pk__in"
        if last and field.many_to_many and not field.auto_created:
            link = field.remote_field.through  # type: ignore[union-attr]
            own, other = field.m2m_field_name(), field.m2m_reverse_field_name()  # type: ignore[union-attr]
            return Q(**{lhs: link.objects.filter(**{other: value}).values(own)})
        if not last and (field.many_to_one or (field.one_to_one and not field.auto_created)):
            prefix.append(name)
            current = field.related_model  # type: ignore[assignment]
            continue
        if not last and field.one_to_many:
            inner: type[Model] = field.related_model  # type: ignore[assignment]
            rest = "__".join(parts[index + 1 :])
            ids = inner._default_manager.filter(_related_q(inner, rest, value))
            return Q(**{lhs: ids.values(field.field.name)})  # type: ignore[union-attr]
        break
    return Q(pk__in=model._default_manager.filter(**{path: value}).values("pk"))


def _org_q(source: Source, ids: Iterable[int]) -> Q:
    ids = list(ids)
    if callable(source.organisation):
        return source.organisation(ids)
    return Q(**{f"{source.organisation}_id__in": ids})


def records(
    programme: Programme,
    spec: Spec,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
) -> QuerySet[Any]:
    """The rows that make up the figure (not scoped to a viewer: callers intersect with
    what the viewer may see). ``organisation_ids`` keeps an organisation's share."""
    source = SOURCES[spec.measure]
    q = source.base(programme) & _bounds(source, start, end)
    if spec.theme_id and source.theme:
        q &= _through(source, source.theme, spec.theme_id)
    if spec.need_id and source.need:
        q &= _through(source, source.need, spec.need_id)
    if spec.organisation_id and source.organisation:
        q &= _org_q(source, [spec.organisation_id])
    if organisation_ids is not None and source.organisation:
        q &= _org_q(source, organisation_ids)
    if spec.municipality_id and source.municipality:
        q &= _municipality_q(source, spec.municipality_id)
    if spec.scheme_id and source.scheme:
        q &= Q(**{f"{source.scheme}_id": spec.scheme_id})
    if spec.event_kind and source.event_kind:
        q &= Q(**{source.event_kind: spec.event_kind})
    if source.company:
        q &= _company_q(source.company, spec, start, end)
    rows = source.model._default_manager.filter(q)
    if organisation_ids is not None and not source.organisation:
        # A measure without an organisation would be nobody's share.
        rows = rows.none()
    return rows


def _municipality_q(source: Source, municipality_id: int) -> Q:
    q = Q(**{f"{source.municipality}_id": municipality_id})
    if source.municipality_fallback:
        q |= Q(
            **{
                f"{source.municipality}__isnull": True,
                f"{source.municipality_fallback}_id": municipality_id,
            }
        )
    return q


def _municipality_expression(source: Source) -> Any:
    own = F(f"{source.municipality}_id")
    if source.municipality_fallback:
        return Coalesce(own, F(f"{source.municipality_fallback}_id"))
    return own


def _company_q(path: str, spec: Spec, start: dt.date, end: dt.date) -> Q:
    q = Q()
    if spec.size_class:
        low, high = SizeClass.employee_range(spec.size_class)
        q &= Q(**{f"{path}__employees__gte": low})
        if high is not None:
            q &= Q(**{f"{path}__employees__lte": high})
    if spec.starter:
        try:
            five_years_before = end.replace(year=end.year - 5)
        except ValueError:  # 29 February
            five_years_before = end.replace(year=end.year - 5, day=28)
        if spec.starter == Starter.YES:
            q &= Q(**{f"{path}__founded_on__gt": five_years_before})
        else:
            q &= Q(**{f"{path}__founded_on__lte": five_years_before})
    if spec.newness:
        zone = timezone.get_default_timezone()
        begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        company = OuterRef(f"{path}_id")
        earlier = (
            Exists(ContactMoment.objects.filter(company_id=company, occurred_at__lt=begin))
            | Exists(Case.objects.filter(company_id=company, opened_at__lt=begin))
            | Exists(
                Registration.objects.filter(VISIT, company_id=company, event__starts_at__lt=begin)
            )
        )
        q &= (~earlier if spec.newness == Newness.NEW else earlier) & Q(
            **{f"{path}__isnull": False}
        )
    return q


def _aggregates(source: Source, within: Q | None = None, suffix: str = "") -> dict[str, Any]:
    """The aggregates of a figure (``within``: only the rows of one part of the period,
    as a conditional aggregate), named with ``suffix``."""
    rows = Count("pk", filter=within)
    if source.aggregate == "count":
        return {f"n{suffix}": rows}
    if source.aggregate == "distinct_company":
        value = Count(source.company, distinct=True, filter=within)
        return {f"n{suffix}": value, f"rows{suffix}": rows}
    if source.aggregate == "sum":
        return {f"n{suffix}": Sum(source.value_field, filter=within), f"rows{suffix}": rows}
    if source.aggregate == "avg":
        return {f"n{suffix}": Avg(source.value_field, filter=within), f"rows{suffix}": rows}
    # rate: answered of sent
    answered = (
        Q(answered_at__isnull=False) if within is None else within & Q(answered_at__isnull=False)
    )
    return {f"sent{suffix}": rows, f"answered{suffix}": Count("pk", filter=answered)}


def _rows(source: Source, row: dict[str, Any], suffix: str = "") -> int:
    """How many rows a figure rests on."""
    key = {"count": "n", "rate": "sent"}.get(source.aggregate, "rows")
    return int(row.get(f"{key}{suffix}") or 0)


def _figure(source: Source, row: dict[str, Any], suffix: str = "") -> Decimal:
    if source.aggregate == "rate":
        sent = row.get(f"sent{suffix}") or 0
        answered = Decimal(row.get(f"answered{suffix}") or 0)
        return (answered * HUNDRED / Decimal(sent)) if sent else ZERO
    value = row.get(f"n{suffix}")
    if value is None:
        return ZERO
    return Decimal(str(value))


def value(
    programme: Programme,
    spec: Spec,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
) -> Decimal:
    """The figure over [start, end] (both included), in one query."""
    source = SOURCES[spec.measure]
    row = records(programme, spec, start, end, organisation_ids).aggregate(**_aggregates(source))
    return _figure(source, row)


def quarters_of(start: dt.date, end: dt.date) -> list[tuple[int, int, dt.date, dt.date]]:
    """The calendar quarters [start, end] touches, each clipped to [start, end]:
    (year, quarter, first day, last day)."""
    out = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        first = dt.date(year, 3 * quarter - 2, 1)
        following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        out.append((year, quarter, max(first, start), min(following - dt.timedelta(days=1), end)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def by_quarter(
    programme: Programme,
    spec: Spec,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int], Decimal]:
    """The figure per calendar quarter of [start, end] (quarters in Amsterdam time), in
    one query: a conditional aggregate per quarter on the raw date column, so an index
    on it serves and no date function runs per row (SQLite would run it in Python, and
    it would follow the active time zone instead of Amsterdam's). Quarters without rows
    are absent (read them as 0)."""
    source = SOURCES[spec.measure]
    parts = quarters_of(start, end)
    aggregates: dict[str, Any] = {}
    for year, quarter, first, last in parts:
        aggregates.update(_aggregates(source, _period_q(source, first, last), f"_{year}_{quarter}"))
    if not aggregates:
        return {}
    row = records(programme, spec, start, end, organisation_ids).aggregate(**aggregates)
    found: dict[tuple[int, int], Decimal] = {}
    for year, quarter, _first, _last in parts:
        suffix = f"_{year}_{quarter}"
        if _rows(source, row, suffix):
            found[(year, quarter)] = _figure(source, row, suffix)
    return found


def by_municipality(
    programme: Programme,
    spec: Spec,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
) -> dict[int | None, Decimal]:
    """The figure per municipality (of the company, or where the event was held), in one
    GROUP BY query; None collects rows without one."""
    source = SOURCES[spec.measure]
    if not source.municipality:
        return {}
    rows = (
        records(programme, spec, start, end, organisation_ids)
        .annotate(_municipality=_municipality_expression(source))
        .order_by()
        .values("_municipality")
        .annotate(**_aggregates(source))
    )
    return {row["_municipality"]: _figure(source, row) for row in rows}


def answers_count(
    programme: Programme,
    spec: Spec,
    start: dt.date,
    end: dt.date,
    organisation_ids: Iterable[int] | None = None,
) -> int:
    """How many answers an average mark rests on (for the threshold of 5)."""
    return records(programme, spec, start, end, organisation_ids).count()
