"""The dashboard's data (``dashboard.dashboard_data``) as what a person reads: one table
per chart (the accessible alternative to the chart, and the rows of its CSV/XLSX
export), the chart's data for Chart.js and a one-sentence summary for its aria-label.

A table is ``Table(key, caption, headers, rows)``; a cell is ``Cell(text, value, url)``:
``text`` the Dutch display, ``value`` what the export writes (an exact Decimal, an int,
text or None), ``url`` the records behind a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from loket.core import numbers
from loket.monitoring.figures import format_value

# Export keys (``?export=<key>``) of the charts that are not per action line.
CHARTS = ("realisatie", "indicatoren", "bereik", "nieuw", "behoeften", "tevredenheid")


def status_word(status: str) -> str:
    words = {"reached": _("behaald"), "on_track": _("op koers"), "behind": _("achter")}
    return str(words.get(status, ""))


@dataclass
class Cell:
    text: str
    value: Any = None
    url: str | None = None
    numeric: bool = False


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    row_headers: bool = True  # the first cell of a row is its header (th scope="row")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _figure(text: str | None, measure: str, url: str | None = None) -> Cell:
    value = _decimal(text)
    shown = format_value(value, measure) if value is not None else "–"
    return Cell(shown, value, url if value is not None else None, numeric=True)


def _count(value: Any, url: str | None = None) -> Cell:
    number = Decimal(str(value))
    return Cell(numbers.number(number, 0), number, url, numeric=True)


def _float(text: str | None) -> float | None:
    return None if text is None else float(text)


def realisation_series(line: dict[str, Any], period: str) -> Table:
    """An action line's indicators per quarter: rows quarters, columns indicators."""
    indicators = line["indicators"]
    table = Table(
        key=f"realisatie-{line['id']}",
        caption=_("%(line)s: gerealiseerd per kwartaal tot en met %(period)s")
        % {"line": line["name"], "period": period},
        headers=[_("Kwartaal"), *[i["name"] for i in indicators]],
    )
    labels = [point["label"] for point in indicators[0]["series"]] if indicators else []
    for index, quarter in enumerate(labels):
        row = [Cell(quarter, quarter)]
        for indicator in indicators:
            point = indicator["series"][index]
            row.append(_figure(point["value"], indicator["measure"], point["url"]))
        table.rows.append(row)
    return table


def indicator_rows(lines: list[dict[str, Any]], period: str, key: str = "indicatoren") -> Table:
    table = Table(
        key=key,
        caption=_("Stand van de indicatoren in %(period)s") % {"period": period},
        headers=[
            _("Indicator"),
            _("Actielijn"),
            _("Doel"),
            _("Dit kwartaal"),
            _("Cumulatief"),
            _("% van doel"),
            _("Status"),
        ],
    )
    for line in lines:
        for indicator in line["indicators"]:
            target = indicator["target"]
            percent = _decimal(indicator["percent"])
            table.rows.append(
                [
                    Cell(indicator["name"], indicator["name"]),
                    Cell(line["name"], line["name"]),
                    Cell(target["text"] if target else "–", target["text"] if target else None),
                    _figure(indicator["quarter"], indicator["measure"], indicator["quarter_url"]),
                    _figure(
                        indicator["cumulative"], indicator["measure"], indicator["cumulative_url"]
                    ),
                    Cell(numbers.percent(percent) if percent is not None else "–", percent),
                    Cell(
                        status_word(indicator["status"])
                        or (_("te weinig antwoorden") if indicator["suppressed"] else "–"),
                        status_word(indicator["status"]) or None,
                    ),
                ]
            )
    return table


def line_indicators(line: dict[str, Any], period: str) -> Table:
    table = indicator_rows([line], period, key=f"indicatoren-{line['id']}")
    table.caption = _("%(line)s: stand in %(period)s") % {"line": line["name"], "period": period}
    table.headers.pop(1)
    for row in table.rows:
        row.pop(1)
    return table


def realisation_long(lines: list[dict[str, Any]]) -> Table:
    """Every indicator's series in one list (the export of the realisation charts)."""
    table = Table(
        key="realisatie",
        caption=_("Gerealiseerd per kwartaal"),
        headers=[_("Actielijn"), _("Indicator"), _("Kwartaal"), _("Gerealiseerd"), _("Doel")],
    )
    for line in lines:
        for indicator in line["indicators"]:
            target = indicator["target"]["text"] if indicator["target"] else None
            for point in indicator["series"]:
                table.rows.append(
                    [
                        Cell(line["name"], line["name"]),
                        Cell(indicator["name"], indicator["name"]),
                        Cell(point["label"], point["label"]),
                        _figure(point["value"], indicator["measure"], point["url"]),
                        Cell(target or "", target),
                    ]
                )
    return table


