"""Template filters for numbers: ``{{ amount|euro }}``, ``{{ hours|hours }}``,
``{{ share|percent }}`` (see ``loket.core.numbers``)."""

from __future__ import annotations

from typing import Any

from django import template

from loket.core import numbers

register = template.Library()


@register.filter
def euro(value: Any) -> str:
    return numbers.euro(value)


@register.filter
def hours(value: Any) -> str:
    return numbers.hours(value)


@register.filter
def percent(value: Any, places: int = 1) -> str:
    return numbers.percent(value, int(places))
