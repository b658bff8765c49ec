"""What the programme did in one municipality in a quarter, and in the year to date: the
municipality view (page, one-page PDF, API) for a municipal account manager.

For every programme of the municipality's region that runs in the quarter:

- companies helped: the distinct companies of the municipality with a contact moment or
  a case of the programme in the period (``measures``: registered by an executing
  organisation); new companies among them had no contact moment and no case before the
  period began;
- cases opened and intakes for companies of the municipality;
- the top 5 needs heard in the quarter's contact moments with companies of the
  municipality (contact moments per need);
- events of the programme held in the municipality, the visits at those events, and the
  distinct companies of the municipality that visited any event of the programme;
- trajectories started and completed for companies of the municipality, vouchers paid
  to them and the euros paid (excl. VAT).

Periods are clipped to the programme's period; "year to date" runs from 1 January (or
the programme's start) to the end of the quarter. Aggregates only, never a company name:
the figures go to the council. Each programme costs a fixed number of aggregate queries
(each figure's quarter and year to date come from one query), whatever the data size.
The result is a plain dict (picklable) kept by ``cache.remember``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.casework.models import ContactMoment
from loket.companies.models import Company
from loket.core.models import Municipality
from loket.monitoring import cache, measures
from loket.monitoring.measures import SOURCES, Spec
from loket.monitoring.models import Measure, Newness
from loket.programmes.models import Programme
from loket.programmes.periods import quarter_bounds, quarter_of, year_bounds

TOP_NEEDS = 5
ZERO = Decimal("0")

# key -> (label, unit): the figures in the order the page, the PDF and the API show them.
FIGURES: dict[str, tuple[Any, str]] = {
    "companies_helped": (_("Bedrijven geholpen"), "count"),
    "new_companies": (_("waarvan nieuw"), "count"),
    "cases": (_("Hulpvragen"), "count"),
    "intakes": (_("Intakes"), "count"),
    "events_held": (_("Evenementen in de gemeente"), "count"),
    "event_visits": (_("Bezoeken aan die evenementen"), "count"),
    "event_visitors": (_("Bedrijven uit de gemeente op een evenement"), "count"),
    "trajectories_started": (_("Trajecten gestart"), "count"),
    "trajectories_completed": (_("Trajecten afgerond"), "count"),
    "vouchers_paid": (_("Vouchers uitbetaald"), "count"),
    "euros_paid": (_("Uitbetaald (excl. btw)"), "money"),
}

# Figures that are exactly one measure with the municipality as its filter: these link
# to their records (``links.spec_records_url``). The others combine two sources.
LINKED: dict[str, str] = {
    "cases": Measure.CASES,
    "intakes": Measure.INTAKES,
    "events_held": Measure.EVENTS_HELD,
    "event_visitors": Measure.EVENT_VISITORS,
    "trajectories_started": Measure.TRAJECTORIES_STARTED,
    "trajectories_completed": Measure.TRAJECTORIES_COMPLETED,
    "vouchers_paid": Measure.VOUCHERS_PAID,
    "euros_paid": Measure.EUROS,
}


def spec_for(key: str, municipality_id: int) -> Spec | None:
    measure = LINKED.get(key)
    return None if measure is None else Spec(measure, municipality_id=municipality_id)


def default_period(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, quarter_of(today)


def programmes_in(region_id: int, year: int, quarter: int) -> QuerySet[Programme]:
    """The region's programmes running in the quarter."""
    start, end = quarter_bounds(year, quarter)
    return Programme.objects.filter(
        region_id=region_id, starts_on__lte=end, ends_on__gte=start
    ).order_by("starts_on", "name")


def municipality_data(
    municipality: Municipality,
    year: int,
    quarter: int,
    *,
    fresh: bool = False,
    stale_ok: bool = True,
) -> dict[str, Any]:
    """The figures of the module docstring (cached under the region's figure stamp;
    ``stale``: computed before the region's last change, being refreshed)."""
    data, stale = cache.remember(
        municipality.region_id,
        ("municipality", municipality.pk, year, quarter),
        lambda: compute(municipality, year, quarter),
        fresh=fresh,
        stale_ok=stale_ok,
    )
    return {**data, "stale": stale}


def compute(municipality: Municipality, year: int, quarter: int) -> dict[str, Any]:
    q_start, q_end = quarter_bounds(year, quarter)
    return {
        "municipality": {"id": municipality.pk, "name": municipality.name},
        "year": year,
        "quarter": quarter,
        "label": f"{year} K{quarter}",
        "start": q_start,
        "end": q_end,
        "programmes": [
            _programme(programme, municipality.pk, year, quarter)
            for programme in programmes_in(municipality.region_id, year, quarter)
        ],
    }


