"""The realisation (``realisation.py``) as plain values for JSON and as a ``Report`` of
tables for XLSX and PDF. Money and hours are strings with two decimals in JSON,
percentages strings with full precision (rounded only for display)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from loket.core.report import Cell, Report, Table, count, hours, money, percent
from loket.programmes.models import CENT, cents

if TYPE_CHECKING:
    from loket.programmes.realisation import (
        Comparison,
        Figures,
        FunderRow,
        LineRow,
        Measure,
        Realisation,
    )

# Measure names in JSON (the same as the figures' keys).
JSON_MEASURES = {
    "hours": "hours",
    "total": "total",
    "started": "trajectories_started",
    "completed": "trajectories_completed",
    "paid": "vouchers_paid",
}


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def rule_lines(result: Realisation) -> list[str]:
    """How over- and under-spend are decided, for the page and the downloads."""
    return [
        _(
            "Overschreden: er is tot en met het gekozen kwartaal meer gerealiseerd dan gepland "
            "(meer dan 100 %), of er is iets gerealiseerd waarvoor niets gepland was."
        ),
        _(
            "Achter: het gerealiseerde deel van de planning ligt meer dan %(margin)s "
            "procentpunt onder het verwachte deel. Verwacht is het deel van het planjaar dat "
            "aan het eind van het kwartaal voorbij is, in maanden binnen de looptijd van het "
            "programma; voor %(period)s is dat %(expected)s van het jaarplan."
        )
        % {
            "margin": 10,
            "period": quarter_label(result.year, result.quarter),
            "expected": _percent_text(result.expected_percent),
        },
        _(
            "Uren tellen bij de planregel van hun activiteit, organisatie en jaar; trajecten "
            "bij de planregel van hun regeling in het jaar waarin ze startten. Betaalde "
            "vouchers tellen incl. btw bij de financier van de regeling, de eigen bijdrage "
            "incl. btw bij de ondernemers. Andere out-of-pocketkosten worden niet in Loket "
            "geregistreerd en tellen gerealiseerd als nul."
        ),
    ]


def _percent_text(value: Decimal) -> str:
    from loket.core import numbers

    return numbers.percent(value)


# --- JSON ----------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return str(cents(value))


def _hours(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _share(value: Decimal | None) -> str | None:
    if value is None:
        return None
    # Plain notation, never an exponent ("50", not "5E+1").
    return format(value.normalize(), "f") if value else "0"


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "hours": _hours(figures.hours),
        "hours_amount": _money(figures.hours_amount),
        "out_of_pocket_incl_vat": _money(figures.out_of_pocket_incl_vat),
        "total": _money(figures.total),
        "trajectories_started": figures.started,
        "trajectories_completed": figures.completed,
        "vouchers_paid": figures.paid,
    }


def _measure(found: Measure) -> dict[str, Any]:
    return {
        "percent": _share(found.percent),
        "expected_percent": _share(found.expected_percent),
        "status": found.status or "ok",
    }


def _comparison(item: Comparison) -> dict[str, Any]:
    return {
        "planned": _figures(item.planned),
        "quarter": _figures(item.quarter),
        "cumulative": _figures(item.cumulative),
        "measures": {JSON_MEASURES[m]: _measure(v) for m, v in item.measures.items()},
    }


def _line(row: LineRow) -> dict[str, Any]:
    return {
        "plan_line_id": row.line.pk if row.line is not None else None,
        "in_plan": row.line is not None,
        "year": row.year,
        "activity_type": row.activity_type or None,
        "organisation": row.organisation or None,
        "scheme": row.scheme.name if row.scheme is not None else None,
        "description": row.description,
        **_comparison(row),
    }


def _funder(row: FunderRow) -> dict[str, Any]:
    return {
        "funder_id": row.funder.pk if row.funder is not None else None,
        "name": row.name,
        "kind": row.funder.kind if row.funder is not None else None,
        **_comparison(row),
    }


def as_dict(result: Realisation) -> dict[str, Any]:
    return {
        "programme": {"id": result.programme.pk, "name": result.programme.name},
        "year": result.year,
        "quarter": result.quarter,
        "quarter_starts_on": result.quarter_starts_on,
        "quarter_ends_on": result.quarter_ends_on,
        "cumulative_from": result.cumulative_from,
        "expected_percent": _share(result.expected_percent),
        "lines": [_line(row) for row in result.lines],
        "per_funder": [_funder(row) for row in result.per_funder],
        "totals": _comparison(result.totals),
        "to_date": {
            "per_funder": [_funder(row) for row in result.to_date_per_funder],
            "totals": _comparison(result.to_date_totals),
        },
        "problems": list(result.problems),
    }


# --- XLSX / PDF ----------------------------------------------------------------------


def percent_cell(found: Measure) -> Cell:
    """The realised percentage, with the flag as colour and word."""
    if found.percent is None:
        return Cell(_("niet gepland"), "text", found.status) if found.status else Cell("")
    return percent(found.percent, found.status)


def signals(item: Comparison, measures: Sequence[str]) -> str:
    """The flags of a row in words ("uren: overschreden; bedrag: achter"), so that a
    spreadsheet, which shows the percentages as numbers, carries the word as well."""
    words = {"over": _("overschreden"), "under": _("achter")}
    labels = {
        "hours": _("uren"),
        "total": _("bedrag"),
        "started": _("gestart"),
        "completed": _("afgerond"),
        "paid": _("betaald"),
    }
    found = [(m, item.measure(m).status) for m in measures]
    return "; ".join(f"{labels[m]}: {words[status]}" for m, status in found if status)


def _line_label(row: LineRow) -> str:
    if row.line is None:
        return _("%(label)s (niet in het plan)") % {"label": row.label}
    return row.label


def report(result: Realisation) -> Report:
    period = quarter_label(result.year, result.quarter)
    now = _("Q%(quarter)s") % {"quarter": result.quarter}
    to = _("t/m Q%(quarter)s") % {"quarter": result.quarter}

    def funder_rows(rows: list[FunderRow]) -> list[Sequence[Any]]:
        return [
            [
                row.name,
                hours(row.planned.hours),
                hours(row.quarter.hours),
                hours(row.cumulative.hours),
                percent_cell(row.measure("hours")),
                money(row.planned.total),
                money(row.quarter.total),
                money(row.cumulative.total),
                percent_cell(row.measure("total")),
                signals(row, ("hours", "total")),
            ]
            for row in rows
        ]

    def funder_total(item: Comparison) -> list[Any]:
        return [
            _("Totaal"),
            hours(item.planned.hours),
            hours(item.quarter.hours),
            hours(item.cumulative.hours),
            percent_cell(item.measure("hours")),
            money(item.planned.total),
            money(item.quarter.total),
            money(item.cumulative.total),
            percent_cell(item.measure("total")),
            signals(item, ("hours", "total")),
        ]

    funder_columns = [
        _("Financier"),
        _("Uren gepland"),
        _("Uren %(period)s") % {"period": now},
        _("Uren %(period)s") % {"period": to},
        _("Uren % van gepland"),
        _("Bedrag gepland"),
        _("Bedrag %(period)s") % {"period": now},
        _("Bedrag %(period)s") % {"period": to},
        _("Bedrag % van gepland"),
        _("Signaal"),
    ]
    to_date = Table(
        title=_("Per financier sinds de start"),
        columns=[
            _("Financier"),
            _("Uren gepland"),
            _("Uren gerealiseerd"),
            _("Uren % van gepland"),
            _("Bedrag gepland"),
            _("Bedrag gerealiseerd"),
            _("Bedrag % van gepland"),
            _("Trajecten gepland"),
            _("Trajecten gestart"),
            _("Trajecten % van gepland"),
            _("Signaal"),
        ],
        rows=[_to_date_row(row.name, row) for row in result.to_date_per_funder],
        totals=[_to_date_row(_("Totaal"), result.to_date_totals)],
        note=_(
            "Gepland: de planregels van %(first)s tot en met %(year)s; gerealiseerd: vanaf de "
            "start van het programma tot en met %(period)s."
        )
        % {"first": result.programme.starts_on.year, "year": result.year, "period": period},
    )
    lines = Table(
        title=_("Planregels %(year)s") % {"year": result.year},
        columns=[
            _("Activiteit"),
            _("Organisatie"),
            _("Uren gepland"),
            _("Uren %(period)s") % {"period": now},
            _("Uren %(period)s") % {"period": to},
            _("Uren % van gepland"),
            _("Bedrag gepland"),
            _("Bedrag %(period)s") % {"period": now},
            _("Bedrag %(period)s") % {"period": to},
            _("waarvan out-of-pocket"),
            _("Bedrag % van gepland"),
            _("Signaal"),
        ],
        rows=[
            [
                _line_label(row),
                row.organisation,
                hours(row.planned.hours),
                hours(row.quarter.hours),
                hours(row.cumulative.hours),
                percent_cell(row.measure("hours")),
                money(row.planned.total),
                money(row.quarter.total),
                money(row.cumulative.total),
                money(row.cumulative.out_of_pocket_incl_vat),
                percent_cell(row.measure("total")),
                signals(row, ("hours", "total")),
            ]
            for row in result.lines
        ],
        totals=[
            [
                _("Totaal"),
                "",
                hours(result.totals.planned.hours),
                hours(result.totals.quarter.hours),
                hours(result.totals.cumulative.hours),
                percent_cell(result.totals.measure("hours")),
                money(result.totals.planned.total),
                money(result.totals.quarter.total),
                money(result.totals.cumulative.total),
                money(result.totals.cumulative.out_of_pocket_incl_vat),
                percent_cell(result.totals.measure("total")),
                signals(result.totals, ("hours", "total")),
            ]
        ],
    )
    counts = Table(
        title=_("Trajecten en vouchers %(year)s") % {"year": result.year},
        columns=[
            _("Regeling"),
            _("Planregel"),
            _("Gepland"),
            _("Gestart %(period)s") % {"period": now},
            _("Gestart %(period)s") % {"period": to},
            _("Gestart % van gepland"),
            _("Afgerond %(period)s") % {"period": now},
            _("Afgerond %(period)s") % {"period": to},
            _("Afgerond % van gepland"),
            _("Vouchers betaald %(period)s") % {"period": now},
            _("Vouchers betaald %(period)s") % {"period": to},
            _("Betaald % van gepland"),
            _("Signaal"),
        ],
        rows=[
            [
                row.scheme.name if row.scheme is not None else "",
                _line_label(row) if row.line is not None else _("niet in het plan"),
                count(row.planned.started),
                count(row.quarter.started),
                count(row.cumulative.started),
                percent_cell(row.measure("started")),
                count(row.quarter.completed),
                count(row.cumulative.completed),
                percent_cell(row.measure("completed")),
                count(row.quarter.paid),
                count(row.cumulative.paid),
                percent_cell(row.measure("paid")),
                signals(row, ("started", "completed", "paid")),
            ]
            for row in result.scheme_lines
        ],
    )
    return Report(
        title=_("Realisatie %(programme)s %(period)s")
        % {"programme": result.programme.name, "period": period},
        subtitle=_(
            "Gepland tegenover gerealiseerd: %(period)s (%(first)s t/m %(last)s) en "
            "cumulatief vanaf %(start)s. Bedragen excl. btw voor uren, out-of-pocket incl. btw."
        )
        % {
            "period": period,
            "first": result.quarter_starts_on.strftime("%d-%m-%Y"),
            "last": result.quarter_ends_on.strftime("%d-%m-%Y"),
            "start": result.cumulative_from.strftime("%d-%m-%Y"),
        },
        tables=[
            Table(
                title=_("Per financier %(year)s") % {"year": result.year},
                columns=funder_columns,
                rows=funder_rows(result.per_funder),
                totals=[funder_total(result.totals)],
            ),
            to_date,
            lines,
            counts,
        ],
        notes=[*rule_lines(result), *result.problems],
    )


def _to_date_row(name: str, item: Comparison) -> list[Any]:
    return [
        name,
        hours(item.planned.hours),
        hours(item.cumulative.hours),
        percent_cell(item.measure("hours")),
        money(item.planned.total),
        money(item.cumulative.total),
        percent_cell(item.measure("total")),
        count(item.planned.started),
        count(item.cumulative.started),
        percent_cell(item.measure("started")),
        signals(item, ("hours", "total", "started")),
    ]
