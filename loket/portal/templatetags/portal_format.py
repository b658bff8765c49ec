"""Formats for the portal's pages: amounts in euro as the Dutch write them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.numberformat import format as number_format

register = template.Library()


@register.filter
def euro(value: Any) -> str:
    """Decimal('1234.5') -> '€ 1.234,50' in every language (the data is Dutch); '' for none."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return "€ " + number_format(
        amount, ",", decimal_pos=2, grouping=3, thousand_sep=".", force_grouping=True
    )
