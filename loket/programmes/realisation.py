"""Realisation against the plan: per plan line and per funder, planned versus realised
hours, euros and counts, for one quarter and cumulative.

What counts where
- Hours: an hour entry counts for the plan line of its activity type, its organisation
  and the year of its date (a plan line is unique per year, activity type and
  organisation). Hours without such a line are a "niet in het plan" row, never dropped.
- Euros for hours: per quarter, the hours x the organisation's rate in that year
  (``financing.rate_for``), rounded to the cent once, then split over the line's funders
  by their hour shares (``financing.split``: the parts add up to the cent). Cumulative
  figures are sums of quarters, so four quarterly reports add up to the year.
- Trajectories count for the plan line of their scheme in the year they started
  (``started_on``; one that never recorded a start: the year it was approved, else
  applied). With more lines of one scheme in a year, the first of the plan counts them;
  a scheme without a line that year gets a "niet in het plan" row.
  - started: ``started_on`` set, in the quarter of ``started_on`` (a trajectory withdrawn
    after its start still started);
  - completed: ``completed_on`` set, in the quarter of ``completed_on``;
  - vouchers paid: redeemed with a payment date, in the quarter of ``paid_on``. The paid
    amount incl. the scheme's VAT is out-of-pocket of the scheme's funder; the scheme's
    own contribution incl. VAT, once per paid voucher, that of the own-contributions
    funder ("ondernemers").
- Other out-of-pocket costs entered on plan lines (a hall, catering) are planned only:
  Loket registers no other expenses, so their realisation is 0.
- Realised figures that belong to no funder (hours without a plan line, own
  contributions when the programme has no own-contributions funder) are a row of their
  own in the per-funder tables: funders plus that row add up to the grand total.

Periods
- The quarter: Q1-Q4 of a year, by the date of the entry, start, completion or payment.
- Cumulative: from the programme's start up to the end of the chosen quarter (anything
  registered up to that day counts). For a plan line of the chosen year that is its year
  to date; for the programme as a whole every line of the years up to the chosen one.

Over- and under-spend (per measure: hours, euros, trajectories started, completed,
vouchers paid)
- Over ("overschreden"): cumulative realised exceeds planned (more than 100 %), which
  includes anything realised where nothing was planned.
- Under ("achter"): realised as a percentage of planned is more than 10 percentage points
  below the expected share: the elapsed part of the line's year up to the end of the
  chosen quarter, in months of that year within the programme period (a full year: 25 %
  after Q1, 50 % after Q2; a programme starting on 1 May: after Q2 2 of 8 months, 25 %;
  a year that has passed: 100 %). For funders and totals the expected share is the
  plan-weighted average of their lines'.

Percentages are exact ``Decimal`` fractions, rounded only for display. Nine queries
whatever the size of the data: the financing overview's four, the rates, the schemes,
and one aggregate (GROUP BY year and quarter) each for hours, trajectories and vouchers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils.translation import gettext as _

from loket.programmes import financing
from loket.programmes.models import (
    HUNDRED,
    ZERO,
    Funder,
    HourEntry,
    PlanLine,
    Programme,
    Scheme,
    Trajectory,
    Voucher,
    cents,
)
from loket.programmes.periods import elapsed_fraction, quarter_bounds

# Under-spend: realised more than this many percentage points behind the expected share.
UNDER_MARGIN = Decimal("10")
# The measures that are compared and flagged.
MEASURES = ("hours", "total", "started", "completed", "paid")

Status = Literal["over", "under", ""]


# --- figures -------------------------------------------------------------------------


@dataclass
class Figures:
    """Hours, euros and counts of one row in one period (planned or realised)."""

    hours: Decimal = ZERO
    hours_amount: Decimal = ZERO
    out_of_pocket_incl_vat: Decimal = ZERO
    started: int = 0
    completed: int = 0
    paid: int = 0  # vouchers paid

    @property
    def total(self) -> Decimal:
        return self.hours_amount + self.out_of_pocket_incl_vat

    def add(self, other: Figures) -> None:
        self.hours += other.hours
        self.hours_amount += other.hours_amount
        self.out_of_pocket_incl_vat += other.out_of_pocket_incl_vat
        self.started += other.started
        self.completed += other.completed
        self.paid += other.paid

    def value(self, measure: str) -> Decimal:
        return Decimal(getattr(self, measure))


@dataclass(frozen=True)
class Measure:
    """One measure of a row compared: realised (cumulative) as % of planned, the share
    expected by the end of the quarter, and the flag."""

    percent: Decimal | None
    expected_percent: Decimal | None
    status: Status

    @property
    def is_over(self) -> bool:
        return self.status == "over"

    @property
    def is_under(self) -> bool:
        return self.status == "under"


@dataclass
class Comparison:
    """Planned (for the whole plan year or years), realised in the chosen quarter and
    realised cumulatively up to its end; ``expected`` holds, per measure, what the plan
    expects to be realised by then (planned x the elapsed part of its year)."""

    planned: Figures = field(default_factory=Figures)
    quarter: Figures = field(default_factory=Figures)
    cumulative: Figures = field(default_factory=Figures)
    expected: dict[str, Decimal] = field(default_factory=dict)

    def add(self, other: Comparison) -> None:
        self.planned.add(other.planned)
        self.quarter.add(other.quarter)
        self.cumulative.add(other.cumulative)
        for measure, value in other.expected.items():
            self.expected[measure] = self.expected.get(measure, ZERO) + value

    def set_expected(self, fraction: Decimal) -> None:
        self.expected = {m: self.planned.value(m) * fraction for m in MEASURES}

    def measure(self, measure: str) -> Measure:
        planned = self.planned.value(measure)
        realised = self.cumulative.value(measure)
        if planned == 0:
            return Measure(None, None, "over" if realised > 0 else "")
        percent = realised * HUNDRED / planned
        expected = self.expected.get(measure, ZERO) * HUNDRED / planned
        status: Status = ""
        if realised > planned:
            status = "over"
        elif percent < expected - UNDER_MARGIN:
            status = "under"
        return Measure(percent, expected, status)

    @property
    def measures(self) -> dict[str, Measure]:
        """Every measure compared (for templates: ``row.measures.hours.status``)."""
        return {m: self.measure(m) for m in MEASURES}

    @property
    def is_empty(self) -> bool:
        return all(
            f.hours == 0 and f.total == 0 and not (f.started or f.completed or f.paid)
            for f in (self.planned, self.quarter, self.cumulative)
        )


@dataclass
class LineRow(Comparison):
    """A plan line, or realisation on something the plan does not have ("niet in het
    plan": an activity and organisation, or a scheme, without a line that year)."""

    year: int = 0
    line: PlanLine | None = None
    activity_type: str = ""
    organisation: str = ""
    scheme: Scheme | None = None
    description: str = ""
    # funder id (None: belongs to no funder) -> that funder's part of this row
    parts: dict[int | None, Comparison] = field(default_factory=dict)
    # The line's hour shares per funder (in the programme's funder order), and last the
    # rest of 100 % that no funder pays.
    shares: list[Decimal] = field(default_factory=list)

    @property
    def planned_in_plan(self) -> bool:
        return self.line is not None

    @property
    def label(self) -> str:
        if self.activity_type:
            return self.activity_type
        return self.scheme.name if self.scheme is not None else ""

    def part(self, funder_id: int | None) -> Comparison:
        if funder_id not in self.parts:
            self.parts[funder_id] = Comparison()
        return self.parts[funder_id]


@dataclass
class FunderRow(Comparison):
    """A funder's part of all rows in scope; ``funder`` None: what belongs to no funder."""

    funder: Funder | None = None

    @property
    def name(self) -> str:
        return self.funder.name if self.funder is not None else str(_("Geen financier"))


@dataclass
class Realisation:
    programme: Programme
    year: int
    quarter: int
    quarter_starts_on: dt.date
    quarter_ends_on: dt.date
    # The part of the chosen year that has passed at the end of the quarter (0-1).
    fraction: Decimal
    funders: list[Funder]
    lines: list[LineRow]  # rows of the chosen year: plan lines first, then the unplanned
    per_funder: list[FunderRow]  # the chosen year's rows per funder
    totals: Comparison
    to_date_per_funder: list[FunderRow]  # every year up to the chosen one, per funder
    to_date_totals: Comparison
    problems: list[str] = field(default_factory=list)

    @property
    def expected_percent(self) -> Decimal:
        return self.fraction * HUNDRED

    @property
    def cumulative_from(self) -> dt.date:
        return self.programme.starts_on

    @property
    def scheme_lines(self) -> list[LineRow]:
        return [row for row in self.lines if row.scheme is not None]

    @property
    def flagged(self) -> int:
        """How many rows of the chosen year have a measure over or under."""
        return sum(1 for row in self.lines if any(m.status for m in row.measures.values()))

    def as_dict(self) -> dict[str, Any]:
        from loket.programmes.realisation_report import as_dict

        return as_dict(self)


# --- computing -----------------------------------------------------------------------


def _year_date(prefix: str) -> Coalesce:
    """The date whose year decides a trajectory's plan line: its start, else its
    approval, else its application."""
    return Coalesce(
        f"{prefix}started_on",
        f"{prefix}approved_on",
        f"{prefix}applied_on",
        output_field=DateField(),
    )


class _Collector:
    """Builds the rows: the plan's lines first, then what the aggregates bring in."""

    def __init__(self, programme: Programme, year: int, quarter: int) -> None:
        self.programme = programme
        self.year = year
        self.quarter = quarter
        self.first_day, self.last_day = quarter_bounds(year, quarter)
        self.plan = financing.overview(programme)
        self.funders = self.plan.funders
        self.own_funder = next((f for f in self.funders if f.kind == Funder.Kind.COMPANIES), None)
        self.rates = financing.load_rates(programme)
        self.schemes = {s.pk: s for s in Scheme.objects.filter(programme=programme)}
        self.problems = list(self.plan.problems)
        self.rows: list[LineRow] = []
        self.by_hours: dict[tuple[int, int, int], LineRow] = {}
        self.by_scheme: dict[tuple[int, int], LineRow] = {}
        self._fractions: dict[int, Decimal] = {}

    def fraction_of(self, line_year: int) -> Decimal:
        if line_year not in self._fractions:
            self._fractions[line_year] = elapsed_fraction(self.programme, line_year, self.last_day)
        return self._fractions[line_year]

    def add_plan(self) -> None:
        """The financing overview's lines of the years up to the chosen one."""
        for figures in self.plan.lines:
            line = figures.line
            if line.year > self.year:
                continue
            per_scheme = line.count if line.scheme is not None else 0
            row = LineRow(
                year=line.year,
                line=line,
                activity_type=line.activity_type.name,
                organisation=line.organisation.name,
                scheme=line.scheme,
                description=line.description,
            )
            row.planned = Figures(
                hours=figures.hours,
                hours_amount=figures.hours_amount,
                out_of_pocket_incl_vat=figures.out_of_pocket_incl_vat,
                started=per_scheme,
                completed=per_scheme,
                paid=per_scheme,
            )
            for funder in self.funders:
                part = figures.parts[funder.pk]
                # The scheme's trajectories are its funder's to account for.
                counts = per_scheme if line.scheme and funder.pk == line.scheme.funder_id else 0
                row.part(funder.pk).planned = Figures(
                    hours=part.hours,
                    hours_amount=part.hours_amount,
                    out_of_pocket_incl_vat=part.out_of_pocket_incl_vat,
                    started=counts,
                    completed=counts,
                    paid=counts,
                )
            # What no funder pays when the shares add up to less than 100 % (the
            # financing overview leaves it unassigned; so does the realisation).
            unassigned = Figures(
                hours=getattr(figures, "unassigned_hours", ZERO),
                hours_amount=getattr(figures, "unassigned_hours_amount", ZERO),
            )
            if unassigned.hours or unassigned.hours_amount:
                row.part(None).planned = unassigned
            shares = [figures.parts[f.pk].hours_share for f in self.funders]
            row.shares = [*shares, max(HUNDRED - sum(shares, ZERO), ZERO)]
            self.rows.append(row)
            self.by_hours[(line.activity_type_id, line.organisation_id, line.year)] = row
            if line.scheme_id is not None:
                self.by_scheme.setdefault((line.scheme_id, line.year), row)

    def realise(
        self,
        row: LineRow,
        when: tuple[int, int],
        total: Figures,
        parts: dict[int | None, Figures],
    ) -> None:
        """Count realised figures of a (year, quarter) on a row and its funders' parts."""
        in_quarter = when == (self.year, self.quarter)
        row.cumulative.add(total)
        if in_quarter:
            row.quarter.add(total)
        for funder_id, figures in parts.items():
            part = row.part(funder_id)
            part.cumulative.add(figures)
            if in_quarter:
                part.quarter.add(figures)

    def hours_row(
        self, activity_id: int, org_id: int, year: int, names: tuple[str, str]
    ) -> LineRow:
        key = (activity_id, org_id, year)
        found = self.by_hours.get(key)
        if found is None:
            found = LineRow(year=year, activity_type=names[0], organisation=names[1])
            self.rows.append(found)
            self.by_hours[key] = found
        return found

    def scheme_row(self, scheme_id: int, year: int) -> LineRow:
        key = (scheme_id, year)
        if key not in self.by_scheme:
            row = LineRow(year=year, scheme=self.schemes[scheme_id])
            self.rows.append(row)
            self.by_scheme[key] = row
        return self.by_scheme[key]

    def add_hours(self) -> None:
        """Hours per activity type, organisation, year and quarter (one query)."""
        found = (
            HourEntry.objects.filter(programme=self.programme, date__lte=self.last_day)
            .annotate(y=ExtractYear("date"), q=ExtractQuarter("date"))
            .values(
                "activity_type_id",
                "organisation_id",
                "activity_type__name",
                "organisation__name",
                "y",
                "q",
            )
            .annotate(total=Sum("hours"))
            .order_by()
        )
        missing: set[tuple[int, int]] = set()
        for group in found:
            org_id, entry_year = group["organisation_id"], int(group["y"])
            row = self.hours_row(
                group["activity_type_id"],
                org_id,
                entry_year,
                (group["activity_type__name"], group["organisation__name"]),
            )
            hours = Decimal(group["total"] or 0)
            rate = financing.rate_for(self.rates, org_id, entry_year)
            if rate is None and (org_id, entry_year) not in missing:
                missing.add((org_id, entry_year))
                self.problems.append(
                    _(
                        "Geen uurtarief voor %(organisation)s in %(year)s: de uren tellen "
                        "zonder bedrag."
                    )
                    % {"organisation": group["organisation__name"], "year": entry_year}
                )
            amount = cents(hours * rate) if rate is not None else ZERO
            parts: dict[int | None, Figures] = {}
            if row.shares and sum(row.shares, ZERO) > 0:
                # The funders' shares, and the rest of 100 % (no funder) last.
                hour_parts = financing.split(hours, row.shares)
                amount_parts = financing.split(amount, row.shares)
                owners: list[int | None] = [f.pk for f in self.funders]
                for owner, hour_part, amount_part in zip(
                    [*owners, None], hour_parts, amount_parts, strict=True
                ):
                    if owner is not None or hour_part or amount_part:
                        parts[owner] = Figures(hours=hour_part, hours_amount=amount_part)
            else:  # no plan line (or one without shares): belongs to no funder
                parts[None] = Figures(hours=hours, hours_amount=amount)
            when = (entry_year, int(group["q"]))
            self.realise(row, when, Figures(hours=hours, hours_amount=amount), parts)

    def add_trajectories(self) -> None:
        """Trajectories started and completed per scheme, plan year and quarter (one
        query)."""
        found = (
            Trajectory.objects.filter(programme=self.programme)
            .annotate(
                ky=ExtractYear(_year_date("")),
                sy=ExtractYear("started_on"),
                sq=ExtractQuarter("started_on"),
                cy=ExtractYear("completed_on"),
                cq=ExtractQuarter("completed_on"),
            )
            .filter(ky__lte=self.year)
            .filter(Q(started_on__lte=self.last_day) | Q(completed_on__lte=self.last_day))
            .values("scheme_id", "ky", "sy", "sq", "cy", "cq")
            .annotate(n=Count("id"))
            .order_by()
        )
        end = (self.year, self.quarter)
        for group in found:
            scheme = self.schemes[group["scheme_id"]]
            row = self.scheme_row(scheme.pk, int(group["ky"]))
            n = int(group["n"])
            if group["sy"] is not None and (int(group["sy"]), int(group["sq"])) <= end:
                started = Figures(started=n)
                parts: dict[int | None, Figures] = {scheme.funder_id: Figures(started=n)}
                self.realise(row, (int(group["sy"]), int(group["sq"])), started, parts)
            if group["cy"] is not None and (int(group["cy"]), int(group["cq"])) <= end:
                completed = Figures(completed=n)
                parts = {scheme.funder_id: Figures(completed=n)}
                self.realise(row, (int(group["cy"]), int(group["cq"])), completed, parts)

    def add_vouchers(self) -> None:
        """Vouchers paid per scheme, plan year and quarter of payment (one query)."""
        found = (
            Voucher.objects.filter(
                trajectory__programme=self.programme,
                status=Voucher.Status.REDEEMED,
                paid_on__isnull=False,
                paid_on__lte=self.last_day,
            )
            .annotate(
                ky=ExtractYear(_year_date("trajectory__")),
                py=ExtractYear("paid_on"),
                pq=ExtractQuarter("paid_on"),
            )
            .filter(ky__lte=self.year)
            .values("trajectory__scheme_id", "ky", "py", "pq")
            .annotate(n=Count("id"), amount=Sum("paid_amount"))
            .order_by()
        )
        own_id = self.own_funder.pk if self.own_funder is not None else None
        unfunded_own = False
        for group in found:
            scheme = self.schemes[group["trajectory__scheme_id"]]
            row = self.scheme_row(scheme.pk, int(group["ky"]))
            n = int(group["n"])
            paid = scheme.incl_vat(Decimal(group["amount"] or 0))
            own = n * scheme.own_contribution_incl_vat
            parts: dict[int | None, Figures] = {
                scheme.funder_id: Figures(out_of_pocket_incl_vat=paid, paid=n)
            }
            if own:
                parts.setdefault(own_id, Figures()).add(Figures(out_of_pocket_incl_vat=own))
                unfunded_own = unfunded_own or own_id is None
            total = Figures(out_of_pocket_incl_vat=paid + own, paid=n)
            self.realise(row, (int(group["py"]), int(group["pq"])), total, parts)
        if unfunded_own:
            self.problems.append(
                _(
                    "De betaalde eigen bijdragen tellen bij geen financier, want het programma "
                    "heeft geen financier voor eigen bijdragen."
                )
            )

    def result(self) -> Realisation:
        for row in self.rows:
            row.set_expected(self.fraction_of(row.year))
            for part in row.parts.values():
                part.set_expected(self.fraction_of(row.year))
        planned = [row for row in self.rows if row.line is not None]
        unplanned = sorted(
            (row for row in self.rows if row.line is None),
            key=lambda r: (r.year, r.activity_type, r.organisation, r.label),
        )
        this_year = [r for r in planned if r.year == self.year]
        this_year += [r for r in unplanned if r.year == self.year]
        per_funder, totals = _per_funder(self.funders, this_year)
        to_date_per_funder, to_date_totals = _per_funder(self.funders, planned + unplanned)
        return Realisation(
            programme=self.programme,
            year=self.year,
            quarter=self.quarter,
            quarter_starts_on=self.first_day,
            quarter_ends_on=self.last_day,
            fraction=self.fraction_of(self.year),
            funders=self.funders,
            lines=this_year,
            per_funder=per_funder,
            totals=totals,
            to_date_per_funder=to_date_per_funder,
            to_date_totals=to_date_totals,
            problems=self.problems,
        )


def realisation(programme: Programme, year: int, quarter: int) -> Realisation:
    """Planned versus realised for the quarter ``year``/``quarter`` and cumulatively up to
    its end (the caller validates the period with ``period_problem``)."""
    collector = _Collector(programme, year, quarter)
    collector.add_plan()
    collector.add_hours()
    collector.add_trajectories()
    collector.add_vouchers()
    return collector.result()


def _per_funder(funders: list[Funder], rows: list[LineRow]) -> tuple[list[FunderRow], Comparison]:
    """The rows' parts per funder (and what belongs to none, if anything), and their
    totals. The funders plus the "no funder" row add up to the totals exactly."""
    per: dict[int | None, FunderRow] = {f.pk: FunderRow(funder=f) for f in funders}
    per[None] = FunderRow(funder=None)
    totals = Comparison()
    for row in rows:
        totals.add(row)
        for funder_id, part in row.parts.items():
            per[funder_id if funder_id in per else None].add(part)
    out = [per[f.pk] for f in funders]
    if not per[None].is_empty:
        out.append(per[None])
    # Make sure every measure has an expected value, also for rows without a plan.
    for item in (*out, totals):
        for measure in MEASURES:
            item.expected.setdefault(measure, ZERO)
    return out, totals
