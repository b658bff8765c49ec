"""Formatting shared by the PDF and the XLSX: values by unit, status words, dates, the
grouping of indicators per action line. Every reader is lenient: a missing or malformed
part of the data gives an empty cell, never an exception."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.numberformat import format as number_format
from django.utils.translation import gettext as _

from loket.core import numbers

HUNDRED = Decimal(100)
LIMIT = Decimal("1e15")  # beyond any real figure; keeps charts and spreadsheets finite


def dec(value: Any) -> Decimal | None:
    """A Decimal from the data's string (or number); None when empty, not a number or
    absurdly large."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() and abs(result) < LIMIT else None


def plain(value: Any, places: int = 0) -> str:
    """Decimal('1234.56'), 1 -> '1.234,6'; '' for none."""
    amount = dec(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(
        amount, ",", decimal_pos=places, grouping=3, thousand_sep=".", force_grouping=True
    )


def value_text(value: Any, unit: str) -> str:
    """A figure the Dutch way by its unit: count, hours, money, mark, percent."""
    if dec(value) is None:
        return ""
    if unit == "money":
        return numbers.euro(value)
    if unit == "hours":
        return numbers.hours(value)
    if unit == "percent":
        return numbers.percent(value)
    if unit in ("mark", "fte"):
        return plain(value, 1)
    return plain(value, 0)


def status_word(status: Any) -> str:
    words = {"reached": _("behaald"), "on_track": _("op koers"), "behind": _("achter")}
    return words.get(str(status or ""), "")


def target_text(target: Any, unit: str = "count") -> str:
    """The target by its unit ("150", "5-10", "€ 250.000,00"); the data's own text when
    its minimum is not a number."""
    if not isinstance(target, Mapping):
        return ""
    minimum, maximum = dec(target.get("minimum")), dec(target.get("maximum"))
    if minimum is None:
        return str(target.get("text") or "")
    shown = value_text(minimum, unit)
    if maximum is not None and maximum != minimum:
        shown += "-" + value_text(maximum, unit)
    return shown


def target_period(target: Any) -> str:
    if not isinstance(target, Mapping):
        return ""
    periods = {
        "year": _("per jaar"),
        "quarter": _("per kwartaal"),
        "programme": _("programmaperiode"),
    }
    return periods.get(str(target.get("period") or ""), "")


def date_text(value: Any) -> str:
    """'2026-02-03' -> '03-02-2026'; the input itself when it is not an ISO date."""
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return str(value)


def generated_at(data: Mapping[str, Any]) -> dt.datetime:
    """The moment the data was made (the files' creation date); 2000-01-01 when absent."""
    try:
        moment = dt.datetime.fromisoformat(str(data.get("generated_at") or ""))
    except ValueError:
        moment = dt.datetime(2000, 1, 1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def moment_text(data: Mapping[str, Any]) -> str:
    """The generated date as '02-04-2026 10:00' in the data's own zone."""
    if not data.get("generated_at"):
        return ""
    return generated_at(data).strftime("%d-%m-%Y %H:%M")


def items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def text(value: Any) -> str:
    return "" if value is None else str(value)


def title(data: Mapping[str, Any]) -> str:
    return text(data.get("title")) or _("Rapportage")


def organisation_text(data: Mapping[str, Any]) -> str:
    organisation = mapping(data.get("organisation"))
    return text(organisation.get("name")) or _("samengevoegd")


def period_text(data: Mapping[str, Any]) -> str:
    period = mapping(data.get("period"))
    label = text(period.get("label"))
    start, end = date_text(period.get("start")), date_text(period.get("end"))
    if start and end:
        span = _("%(start)s t/m %(end)s") % {"start": start, "end": end}
        return f"{label} ({span})" if label else span
    return label


def kind_text(data: Mapping[str, Any]) -> str:
    return _("Eindrapportage") if data.get("kind") == "final" else _("Kwartaalrapportage")


def action_lines(data: Mapping[str, Any]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """The indicators grouped by action line, in the order of the data."""
    groups: dict[Any, tuple[str, list[Mapping[str, Any]]]] = {}
    for row in items(data.get("indicators")):
        row = mapping(row)
        key = row.get("action_line_id", row.get("action_line"))
        name = text(row.get("action_line")) or _("Zonder actielijn")
        groups.setdefault(key, (name, []))[1].append(row)
    return list(groups.values())


def series_of(data: Mapping[str, Any]) -> dict[Any, list[tuple[str, Decimal | None]]]:
    """indicator id -> [(quarter label, value)]."""
    result: dict[Any, list[tuple[str, Decimal | None]]] = {}
    for entry in items(data.get("series")):
        entry = mapping(entry)
        points = [mapping(p) for p in items(entry.get("points"))]
        result[entry.get("indicator_id")] = [
            (text(p.get("label")), dec(p.get("value"))) for p in points
        ]
    return result


def series_labels(data: Mapping[str, Any]) -> list[str]:
    """Every quarter label of the series, in order of first appearance."""
    seen: dict[str, None] = {}
    for points in series_of(data).values():
        for label, _value in points:
            seen.setdefault(label, None)
    return list(seen)


# The financing table's cells are strings; the kind of a column (for number formats) is
# given by an optional "kinds" list, else guessed from its header.
def financing_kinds(financing: Mapping[str, Any]) -> list[str]:
    columns = [text(c) for c in items(financing.get("columns"))]
    given = [text(k) for k in items(financing.get("kinds"))]
    if len(given) == len(columns):
        return given
    kinds = []
    for index, header in enumerate(columns):
        lower = header.lower()
        if index == 0:
            kinds.append("text")
        elif "%" in lower:
            kinds.append("percent")
        elif any(w in lower for w in ("bedrag", "€", "euro", "amount", "out-of-pocket")):
            kinds.append("money")
        elif any(w in lower for w in ("uren", "hours")):
            kinds.append("hours")
        else:
            kinds.append("count")
    return kinds


def financing_cell(value: Any, kind: str) -> str:
    """A financing cell for the PDF: a plain number string formatted by its column kind,
    anything else (already formatted, a word) as it is."""
    if kind == "text" or dec(value) is None or isinstance(value, bool):
        return text(value)
    if kind == "count":
        amount = dec(value)
        places = 0 if amount == amount.to_integral_value() else 2  # type: ignore[union-attr]
        return plain(value, places)
    return value_text(value, kind)
