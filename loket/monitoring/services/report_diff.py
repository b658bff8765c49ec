"""What changed between two versions of a report's data (``ReportVersion.data``).

``diff(old, new)`` -> a list of changes, each ``{"section", "item", "field", "old",
"new"}`` with texts ready to show (numbers the Dutch way):

- indicators (by id): target, this quarter, cumulative, % of target; an indicator added
  or removed;
- narratives per action line: "gewijzigd" (the texts themselves are in both versions;
  a summary is enough to know where to look), also for an organisation's part;
- satisfaction: answers, invitations sent, response rate, average mark;
- business cases: their number and the expected and realised totals;
- financing: each total cell that differs, by its column.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from loket.core import numbers


def _num(value: Any, unit: str = "count") -> str:
    if value is None or value == "":
        return "-"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if unit == "money":
        return numbers.euro(number)
    if unit == "hours":
        return numbers.hours(number)
    if unit == "percent":
        return numbers.percent(number)
    places = 0 if number == number.to_integral() else (1 if unit in ("mark", "count") else 2)
    return numbers.number(number, places)


def _change(section: str, item: str, field: str, old: str, new: str) -> dict[str, str]:
    return {"section": section, "item": item, "field": field, "old": old, "new": new}


def _indicators(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    section = str(_("Indicatoren"))
    before = {row["id"]: row for row in old.get("indicators") or []}
    after = {row["id"]: row for row in new.get("indicators") or []}
    out = []
    for key, row in after.items():
        unit = row.get("unit", "count")
        if key not in before:
            out.append(_change(section, row["name"], str(_("indicator")), "-", str(_("nieuw"))))
            continue
        was = before[key]
        fields = (
            (str(_("doel")), lambda r: (r.get("target") or {}).get("text") or "-"),
            (str(_("dit kwartaal")), lambda r, u=unit: _num(r.get("quarter"), u)),
            (str(_("cumulatief")), lambda r, u=unit: _num(r.get("cumulative"), u)),
            (str(_("% van doel")), lambda r: _num(r.get("percent"), "percent")),
        )
        for label, read in fields:
            if read(was) != read(row):
                out.append(_change(section, row["name"], label, read(was), read(row)))
    for key, row in before.items():
        if key not in after:
            out.append(_change(section, row["name"], str(_("indicator")), str(_("vervallen")), "-"))
    return out


def _narratives(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    section = str(_("Toelichting"))
    changed = str(_("gewijzigd"))
    before = {n["action_line_id"]: n for n in old.get("narratives") or []}
    out = []
    for item in new.get("narratives") or []:
        was = before.get(item["action_line_id"], {})
        if (was.get("html") or "") != (item.get("html") or ""):
            out.append(_change(section, item["action_line"], str(_("tekst")), "", changed))
        parts_before = {p["organisation"]: p["html"] for p in was.get("parts") or []}
        for part in item.get("parts") or []:
            if parts_before.get(part["organisation"], "") != part["html"]:
                out.append(
                    _change(
                        section,
                        item["action_line"],
                        _("tekst van %(organisation)s") % {"organisation": part["organisation"]},
                        "",
                        changed,
                    )
                )
    return out


def _fields(
    section: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    fields: list[tuple[str, str, str]],
) -> list[dict[str, str]]:
    old, new = old or {}, new or {}
    out = []
    for key, label, unit in fields:
        a, b = _num(old.get(key), unit), _num(new.get(key), unit)
        if a != b:
            out.append(_change(section, section, label, a, b))
    return out


def _financing(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    section = str(_("Financiering"))
    before = (old.get("financing") or {}).get("totals") or []
    after = (new.get("financing") or {}).get("totals") or []
    columns = (new.get("financing") or {}).get("columns") or []
    out = []
    for row_before, row_after in zip(before, after, strict=False):
        for index, (a, b) in enumerate(zip(row_before, row_after, strict=False)):
            if index and a != b:
                label = columns[index] if index < len(columns) else str(index)
                out.append(_change(section, str(_("Totaal")), label, a or "-", b or "-"))
    return out


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """The changes from ``old`` to ``new`` (two versions' data), in the report's order."""
    satisfaction = [
        ("answers", str(_("antwoorden")), "count"),
        ("sent", str(_("uitnodigingen verstuurd")), "count"),
        ("response_rate", str(_("respons")), "percent"),
        ("average", str(_("gemiddeld cijfer")), "mark"),
    ]
    business = [
        ("count", str(_("aantal")), "count"),
        ("expected_turnover", str(_("verwachte extra omzet")), "money"),
        ("realised_turnover", str(_("gerealiseerde extra omzet")), "money"),
        ("expected_value", str(_("verwachte toegevoegde waarde")), "money"),
        ("realised_value", str(_("gerealiseerde toegevoegde waarde")), "money"),
        ("expected_fte", str(_("verwachte banen (fte)")), "count"),
        ("realised_fte", str(_("gerealiseerde banen (fte)")), "count"),
    ]
    return [
        *_indicators(old, new),
        *_narratives(old, new),
        *_fields(
            str(_("Tevredenheid")), old.get("satisfaction"), new.get("satisfaction"), satisfaction
        ),
        *_fields(
            str(_("Businesscases")), old.get("business_cases"), new.get("business_cases"), business
        ),
        *_financing(old, new),
    ]
