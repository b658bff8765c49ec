"""Numbers as the Dutch write them, in every language (the data is Dutch): money
``€ 1.234,56``, hours ``1.234,5``, percentages ``33,3 %``. Rounding happens here, for
display only; computations keep their exact ``Decimal`` values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.numberformat import format as number_format


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _dutch(amount: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    return number_format(
        amount, ",", decimal_pos=places, grouping=3, thousand_sep=".", force_grouping=True
    )


def euro(value: Any) -> str:
    """Decimal('1234.5') -> '€ 1.234,50'; '' for none."""
    amount = _decimal(value)
    return "" if amount is None else "€ " + _dutch(amount, 2)


def hours(value: Any) -> str:
    """Decimal('1234.50') -> '1.234,5'; whole hours without decimals."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return _dutch(amount, 0)
    text = _dutch(amount, 2)
    return text[:-1] if text.endswith("0") else text


def percent(value: Any, places: int = 1) -> str:
    """Decimal('33.3333') -> '33,3 %'."""
    amount = _decimal(value)
    return "" if amount is None else f"{_dutch(amount, places)} %"


def number(value: Any, places: int = 0) -> str:
    """Decimal('1234.5'), 1 -> '1.234,5'; '' for none."""
    amount = _decimal(value)
    return "" if amount is None else _dutch(amount, places)