def reach(data: dict[str, Any]) -> Table:
    period = data["period"]["label"]
    table = Table(
        key="bereik",
        caption=_(
            "Unieke bedrijven bereikt per gemeente in %(period)s en in %(year)s tot en met "
            "%(period)s"
        )
        % {"period": period, "year": data["year"]},
        headers=[
            _("Gemeente"),
            _("In %(period)s") % {"period": period},
            _("In %(year)s t/m %(period)s") % {"year": data["year"], "period": period},
        ],
    )
    for row in data["reach"]["rows"]:
        name = row["municipality"] or _("Gemeente onbekend")
        table.rows.append(
            [
                Cell(name, name),
                _count(row["quarter"], row["quarter_url"]),
                _count(row["year"], row["year_url"]),
            ]
        )
    return table


def newness(data: dict[str, Any]) -> Table:
    table = Table(
        key="nieuw",
        caption=_("Nieuwe en bekende bedrijven per kwartaal van %(year)s") % {"year": data["year"]},
        headers=[_("Kwartaal"), _("Nieuw"), _("Bekend"), _("Totaal bereikt")],
    )
    for row in data["newness"]:
        table.rows.append(
            [
                Cell(row["label"], row["label"]),
                _count(row["new"], row["new_url"]),
                _count(row["known"], row["known_url"]),
                _count(row["reached"]),
            ]
        )
    return table


def needs(data: dict[str, Any]) -> Table:
    table = Table(
        key="behoeften",
        caption=_("De vijf meest gehoorde behoeften in %(period)s")
        % {"period": data["period"]["label"]},
        headers=[_("Behoefte"), _("Aantal contactmomenten")],
    )
    for row in data["needs"]:
        table.rows.append([Cell(row["need"], row["need"]), _count(row["count"], row["url"])])
    return table


def satisfaction(data: dict[str, Any]) -> Table:
    table = Table(
        key="tevredenheid",
        caption=_(
            "Gemiddeld rapportcijfer per kwartaal (alleen getoond bij %(n)s of meer antwoorden)"
        )
        % {"n": data["threshold"]},
        headers=[_("Kwartaal"), _("Gemiddeld cijfer"), _("Antwoorden")],
    )
    for row in data["satisfaction"]:
        average = _decimal(row["average"])
        if average is not None:
            mark = Cell(numbers.number(average, 1), average, numeric=True)
        elif row["suppressed"]:
            mark = Cell(_("niet getoond: minder dan %(n)s antwoorden") % {"n": data["threshold"]})
        else:
            mark = Cell("–")
        table.rows.append(
            [
                Cell(row["label"], row["label"]),
                mark,
                _count(row["answers"], row["url"] if row["answers"] else None),
            ]
        )
    return table


def export_table(data: dict[str, Any], key: str) -> Table | None:
    """The table behind the export ``key`` (None: no such chart)."""
    period = data["period"]["label"]
    builders = {
        "realisatie": lambda: realisation_long(data["realisation"]),
        "indicatoren": lambda: indicator_rows(data["realisation"], period),
        "bereik": lambda: reach(data),
        "nieuw": lambda: newness(data),
        "behoeften": lambda: needs(data),
        "tevredenheid": lambda: satisfaction(data),
    }
    builder = builders.get(key)
    return builder() if builder else None