def _programme(
    programme: Programme, municipality_id: int, year: int, quarter: int
) -> dict[str, Any]:
    q_start, q_end = quarter_bounds(year, quarter)
    q_start, q_end = max(q_start, programme.starts_on), min(q_end, programme.ends_on)
    y_start = year_bounds(programme, year)[0]
    span = (q_start, q_end, y_start)
    figures: dict[str, tuple[Decimal, Decimal]] = {}
    figures.update(_companies(programme, municipality_id, *span))
    for key in ("cases", "intakes", "events_held", "event_visitors"):
        figures[key] = _pair(programme, Spec(LINKED[key], municipality_id=municipality_id), *span)
    figures["event_visits"] = _pair(
        programme,
        Spec(Measure.EVENT_VISITS),
        *span,
        narrow=Q(event__municipality_id=municipality_id),
    )
    for key in ("trajectories_started", "trajectories_completed"):
        figures[key] = _pair(programme, Spec(LINKED[key], municipality_id=municipality_id), *span)
    figures.update(_vouchers(programme, municipality_id, *span))
    return {
        "id": programme.pk,
        "name": programme.name,
        "quarter_start": q_start,
        "quarter_end": q_end,
        "ytd_start": y_start,
        "ytd_end": q_end,
        "figures": [
            {"key": key, "unit": unit, "quarter": figures[key][0], "ytd": figures[key][1]}
            for key, (_label, unit) in FIGURES.items()
        ],
        "needs": _needs(programme, municipality_id, q_start, q_end),
    }


def _within(measure: str, start: dt.date, end: dt.date) -> Q:
    """Rows of ``measure`` dated in [start, end] (Amsterdam days), on the raw column."""
    source = SOURCES[measure]
    if source.is_datetime:
        zone = timezone.get_default_timezone()
        begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return Q(**{f"{source.date}__gte": begin, f"{source.date}__lt": until})
    return Q(**{f"{source.date}__gte": start, f"{source.date}__lte": end})


def _pair(
    programme: Programme,
    spec: Spec,
    q_start: dt.date,
    q_end: dt.date,
    y_start: dt.date,
    narrow: Q | None = None,
) -> tuple[Decimal, Decimal]:
    """(quarter, year to date) of a count or distinct count, in one query."""
    source = SOURCES[spec.measure]
    rows = measures.records(programme, spec, y_start, q_end)
    if narrow is not None:
        rows = rows.filter(narrow)
    within = _within(spec.measure, q_start, q_end)
    if source.aggregate == "distinct_company":
        found = rows.aggregate(
            q=Count(source.company, distinct=True, filter=within),
            y=Count(source.company, distinct=True),
        )
    else:
        found = rows.aggregate(q=Count("pk", filter=within), y=Count("pk"))
    return Decimal(found["q"] or 0), Decimal(found["y"] or 0)


def _companies(
    programme: Programme, municipality_id: int, q_start: dt.date, q_end: dt.date, y_start: dt.date
) -> dict[str, tuple[Decimal, Decimal]]:
    """Companies helped (a contact moment or a case) and the new ones among them, for the
    quarter and the year to date, in one query."""

    def helped(start: dt.date, newness: str = "") -> Q:
        ids = Q()
        for measure in (Measure.CONTACT_MOMENTS, Measure.CASES):
            spec = Spec(measure, municipality_id=municipality_id, newness=newness)
            ids |= Q(pk__in=measures.records(programme, spec, start, q_end).values("company_id"))
        return ids

    found = Company.objects.filter(
        region_id=programme.region_id, municipality_id=municipality_id
    ).aggregate(
        helped_q=Count("pk", filter=helped(q_start)),
        helped_y=Count("pk", filter=helped(y_start)),
        new_q=Count("pk", filter=helped(q_start, Newness.NEW)),
        new_y=Count("pk", filter=helped(y_start, Newness.NEW)),
    )
    return {
        "companies_helped": (Decimal(found["helped_q"]), Decimal(found["helped_y"])),
        "new_companies": (Decimal(found["new_q"]), Decimal(found["new_y"])),
    }


def _vouchers(
    programme: Programme, municipality_id: int, q_start: dt.date, q_end: dt.date, y_start: dt.date
) -> dict[str, tuple[Decimal, Decimal]]:
    """Vouchers paid to companies of the municipality and the euros, in one query."""
    spec = Spec(Measure.VOUCHERS_PAID, municipality_id=municipality_id)
    within = _within(Measure.VOUCHERS_PAID, q_start, q_end)
    found = measures.records(programme, spec, y_start, q_end).aggregate(
        n_q=Count("pk", filter=within),
        n_y=Count("pk"),
        e_q=Sum("paid_amount", filter=within),
        e_y=Sum("paid_amount"),
    )
    return {
        "vouchers_paid": (Decimal(found["n_q"]), Decimal(found["n_y"])),
        "euros_paid": (
            Decimal(str(found["e_q"] or ZERO)),
            Decimal(str(found["e_y"] or ZERO)),
        ),
    }


def _needs(
    programme: Programme, municipality_id: int, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """The top needs of the quarter's contact moments with companies of the
    municipality: contact moments per need, most first (one GROUP BY query)."""
    spec = Spec(Measure.CONTACT_MOMENTS, municipality_id=municipality_id)
    moments = measures.records(programme, spec, start, end).values("pk")
    link = ContactMoment.needs.through
    rows = (
        link.objects.filter(contactmoment_id__in=moments)
        .values("need_id", "need__name_nl", "need__name_en")
        .annotate(n=Count("contactmoment_id"))
        .order_by("-n", "need__name_nl")[:TOP_NEEDS]
    )
    return [
        {
            "id": row["need_id"],
            "name_nl": row["need__name_nl"],
            "name_en": row["need__name_en"],
            "count": row["n"],
        }
        for row in rows
    ]


def need_name(row: dict[str, Any]) -> str:
    from django.utils import translation

    return str(row["name_en"] if translation.get_language() == "en" else row["name_nl"])
