"""Quarters of a programme for the realisation (``realisation.py``): the quarters a
programme's period touches, the default one, and the elapsed part of a plan year at the
end of a quarter, in months of that year within the programme period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from loket.programmes.models import Programme


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    first = dt.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    last = dt.date(year, 12, 31) if last_month == 12 else dt.date(year, last_month + 1, 1)
    if last_month != 12:
        last -= dt.timedelta(days=1)
    return first, last


def year_bounds(programme: Programme, year: int) -> tuple[dt.date, dt.date]:
    """First and last day of ``year`` that lie in the programme period."""
    return max(dt.date(year, 1, 1), programme.starts_on), min(
        dt.date(year, 12, 31), programme.ends_on
    )


def year_span(programme: Programme, today: dt.date) -> tuple[int, dt.date, dt.date]:
    """The current year within the programme period (the nearest year outside it), and
    the part of it the programme runs."""
    year = min(max(today.year, programme.starts_on.year), programme.ends_on.year)
    return year, *year_bounds(programme, year)


def quarters(programme: Programme) -> list[tuple[int, int]]:
    """Every (year, quarter) the programme period touches, in order."""
    out = []
    year, quarter = programme.starts_on.year, quarter_of(programme.starts_on)
    end = (programme.ends_on.year, quarter_of(programme.ends_on))
    while (year, quarter) <= end:
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def default_period(
    programme: Programme, today: dt.date, year: int | None = None
) -> tuple[int, int]:
    """Today's quarter when it lies in the programme period; else the nearest one (the
    last quarter of a programme that has ended, the first of one yet to start). With a
    year: the quarter of that year nearest to today within the programme period."""
    first, last = programme.starts_on, programme.ends_on
    if year is not None:
        first = max(first, dt.date(year, 1, 1))
        last = min(last, dt.date(year, 12, 31))
    day = max(min(today, last), first)
    return day.year, quarter_of(day)


def period_problem(programme: Programme, year: int, quarter: int) -> str | None:
    """Why a year and quarter cannot be reported on, or None."""
    if (year, quarter) not in quarters(programme):
        return str(_("Dit kwartaal valt buiten de looptijd van het programma."))
    return None


def elapsed_fraction(programme: Programme, year: int, until: dt.date) -> Decimal:
    """The part of a plan year that has passed on ``until`` (the end of a quarter), in
    months of that year within the programme period (0 to 1, exact)."""
    first, last = year_bounds(programme, year)
    if first > last:  # a line outside the programme period: its calendar year
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    months = last.month - first.month + 1
    if until < first:
        elapsed = 0
    elif until >= last:
        elapsed = months
    else:
        elapsed = until.month - first.month + 1
    return Decimal(elapsed) / Decimal(months)
