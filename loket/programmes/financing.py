"""The financing overview, computed from the plan: per plan line and per funder the
hours, their amount at the executing organisation's rate and the out-of-pocket costs,
and the grand totals.

Adds up to the cent by construction: a line's hours amount is rounded to the cent once
(hours x rate), then split over its funders by their shares with the largest-remainder
method, so the funders' parts of a line always add up to the line, the funders' totals
to the grand total, and the lines' totals to the grand total. Hours are split the same
way to the hundredth. Shares in percent are kept exact (``Decimal`` fractions) and
rounded only for display. No float anywhere.

A line whose shares add up to less than 100 % (which the plan forms refuse, but an old
or imported plan may have) leaves the rest of its hours and amount *unassigned*: shown
as such and reported in ``problems``, so the funders' totals plus the unassigned part
still add up to the grand total. Shares above 100 % are scaled down to 100 % (and
reported).

Four queries whatever the size of the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext as _

from loket.core import numbers
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

Rates = dict[int, list[tuple[int, Decimal]]]


def split(total: Decimal, weights: Sequence[Decimal], quantum: Decimal = CENT) -> list[Decimal]:
    """``total`` split in proportion to ``weights`` in multiples of ``quantum``, adding up
    to exactly ``total`` (largest remainder; ties go to the earlier weight). ``total``
    must be a multiple of ``quantum``; weights must not be negative."""
    if not weights:
        return []
    weight_sum = sum(weights, ZERO)
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


def rate_for(rates: Rates, organisation_id: int, year: int) -> Decimal | None:
    """The organisation's rate in a year: the one of the latest year not after it
    (``rates`` as ``load_rates`` gives them, sorted by year)."""
    found = None
    for rate_year, rate in rates.get(organisation_id, ()):
        if rate_year <= year:
            found = rate
    return found


def load_rates(programme: Programme) -> Rates:
    """organisation id -> [(from year, rate)], sorted by year (one query)."""
    rates: Rates = defaultdict(list)
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
    # What no funder pays because the shares add up to less than 100 %.
    unassigned_hours: Decimal = ZERO
    unassigned_hours_amount: Decimal = ZERO

    @property
    def out_of_pocket_incl_vat(self) -> Decimal:
        return sum((p.out_of_pocket_incl_vat for p in self.parts.values()), ZERO)

    @property
    def total(self) -> Decimal:
        return self.hours_amount + self.out_of_pocket_incl_vat

    def part_list(self, funders: Sequence[Funder]) -> list[FunderPart]:
        """The parts in the order of ``funders`` (for templates and reports)."""
        return [self.parts[f.pk] for f in funders]


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
    # The year the overview is limited to; None: the whole programme period.
    year: int | None = None
    unassigned_hours: Decimal = ZERO
    unassigned_hours_amount: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.hours_amount + self.out_of_pocket_incl_vat

    @property
    def has_unassigned(self) -> bool:
        return bool(self.unassigned_hours or self.unassigned_hours_amount)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: amounts and hours as strings with two decimals,
        shares as plain decimal strings with full precision (rounded only for display)."""

        def money(value: Decimal) -> str:
            return str(cents(value))

        return {
            "programme": {"id": self.programme.pk, "name": self.programme.name},
            "year": self.year,
            "funders": [{"id": f.pk, "name": f.name, "kind": f.kind} for f in self.funders],
            "lines": [
                {
                    "id": lf.line.pk,
                    "year": lf.line.year,
                    "activity_type": lf.line.activity_type.name,
                    "organisation": lf.line.organisation.name,
                    "description": lf.line.description,
                    "count": lf.line.count,
                    "hours_per_unit": _optional(lf.line.hours_per_unit),
                    "fixed_hours": _optional(lf.line.fixed_hours),
                    "scheme": lf.line.scheme.name if lf.line.scheme is not None else None,
                    "hours": money(lf.hours),
                    "rate": _optional(lf.rate),
                    "hours_amount": money(lf.hours_amount),
                    "out_of_pocket_incl_vat": money(lf.out_of_pocket_incl_vat),
                    "total": money(lf.total),
                    "unassigned_hours": money(lf.unassigned_hours),
                    "unassigned_hours_amount": money(lf.unassigned_hours_amount),
                    "funders": [
                        {
                            "funder_id": funder_id,
                            "hours_share": plain(part.hours_share),
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
                    "hours_share": plain(ft.hours_share),
                    "out_of_pocket_incl_vat": money(ft.out_of_pocket_incl_vat),
                    "total": money(ft.total),
                    "total_share": plain(ft.total_share),
                }
                for ft in self.per_funder
            ],
            "totals": {
                "hours": money(self.hours),
                "hours_amount": money(self.hours_amount),
                "out_of_pocket_incl_vat": money(self.out_of_pocket_incl_vat),
                "total": money(self.total),
                "unassigned_hours": money(self.unassigned_hours),
                "unassigned_hours_amount": money(self.unassigned_hours_amount),
            },
            "problems": list(self.problems),
        }


def plain(value: Decimal) -> str:
    """A decimal as a plain string without trailing zeros: 100, 33.3333..., never 1E+2."""
    if not value:
        return "0"
    return f"{value.normalize():f}"


def _optional(value: Decimal | None) -> str | None:
    return None if value is None else str(cents(value))


def _percent_of(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return ZERO
    return part * HUNDRED / whole


class _Problems:
    """Problems in the order found, each once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        if message not in self.items:
            self.items.append(message)


def overview(programme: Programme, year: int | None = None) -> Overview:
    """The financing overview of the programme's plan (of one year, if given)."""
    funders = list(Funder.objects.filter(programme=programme).order_by("position", "name", "pk"))
    funder_ids = {f.pk for f in funders}
    own_funder = next((f for f in funders if f.kind == Funder.Kind.COMPANIES), None)
    rates = load_rates(programme)
    lines_qs = (
        PlanLine.objects.filter(programme=programme)
        .select_related("activity_type", "organisation", "scheme")
        .order_by("year", "position", "pk")
    )
    fundings_qs = PlanLineFunding.objects.filter(line__programme=programme)
    if year is not None:
        lines_qs = lines_qs.filter(year=year)
        fundings_qs = fundings_qs.filter(line__year=year)
    lines = list(lines_qs)
    fundings: dict[int, dict[int, PlanLineFunding]] = defaultdict(dict)
    for funding in fundings_qs:
        fundings[funding.line_id][funding.funder_id] = funding

    problems = _Problems()
    result = Overview(programme=programme, funders=funders, lines=[], per_funder=[], year=year)
    totals = {f.pk: FunderTotals(funder=f) for f in funders}
    for line in lines:
        hours = line.hours
        rate = rate_for(rates, line.organisation_id, line.year)
        if rate is None and hours > 0:
            problems.add(
                _("Geen uurtarief voor %(organisation)s in %(year)s.")
                % {"organisation": line.organisation.name, "year": line.year}
            )
        hours_amount = cents(hours * rate) if rate is not None else ZERO
        own = fundings.get(line.pk, {})
        shares = [own[f.pk].hours_share if f.pk in own else ZERO for f in funders]
        share_sum = sum(shares, ZERO)
        if hours > 0 and share_sum != HUNDRED:
            problems.add(
                _("%(line)s: de aandelen in de uren tellen op tot %(total)s in plaats van 100 %%.")
                % {"line": line, "total": numbers.percent(share_sum, 2)}
            )
        # Below 100 %: the rest is nobody's (the last weight); above: scaled to 100 %.
        weights = [*shares, HUNDRED - share_sum if share_sum < HUNDRED else ZERO]
        hour_parts = split(hours, weights)
        amount_parts = split(hours_amount, weights)
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
        if line.scheme is not None and line.count > 0:
            if line.scheme.funder_id not in funder_ids and line.scheme.max_granted > 0:
                problems.add(
                    _(
                        "%(line)s: de financier van regeling %(scheme)s hoort niet bij dit "
                        "programma; de toekenningen tellen niet mee."
                    )
                    % {"line": line, "scheme": line.scheme.name}
                )
            if own_funder is None and line.scheme.own_contribution > 0:
                problems.add(
                    _(
                        "%(line)s: de eigen bijdragen van de regeling tellen niet mee, want "
                        "het programma heeft geen financier voor eigen bijdragen."
                    )
                    % {"line": line}
                )
        figures = LineFigures(
            line=line,
            hours=hours,
            rate=rate,
            hours_amount=hours_amount,
            parts=parts,
            unassigned_hours=hour_parts[-1],
            unassigned_hours_amount=amount_parts[-1],
        )
        result.lines.append(figures)
        result.hours += hours
        result.hours_amount += hours_amount
        result.unassigned_hours += figures.unassigned_hours
        result.unassigned_hours_amount += figures.unassigned_hours_amount
    result.out_of_pocket_incl_vat = sum((t.out_of_pocket_incl_vat for t in totals.values()), ZERO)
    grand_total = result.total
    for funder in funders:
        funder_totals = totals[funder.pk]
        funder_totals.hours_share = _percent_of(funder_totals.hours, result.hours)
        funder_totals.total_share = _percent_of(funder_totals.total, grand_total)
        result.per_funder.append(funder_totals)
    result.problems = problems.items
    return result
