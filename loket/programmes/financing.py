"""The financing overview, computed from the plan: per plan line and per funder the
hours, their amount at the executing organisation's rate and the out-of-pocket costs,
and the grand totals.

Adds up to the cent by construction: a line's hours amount is rounded to the cent once
(hours x rate), then split over its funders by their shares with the largest-remainder
method, so the funders' parts of a line always add up to the line, the funders' totals
to the grand total, and the lines' totals to the grand total. Hours are split the same
way to the hundredth. Shares in percent are kept exact (``Decimal`` fractions) and
rounded only for display. No float anywhere.

Four queries whatever the size of the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext as _

from loket.programmes.models import (
    CENT,
    HUNDRED,
    ZERO,
    Funder,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
    cents,
)


def split(total: Decimal, weights: Sequence[Decimal], quantum: Decimal = CENT) -> list[Decimal]:
    """``total`` split in proportion to ``weights`` in multiples of ``quantum``, adding up
    to exactly ``total`` (largest remainder; ties go to the earlier weight)."""
    weight_sum = sum(weights, ZERO)
    if not weights:
        return []
    if weight_sum == 0 or total == 0:
        return [ZERO for _w in weights]
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    raw = [magnitude * w / weight_sum for w in weights]
    floors = [r.quantize(quantum, rounding=ROUND_DOWN) for r in raw]
    left = int(((magnitude - sum(floors, ZERO)) / quantum).to_integral_value())
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += quantum
    return [sign * part for part in floors]


def rate_for(
    rates: dict[int, list[tuple[int, Decimal]]], organisation_id: int, year: int
) -> Decimal | None:
    """The organisation's rate in a year: the one of the latest year not after it."""
    found = None
    for rate_year, rate in rates.get(organisation_id, ()):
        if rate_year <= year:
            found = rate
    return found


def load_rates(programme: Programme) -> dict[int, list[tuple[int, Decimal]]]:
    rates: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for org_id, year, rate in (
        HourlyRate.objects.filter(programme=programme)
        .order_by("organisation_id", "year")
        .values_list("organisation_id", "year", "rate")
    ):
        rates[org_id].append((year, rate))
    return rates


@dataclass
class FunderPart:
    """One funder's part of one plan line."""

    hours: Decimal = ZERO
    hours_amount: Decimal = ZERO
    out_of_pocket_incl_vat: Decimal = ZERO
    hours_share: Decimal = ZERO  # percent as entered

    @property
    def total(self) -> Decimal:
        return self.hours_amount + self.out_of_pocket_incl_vat


@dataclass
class LineFigures:
    line: PlanLine
    hours: Decimal
    rate: Decimal | None
    hours_amount: Decimal
    parts: dict[int, FunderPart]  # funder id -> part (every funder of the programme)

    @property
    def out_of_pocket_incl_vat(self) -> Decimal:
        return sum((p.out_of_pocket_incl_vat for p in self.parts.values()), ZERO)

    @property
    def total(self) -> Decimal:
        return self.hours_amount + self.out_of_pocket_incl_vat


@dataclass
class FunderTotals:
    funder: Funder
    hours: Decimal = ZERO
    hours_amount: Decimal = ZERO
    out_of_pocket_incl_vat: Decimal = ZERO
    hours_share: Decimal = ZERO  # percent of all hours, exact
    total_share: Decimal = ZERO  # percent of the grand total, exact

    @property
    def total(self) -> Decimal:
        return self.hours_amount + self.out_of_pocket_incl_vat


