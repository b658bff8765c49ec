"""The rows of the satisfaction and business-case sections, shared by PDF and XLSX: raw
values with their kind, formatted (PDF) or typed (XLSX) by the caller."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from loket.monitoring.render.common import items, mapping, text

Row = tuple[str, Any, str]  # label, raw value, kind (count, percent, mark, money, fte)


def satisfaction_rows(
    found: Mapping[str, Any],
) -> tuple[list[Row], list[tuple[str, Any]], list[tuple[str, list[str]]]]:
    """(summary rows, recommend counts, comment lists); the last two empty when suppressed."""
    summary: list[Row] = [
        (_("Antwoorden"), found.get("answers"), "count"),
        (_("Verstuurd"), found.get("sent"), "count"),
        (_("Respons"), found.get("response_rate"), "percent"),
    ]
    if found.get("suppressed"):
        return summary, [], []
    summary.append((_("Gemiddeld cijfer"), found.get("average"), "mark"))
    recommend = mapping(found.get("recommend"))
    words = [("yes", _("Ja")), ("maybe", _("Misschien")), ("no", _("Nee"))]
    recommended = [(word, recommend.get(key) or 0) for key, word in words] if recommend else []
    comments = mapping(found.get("comments"))
    lists = [
        (_("Wat hielp"), [text(t) for t in items(comments.get("helped")) if text(t).strip()]),
        (_("Wat kan beter"), [text(t) for t in items(comments.get("improve")) if text(t).strip()]),
    ]
    return summary, recommended, [(heading, texts) for heading, texts in lists if texts]


ROW_FIELDS = [
    ("title", "text"),
    ("company", "text"),
    ("started_on", "date"),
    ("expected_turnover", "money"),
    ("realised_turnover", "money"),
    ("expected_value", "money"),
    ("realised_value", "money"),
    ("expected_fte", "fte"),
    ("realised_fte", "fte"),
]


def business_cases_rows(
    found: Mapping[str, Any],
) -> tuple[list[tuple[str, Any, Any, str]], list[tuple[str, str]], list[list[tuple[Any, str]]]]:
    """(totals: effect, expected, realised, kind), (column header, kind), rows of
    (value, kind)."""
    totals = [
        (_("Extra omzet"), found.get("expected_turnover"), found.get("realised_turnover"), "money"),
        (_("Gecreëerde waarde"), found.get("expected_value"), found.get("realised_value"), "money"),
        (_("Banen (fte)"), found.get("expected_fte"), found.get("realised_fte"), "fte"),
    ]
    headings = [
        _("Titel"),
        _("Bedrijf"),
        _("Gestart"),
        _("Omzet verwacht"),
        _("Omzet gerealiseerd"),
        _("Waarde verwacht"),
        _("Waarde gerealiseerd"),
        _("Fte verwacht"),
        _("Fte gerealiseerd"),
    ]
    header = [(h, kind) for h, (_field, kind) in zip(headings, ROW_FIELDS, strict=True)]
    rows = [
        [(mapping(row).get(name), kind) for name, kind in ROW_FIELDS]
        for row in items(found.get("rows"))
    ]
    return totals, header, rows
