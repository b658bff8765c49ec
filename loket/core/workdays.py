"""Working days: weekends and Dutch public holidays do not count towards a deadline."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _dutch_holidays(year: int) -> frozenset[dt.date]:
    days = holidays.country_holidays("NL", years=year)
    return frozenset(days.keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """The deadline ``days`` working days after ``moment``.

    On a working day the clock keeps its time: a question at 10:00 on Friday with one
    working day is due at 10:00 on Monday. A question that arrives on a weekend or a
    holiday is due at 17:00 on the ``days``-th working day that follows.
    """
    current = moment
    remaining = days
    if not is_working_day(current.date()):
        while not is_working_day(current.date()):
            current = current + dt.timedelta(days=1)
        current = current.replace(hour=17, minute=0, second=0, microsecond=0)
        remaining = max(days - 1, 0)
    while remaining > 0:
        current = current + dt.timedelta(days=1)
        if is_working_day(current.date()):
            remaining -= 1
    return current
