"""Formats for the portal's pages: amounts in euro as the Dutch write them."""

from __future__ import annotations

from typing import Any

from django import template

from loket.core import numbers

register = template.Library()


@register.filter
def euro(value: Any) -> str:
    """Decimal('1234.5') -> '€ 1.234,50' in every language (the data is Dutch); '' for none."""
    return numbers.euro(value)