@dataclass
class Overview:
    programme: Programme
    funders: list[Funder]
    lines: list[LineFigures]
    per_funder: list[FunderTotals]
    hours: Decimal = ZERO
    hours_amount: Decimal = ZERO
    out_of_pocket_incl_vat: Decimal = ZERO
    # What keeps the overview from being complete (a missing rate, shares not 100 %).
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.hours_amount + self.out_of_pocket_incl_vat

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: amounts and hours as strings with two decimals,
        shares as strings with full precision (rounded only for display)."""

        def money(value: Decimal) -> str:
            return str(cents(value))

        def share(value: Decimal) -> str:
            return str(value.normalize()) if value else "0"

        return {
            "programme": {"id": self.programme.pk, "name": self.programme.name},
            "funders": [{"id": f.pk, "name": f.name, "kind": f.kind} for f in self.funders],
            "lines": [
                {
                    "id": lf.line.pk,
                    "year": lf.line.year,
                    "activity_type": lf.line.activity_type.name,
                    "organisation": lf.line.organisation.name,
                    "description": lf.line.description,
                    "count": lf.line.count,
                    "scheme": lf.line.scheme.name if lf.line.scheme is not None else None,
                    "hours": money(lf.hours),
                    "rate": money(lf.rate) if lf.rate is not None else None,
                    "hours_amount": money(lf.hours_amount),
                    "out_of_pocket_incl_vat": money(lf.out_of_pocket_incl_vat),
                    "total": money(lf.total),
                    "funders": [
                        {
                            "funder_id": funder_id,
                            "hours_share": share(part.hours_share),
                            "hours": money(part.hours),
                            "hours_amount": money(part.hours_amount),
                            "out_of_pocket_incl_vat": money(part.out_of_pocket_incl_vat),
                            "total": money(part.total),
                        }
                        for funder_id, part in lf.parts.items()
                    ],
                }
                for lf in self.lines
            ],
            "per_funder": [
                {
                    "funder_id": ft.funder.pk,
                    "name": ft.funder.name,
                    "hours": money(ft.hours),
                    "hours_amount": money(ft.hours_amount),
                    "hours_share": share(ft.hours_share),
                    "out_of_pocket_incl_vat": money(ft.out_of_pocket_incl_vat),
                    "total": money(ft.total),
                    "total_share": share(ft.total_share),
                }
                for ft in self.per_funder
            ],
            "totals": {
                "hours": money(self.hours),
                "hours_amount": money(self.hours_amount),
                "out_of_pocket_incl_vat": money(self.out_of_pocket_incl_vat),
                "total": money(self.total),
            },
            "problems": list(self.problems),
        }


def _percent_of(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return ZERO
    return part * HUNDRED / whole


def overview(programme: Programme, year: int | None = None) -> Overview:
    """The financing overview of the programme's plan (of one year, if given)."""
    funders = list(Funder.objects.filter(programme=programme).order_by("position", "name", "pk"))
    own_funder = next((f for f in funders if f.kind == Funder.Kind.COMPANIES), None)
    rates = load_rates(programme)
    lines_qs = (
        PlanLine.objects.filter(programme=programme)
        .select_related("activity_type", "organisation", "scheme")
        .order_by("year", "position", "pk")
    )
    if year is not None:
        lines_qs = lines_qs.filter(year=year)
    lines = list(lines_qs)
    fundings: dict[int, dict[int, PlanLineFunding]] = defaultdict(dict)
    for funding in PlanLineFunding.objects.filter(line__in=[ln.pk for ln in lines]):
        fundings[funding.line_id][funding.funder_id] = funding

    result = Overview(programme=programme, funders=funders, lines=[], per_funder=[])
    totals = {f.pk: FunderTotals(funder=f) for f in funders}
    for line in lines:
        hours = line.hours
        rate = rate_for(rates, line.organisation_id, line.year)
        if rate is None and hours > 0:
            result.problems.append(
                _("Geen uurtarief voor %(organisation)s in %(year)s.")
                % {"organisation": line.organisation.name, "year": line.year}
            )
        hours_amount = cents(hours * rate) if rate is not None else ZERO
        own = fundings.get(line.pk, {})
        shares = [own[f.pk].hours_share if f.pk in own else ZERO for f in funders]
        if hours > 0 and sum(shares, ZERO) != HUNDRED:
            result.problems.append(
                _("%(line)s: de aandelen in de uren tellen niet op tot 100 %%.") % {"line": line}
            )
        hour_parts = split(hours, shares)
        amount_parts = split(hours_amount, shares)
        parts: dict[int, FunderPart] = {}
        for i, funder in enumerate(funders):
            entered = own.get(funder.pk)
            out = entered.out_of_pocket_incl_vat if entered is not None else ZERO
            if line.scheme is not None:
                if funder.pk == line.scheme.funder_id:
                    out += line.count * line.scheme.max_granted_incl_vat
                if own_funder is not None and funder.pk == own_funder.pk:
                    out += line.count * line.scheme.own_contribution_incl_vat
            parts[funder.pk] = FunderPart(
                hours=hour_parts[i],
                hours_amount=amount_parts[i],
                out_of_pocket_incl_vat=out,
                hours_share=shares[i],
            )
            funder_totals = totals[funder.pk]
            funder_totals.hours += hour_parts[i]
            funder_totals.hours_amount += amount_parts[i]
            funder_totals.out_of_pocket_incl_vat += out
        if (
            line.scheme is not None
            and own_funder is None
            and line.scheme.own_contribution > 0
            and line.count > 0
        ):
            result.problems.append(
                _(
                    "%(line)s: de eigen bijdragen van de regeling tellen niet mee, want het "
                    "programma heeft geen financier voor eigen bijdragen."
                )
                % {"line": line}
            )
        result.lines.append(
            LineFigures(line=line, hours=hours, rate=rate, hours_amount=hours_amount, parts=parts)
        )
        result.hours += hours
        result.hours_amount += hours_amount
    result.out_of_pocket_incl_vat = sum((t.out_of_pocket_incl_vat for t in totals.values()), ZERO)
    grand_total = result.total
    for funder in funders:
        funder_totals = totals[funder.pk]
        funder_totals.hours_share = _percent_of(funder_totals.hours, result.hours)
        funder_totals.total_share = _percent_of(funder_totals.total, grand_total)
        result.per_funder.append(funder_totals)
    return result