# --- charts ---------------------------------------------------------------------------


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """The data each canvas draws, by canvas id (numbers as floats, None for a gap)."""
    out: dict[str, Any] = {}
    for line in data["realisation"]:
        indicators = line["indicators"]
        labels = [p["label"] for p in indicators[0]["series"]] if indicators else []
        out[f"chart-realisatie-{line['id']}"] = {
            "type": "line",
            "labels": labels,
            "datasets": [
                {
                    "label": _indicator_legend(indicator),
                    "data": [_float(p["value"]) for p in indicator["series"]],
                }
                for indicator in indicators
            ],
        }
    reach_rows = data["reach"]["rows"]
    out["chart-bereik"] = {
        "type": "bar",
        "horizontal": True,
        "labels": [r["municipality"] or _("Gemeente onbekend") for r in reach_rows],
        "datasets": [
            {"label": data["period"]["label"], "data": [float(r["quarter"]) for r in reach_rows]},
            {
                "label": _("%(year)s t/m %(period)s")
                % {"year": data["year"], "period": data["period"]["label"]},
                "data": [float(r["year"]) for r in reach_rows],
            },
        ],
    }
    out["chart-nieuw"] = {
        "type": "bar",
        "stacked": True,
        "labels": [r["label"] for r in data["newness"]],
        "datasets": [
            {"label": _("Nieuw"), "data": [float(r["new"]) for r in data["newness"]]},
            {"label": _("Bekend"), "data": [float(r["known"]) for r in data["newness"]]},
        ],
    }
    out["chart-behoeften"] = {
        "type": "bar",
        "horizontal": True,
        "labels": [r["need"] for r in data["needs"]],
        "datasets": [
            {"label": _("Contactmomenten"), "data": [float(r["count"]) for r in data["needs"]]}
        ],
    }
    out["chart-tevredenheid"] = {
        "type": "line",
        "min": 1,
        "max": 10,
        "labels": [r["label"] for r in data["satisfaction"]],
        "datasets": [
            {
                "label": _("Gemiddeld cijfer"),
                "data": [_float(r["average"]) for r in data["satisfaction"]],
            }
        ],
    }
    return out


def _indicator_legend(indicator: dict[str, Any]) -> str:
    if indicator["target"]:
        return _("%(name)s (doel %(target)s)") % {
            "name": indicator["name"],
            "target": indicator["target"]["text"],
        }
    return str(indicator["name"])


# --- summaries for the aria-labels -----------------------------------------------------


def summaries(data: dict[str, Any]) -> dict[str, str]:
    period = data["period"]["label"]
    out: dict[str, str] = {}
    for line in data["realisation"]:
        parts = []
        for indicator in line["indicators"]:
            value = _decimal(indicator["cumulative"])
            text = format_value(value, indicator["measure"]) if value is not None else "–"
            status = status_word(indicator["status"])
            target = indicator["target"]["text"] if indicator["target"] else _("geen doel")
            parts.append(
                _("%(name)s %(value)s van %(target)s%(status)s")
                % {
                    "name": indicator["name"],
                    "value": text,
                    "target": target,
                    "status": f" ({status})" if status else "",
                }
            )
        out[f"chart-realisatie-{line['id']}"] = _(
            "Lijngrafiek: %(line)s per kwartaal tot en met %(period)s. Cumulatief: %(parts)s."
        ) % {"line": line["name"], "period": period, "parts": "; ".join(parts)}
    reach_rows = data["reach"]["rows"]
    if reach_rows:
        top = reach_rows[0]
        out["chart-bereik"] = _(
            "Staafgrafiek: bereikte bedrijven in %(n)s gemeenten; de meeste in %(name)s "
            "(%(year)s dit jaar)."
        ) % {
            "n": len(reach_rows),
            "name": top["municipality"] or _("Gemeente onbekend"),
            "year": top["year"],
        }
    else:
        out["chart-bereik"] = _("Staafgrafiek: geen bedrijven bereikt in deze periode.")
    out["chart-nieuw"] = _(
        "Gestapelde staafgrafiek: nieuwe en bekende bedrijven per kwartaal: %(parts)s."
    ) % {
        "parts": "; ".join(
            _("%(label)s %(new)s nieuw, %(known)s bekend")
            % {"label": r["label"], "new": r["new"], "known": r["known"]}
            for r in data["newness"]
        )
        or "–"
    }
    out["chart-behoeften"] = _(
        "Staafgrafiek: meest gehoorde behoeften in %(period)s: %(parts)s."
    ) % {
        "period": period,
        "parts": ", ".join(f"{r['need']} {r['count']}" for r in data["needs"]) or "–",
    }
    shown = [r for r in data["satisfaction"] if r["average"] is not None]
    if shown:
        last = shown[-1]
        out["chart-tevredenheid"] = _(
            "Lijngrafiek: gemiddeld rapportcijfer per kwartaal; het laatst getoonde is "
            "%(mark)s in %(label)s."
        ) % {"mark": numbers.number(Decimal(last["average"]), 1), "label": last["label"]}
    else:
        out["chart-tevredenheid"] = _(
            "Lijngrafiek: nog geen kwartaal met %(n)s of meer antwoorden."
        ) % {"n": data["threshold"]}
    return out
