"""The municipality view's figures as the page and the PDF show them: Dutch numbers and
money, labels, and a link to the records behind a figure where the viewer may open them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch

from loket.core import numbers
from loket.monitoring.municipality import FIGURES, spec_for


def figure_text(row: dict[str, Any], which: str) -> str:
    value = Decimal(row[which])
    if row["unit"] == "money":
        return numbers.euro(value)
    return numbers.number(value, 0)


def records_link(programme: dict[str, Any], key: str, municipality_id: int, which: str) -> str:
    """The records page of the figure (quarter or year to date), or "" when the figure is
    not one measure or the records page does not exist."""
    from loket.monitoring.links import spec_records_url

    spec = spec_for(key, municipality_id)
    if spec is None:
        return ""
    start = programme["quarter_start"] if which == "quarter" else programme["ytd_start"]
    try:
        return spec_records_url(programme["id"], spec, start, programme["quarter_end"])
    except NoReverseMatch:
        return ""


def table_rows(
    programme: dict[str, Any], municipality_id: int, linked: bool
) -> list[dict[str, Any]]:
    """The rows of a programme's table: label, texts and (when ``linked``) links."""
    out = []
    for row in programme["figures"]:
        key = row["key"]
        out.append(
            {
                "key": key,
                "label": FIGURES[key][0],
                "quarter": figure_text(row, "quarter"),
                "ytd": figure_text(row, "ytd"),
                "quarter_url": records_link(programme, key, municipality_id, "quarter")
                if linked
                else "",
                "ytd_url": records_link(programme, key, municipality_id, "ytd") if linked else "",
            }
        )
    return out
