"""Realisation against the plan, every figure checked against values computed by hand
(the data set is described in tests/programmes/realisation_factories.py).

Hand computation, report Q2 2025 (end 30-06-2025; a full year, so 6 of 12 months: 50 %
expected):
- L1 Gesprekken: planned 100 h, 10,000.00. Q1 10.5 h = 1,050.00; Q2 20 h = 2,000.00;
  cumulative 30.5 h, 3,050.00: 30.5 % < 50 - 10: "achter" (hours and euros).
  P and K each half: Q2 10 h, 1,000.00; cumulative 15.25 h, 1,525.00.
- L2 Innovatietrajecten: planned 48 h, 4,800.00 + 20,570.00 (P) + 3,630.00 (O) =
  29,000.00, 4 trajectories. Q2 12.25 h = 1,225.00 (P). Started: T1 in Q1, T2 and T3 in
  Q2 (2 in the quarter, 3 cumulative, 75 %). Completed: T1 in Q2 (25 %, "achter").
  Vouchers paid in Q2: T1 4,000.00 and T7 1,000.00 (T7 has no start date; it counts in
  its approval year), 5,000.00 x 1.21 = 6,050.00 to P, 2 x 907.50 = 1,815.00 to O:
  out-of-pocket 7,865.00; euros 1,225.00 + 7,865.00 = 9,090.00 (31.3 %, "achter").
- L3 Evenementen Gemeente Assen: planned 30 h, 2,400.00 + 1,000.00 = 3,400.00; nothing
  realised yet (its 5 hours are in Q3): 0 %, "achter".
- Evenementen bureau: not in the plan; 3 h = 300.00 in Q2, to no funder: "overschreden".
Totals: planned 178 h, 42,400.00; Q2 35.25 h, 11,390.00; cumulative 45.75 h, 12,440.00.
Per funder (planned / Q2 / cumulative euros; cumulative hours):
P 30,370.00 / 8,275.00 / 8,800.00; 27.5 h.  K 8,400.00 / 1,000.00 / 1,525.00; 15.25 h.
O 3,630.00 / 1,815.00 / 1,815.00.  No funder 0 / 300.00 / 300.00; 3 h.

Report Q4 2025 (100 % expected): L1 cumulative 10.5 + 20 + 30.75 + 44 = 105.25 h,
10,525.00: "overschreden". L2: started 4 (100 %), completed 2, vouchers paid 3
(T3 in Q4: 4,250.00 x 1.21 = 5,142.50 + 907.50).

Report Q1 2026 (3 of 12 months: 25 % expected, the 2026 rate 110.55): L4 7.5 h x 110.55 =
829.125 -> 829.13, split 50/50: 414.565 each -> P 414.57 (the tie goes to the first
funder), K 414.56; 7.5 %: "achter". T6 started in 2026 where the plan has no line of the
scheme: a "niet in het plan" row with 1 started, "overschreden".
Since the start (2025 and 2026 to the end of Q1 2026): planned 278 h, 53,455.00; realised
133 h, 27,194.13 = P 18,094.57 + K 6,077.06 + O 2,722.50 + no funder 300.00. P's hours
52.63 (Q3 2025's 30.75 h splits 15.38/15.37) + 12.25 + 3.75 = 68.63; trajectories
started 5 of 4 planned: "overschreden".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from loket.programmes.models import Programme, Trajectory
from loket.programmes.periods import (
    default_period,
    elapsed_fraction,
    period_problem,
    quarter_bounds,
    quarters,
)
from loket.programmes.realisation import Comparison, Figures, realisation
from tests import factories as f
from tests.programmes.realisation_factories import realisation_data

D = Decimal


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def data(world):
    return realisation_data(world)


def by_label(result, label, organisation=None):
    rows = [
        r
        for r in result.lines
        if r.label == label and (organisation is None or r.organisation == organisation)
    ]
    assert len(rows) == 1, [(r.label, r.organisation) for r in result.lines]
    return rows[0]


def funder_row(rows, name):
    (row,) = [r for r in rows if r.name == name]
    return row


def euros(figures: Figures) -> tuple[Decimal, Decimal, Decimal]:
    return figures.hours_amount, figures.out_of_pocket_incl_vat, figures.total


# --- Q2 2025: every line ----------------------------------------------------------------


def test_hours_and_euros_of_a_plan_line_per_quarter_and_cumulative(data):
    result = realisation(data.programme, 2025, 2)
    assert result.fraction == D("0.5")
    assert result.quarter_starts_on == dt.date(2025, 4, 1)
    assert result.quarter_ends_on == dt.date(2025, 6, 30)
    l1 = by_label(result, "Gesprekken")
    assert l1.line == data.l1
    assert l1.planned.hours == D("100.00")
    assert euros(l1.planned) == (D("10000.00"), D("0.00"), D("10000.00"))
    assert l1.quarter.hours == D("20.00")
    assert euros(l1.quarter) == (D("2000.00"), D("0.00"), D("2000.00"))
    assert l1.cumulative.hours == D("30.50")
    assert euros(l1.cumulative) == (D("3050.00"), D("0.00"), D("3050.00"))
    hours = l1.measure("hours")
    assert hours.percent == D("30.5")
    assert hours.expected_percent == D("50")
    assert hours.status == "under"
    assert l1.measure("total").status == "under"
    # Its funders: half each.
    for funder in (data.province, data.chamber):
        part = l1.parts[funder.pk]
        assert part.planned.hours == D("50.00")
        assert part.planned.total == D("5000.00")
        assert part.quarter.hours == D("10.00")
        assert part.quarter.total == D("1000.00")
        assert part.cumulative.hours == D("15.25")
        assert part.cumulative.total == D("1525.00")


def test_a_scheme_line_counts_trajectories_vouchers_and_own_contributions(data):
    result = realisation(data.programme, 2025, 2)
    l2 = by_label(result, "Innovatietrajecten")
    assert l2.line == data.l2
    assert l2.planned.hours == D("48.00")
    assert euros(l2.planned) == (D("4800.00"), D("24200.00"), D("29000.00"))
    assert (l2.planned.started, l2.planned.completed, l2.planned.paid) == (4, 4, 4)
    assert l2.quarter.hours == l2.cumulative.hours == D("12.25")
    assert (l2.quarter.started, l2.quarter.completed, l2.quarter.paid) == (2, 1, 2)
    assert (l2.cumulative.started, l2.cumulative.completed, l2.cumulative.paid) == (3, 1, 2)
    assert euros(l2.quarter) == (D("1225.00"), D("7865.00"), D("9090.00"))
    assert euros(l2.cumulative) == (D("1225.00"), D("7865.00"), D("9090.00"))
    province, companies = l2.parts[data.province.pk], l2.parts[data.companies.pk]
    assert euros(province.cumulative) == (D("1225.00"), D("6050.00"), D("7275.00"))
    assert euros(companies.cumulative) == (D("0.00"), D("1815.00"), D("1815.00"))
    assert province.cumulative.paid == 2
    assert province.planned.started == 4  # the scheme's funder accounts for its trajectories
    statuses = {m: v.status for m, v in l2.measures.items()}
    assert statuses == {
        "hours": "under",  # 25.5 %
        "total": "under",  # 31.3 %
        "started": "",  # 75 %
        "completed": "under",  # 25 %
        "paid": "",  # 50 %
    }
    assert l2.measure("started").percent == D("75")
    assert l2.measure("total").percent.quantize(D("0.01")) == D("31.34")


def test_a_line_without_realisation_is_behind_and_one_outside_the_plan_is_over(data):
    result = realisation(data.programme, 2025, 2)
    l3 = by_label(result, "Evenementen", "Gemeente Assen")
    assert euros(l3.planned) == (D("2400.00"), D("1000.00"), D("3400.00"))
    assert l3.cumulative.hours == D("0")
    assert l3.measure("hours").percent == D("0")
    assert l3.measure("hours").status == "under"
    unplanned = by_label(result, "Evenementen", "Programmabureau IBDO")
    assert unplanned.line is None
    assert not unplanned.planned_in_plan
    assert unplanned.quarter.hours == unplanned.cumulative.hours == D("3.00")
    assert euros(unplanned.cumulative) == (D("300.00"), D("0.00"), D("300.00"))
    assert set(unplanned.parts) == {None}  # belongs to no funder
    assert unplanned.measure("hours").percent is None
    assert unplanned.measure("hours").status == "over"
    # The plan's lines first, then what is not in the plan.
    assert [r.line for r in result.lines] == [data.l1, data.l2, data.l3, None]


def test_totals_and_funders_of_the_year_add_up_to_the_cent(data):
    result = realisation(data.programme, 2025, 2)
    totals = result.totals
    assert (totals.planned.hours, totals.planned.total) == (D("178.00"), D("42400.00"))
    assert (totals.quarter.hours, totals.quarter.total) == (D("35.25"), D("11390.00"))
    assert (totals.cumulative.hours, totals.cumulative.total) == (D("45.75"), D("12440.00"))
    rows = result.per_funder
    assert [r.name for r in rows] == [
        "Provincie Drenthe",
        "Kamer van Koophandel",
        "Ondernemers",
        "Geen financier",
    ]
    expected = {
        # planned hours, planned euros, quarter euros, cumulative hours, cumulative euros
        "Provincie Drenthe": ("98.00", "30370.00", "8275.00", "27.50", "8800.00"),
        "Kamer van Koophandel": ("80.00", "8400.00", "1000.00", "15.25", "1525.00"),
        "Ondernemers": ("0", "3630.00", "1815.00", "0", "1815.00"),
        "Geen financier": ("0", "0", "300.00", "3.00", "300.00"),
    }
    for row in rows:
        got = (
            row.planned.hours,
            row.planned.total,
            row.quarter.total,
            row.cumulative.hours,
            row.cumulative.total,
        )
        assert got == tuple(D(v) for v in expected[row.name]), row.name
    for period in ("planned", "quarter", "cumulative"):
        for measure in ("hours", "hours_amount", "out_of_pocket_incl_vat", "started", "paid"):
            parts = sum((getattr(getattr(r, period), measure) for r in rows), D(0))
            assert parts == getattr(getattr(totals, period), measure), (period, measure)
    province = funder_row(rows, "Provincie Drenthe")
    assert province.measure("hours").status == "under"  # 28.1 %
    assert province.measure("total").status == "under"  # 29.0 %
    assert (province.planned.started, province.cumulative.started) == (4, 3)
    assert funder_row(rows, "Ondernemers").measure("total").percent == D("50")
    assert funder_row(rows, "Ondernemers").measure("total").status == ""
    assert funder_row(rows, "Geen financier").measure("total").status == "over"


def test_what_happens_after_the_quarter_does_not_count(data):
    result = realisation(data.programme, 2025, 1)
    l1 = by_label(result, "Gesprekken")
    assert l1.quarter.hours == l1.cumulative.hours == D("10.50")
    l2 = by_label(result, "Innovatietrajecten")
    assert (l2.cumulative.started, l2.cumulative.completed, l2.cumulative.paid) == (1, 0, 0)
    assert l2.cumulative.total == D("0")
    assert [r.line for r in result.lines] == [data.l1, data.l2, data.l3]


# --- Q4 2025: over-spend -----------------------------------------------------------------


def test_over_when_the_cumulative_realisation_exceeds_the_plan(data):
    result = realisation(data.programme, 2025, 4)
    assert result.fraction == D("1")
    l1 = by_label(result, "Gesprekken")
    assert l1.quarter.hours == D("44.00")
    assert l1.cumulative.hours == D("105.25")
    assert l1.cumulative.total == D("10525.00")
    assert l1.measure("hours").percent == D("105.25")
    assert l1.measure("hours").status == "over"
    assert l1.measure("total").status == "over"
    l2 = by_label(result, "Innovatietrajecten")
    assert (l2.quarter.started, l2.quarter.completed, l2.quarter.paid) == (1, 0, 1)
    assert (l2.cumulative.started, l2.cumulative.completed, l2.cumulative.paid) == (4, 2, 3)
    assert l2.measure("started").status == ""  # exactly 100 % is neither
    assert l2.measure("completed").status == "under"
    assert euros(l2.quarter) == (D("0.00"), D("6050.00"), D("6050.00"))  # 5,142.50 + 907.50
    assert euros(l2.cumulative) == (D("1225.00"), D("13915.00"), D("15140.00"))
    l3 = by_label(result, "Evenementen", "Gemeente Assen")
    assert l3.cumulative.hours == D("5.00")
    assert l3.cumulative.total == D("400.00")  # Gemeente Assen's 80.00


# --- Q1 2026: a rate change, a trajectory outside the plan, since the start ----------------


def test_the_rate_of_the_entry_year_and_splitting_to_the_cent(data):
    result = realisation(data.programme, 2026, 1)
    assert result.fraction == D("0.25")
    l4 = by_label(result, "Gesprekken")
    assert l4.line == data.l4
    assert euros(l4.planned) == (D("11055.00"), D("0.00"), D("11055.00"))
    assert l4.quarter.hours == D("7.50")
    assert l4.quarter.hours_amount == D("829.13")
    assert l4.parts[data.province.pk].quarter.hours_amount == D("414.57")
    assert l4.parts[data.chamber.pk].quarter.hours_amount == D("414.56")
    assert l4.parts[data.province.pk].quarter.hours == D("3.75")
    assert l4.measure("hours").status == "under"  # 7.5 % against 25 %
    assert l4.measure("hours").expected_percent == D("25")


def test_trajectories_of_a_scheme_without_a_plan_line_that_year_are_not_lost(data):
    result = realisation(data.programme, 2026, 1)
    row = by_label(result, "Innovatietraject")
    assert row.line is None
    assert row.scheme == data.scheme
    assert row.year == 2026
    assert (row.quarter.started, row.cumulative.started) == (1, 1)
    assert row.measure("started").status == "over"
    assert result.scheme_lines == [row]


def test_since_the_start_every_year_up_to_the_quarter_counts(data):
    result = realisation(data.programme, 2026, 1)
    totals = result.to_date_totals
    assert (totals.planned.hours, totals.planned.total) == (D("278.00"), D("53455.00"))
    assert (totals.cumulative.hours, totals.cumulative.total) == (D("133.00"), D("27194.13"))
    rows = result.to_date_per_funder
    expected = {
        "Provincie Drenthe": ("148.00", "35897.50", "68.63", "18094.57"),
        "Kamer van Koophandel": ("130.00", "13927.50", "61.37", "6077.06"),
        "Ondernemers": ("0", "3630.00", "0", "2722.50"),
        "Geen financier": ("0", "0", "3.00", "300.00"),
    }
    for row in rows:
        got = (row.planned.hours, row.planned.total, row.cumulative.hours, row.cumulative.total)
        assert got == tuple(D(v) for v in expected[row.name]), row.name
    assert sum((r.cumulative.total for r in rows), D(0)) == totals.cumulative.total
    province = funder_row(rows, "Provincie Drenthe")
    assert (province.planned.started, province.cumulative.started) == (4, 5)
    assert province.measure("started").status == "over"
    # Expected share since the start: 2025's plan fully, 2026's for a quarter, weighted by
    # the plan: (42,400.00 x 1 + 11,055.00 x 0.25) / 53,455.00.
    expected_total = (D("42400.00") + D("11055.00") * D("0.25")) * 100 / D("53455.00")
    assert totals.measure("total").expected_percent == expected_total
    # The year's own tables hold only 2026.
    assert result.totals.planned.total == D("11055.00")
    assert result.totals.cumulative.total == D("829.13")


def test_as_dict_gives_money_as_strings(data):
    out = realisation(data.programme, 2025, 2).as_dict()
    assert (out["year"], out["quarter"]) == (2025, 2)
    assert out["expected_percent"] == "50"
    l2 = out["lines"][1]
    assert l2["plan_line_id"] == data.l2.pk
    assert l2["planned"]["total"] == "29000.00"
    assert l2["cumulative"]["out_of_pocket_incl_vat"] == "7865.00"
    assert l2["cumulative"]["hours"] == "12.25"
    assert l2["cumulative"]["trajectories_started"] == 3
    assert l2["measures"]["trajectories_completed"] == {
        "percent": "25",
        "expected_percent": "50",
        "status": "under",
    }
    unplanned = out["lines"][3]
    assert unplanned["in_plan"] is False
    assert unplanned["measures"]["hours"]["status"] == "over"
    assert unplanned["measures"]["hours"]["percent"] is None
    assert out["totals"]["cumulative"]["total"] == "12440.00"
    assert [r["name"] for r in out["per_funder"]][-1] == "Geen financier"
    assert out["per_funder"][-1]["funder_id"] is None
    assert out["to_date"]["totals"]["planned"]["total"] == "42400.00"

    def no_float(value):
        if isinstance(value, dict):
            return all(no_float(v) for v in value.values())
        if isinstance(value, list):
            return all(no_float(v) for v in value)
        return not isinstance(value, float)

    assert no_float(out)


# --- other rules -------------------------------------------------------------------------


def test_a_missing_rate_is_reported_and_the_hours_still_count(world, data):
    f.HourEntryFactory(
        programme=data.programme,
        user=world.alice,
        organisation=world.gem_emmen,
        date=dt.date(2025, 5, 1),
        activity_type=data.talks,
        hours=D("2.00"),
    )
    result = realisation(data.programme, 2025, 2)
    row = by_label(result, "Gesprekken", "Gemeente Emmen")
    assert row.cumulative.hours == D("2.00")
    assert row.cumulative.total == D("0")
    assert any("Gemeente Emmen" in p and "2025" in p for p in result.problems)


def test_own_contributions_without_an_own_contributions_funder_belong_to_no_funder(data):
    data.companies.delete()
    result = realisation(data.programme, 2025, 2)
    l2 = by_label(result, "Innovatietrajecten")
    assert l2.parts[None].cumulative.out_of_pocket_incl_vat == D("1815.00")
    assert funder_row(result.per_funder, "Geen financier").cumulative.total == D("2115.00")
    assert any("eigen bijdragen" in p for p in result.problems)


def test_shares_under_100_leave_the_rest_of_the_hours_to_no_funder(world, data):
    data.l1.fundings.filter(funder=data.chamber).update(hours_share=D("25"))
    result = realisation(data.programme, 2025, 2)
    l1 = by_label(result, "Gesprekken")
    # Q1 10.5 h: 50/25/0/rest 25 -> 5.25/2.62(5)/0/2.62(5); Q2 20 h -> 10/5/0/5.
    assert l1.parts[data.province.pk].cumulative.hours == D("15.25")
    chamber = l1.parts[data.chamber.pk].cumulative
    rest = l1.parts[None].cumulative
    assert chamber.hours + rest.hours == D("15.25")
    assert chamber.total + rest.total == D("1525.00")
    total = sum((p.cumulative.total for p in l1.parts.values()), D(0))
    assert total == l1.cumulative.total == D("3050.00")


def test_a_withdrawn_trajectory_that_had_started_still_started(data):
    Trajectory.objects.filter(title="T2").update(status=Trajectory.Status.WITHDRAWN)
    result = realisation(data.programme, 2025, 2)
    assert by_label(result, "Innovatietrajecten").cumulative.started == 3


def test_nine_queries_whatever_the_size_of_the_data(world, data, django_assert_num_queries):
    with django_assert_num_queries(9):
        realisation(data.programme, 2025, 4)
    # Three times the plan, hours and trajectories: still nine.
    for n in range(2):
        activity = f.ActivityTypeFactory(programme=data.programme, name=f"Extra {n}")
        f.PlanLineFactory(
            programme=data.programme,
            year=2025,
            activity_type=activity,
            organisation=world.bureau,
            funders={data.province: (100, 0)},
        )
        for month in range(1, 13):
            f.HourEntryFactory(
                programme=data.programme,
                user=world.alice,
                organisation=world.bureau,
                date=dt.date(2025, month, 2),
                activity_type=activity,
            )
        item = f.TrajectoryFactory(scheme=data.scheme, started_on=dt.date(2025, 3 + n, 1))
        item.completed_on = dt.date(2025, 9, 1)
        item.save()
    with django_assert_num_queries(9):
        result = realisation(data.programme, 2025, 4)
    assert len(result.lines) == 6


# --- periods -----------------------------------------------------------------------------


def _programme(starts_on, ends_on):
    return Programme(name="P", starts_on=starts_on, ends_on=ends_on)


def test_quarter_bounds_and_the_quarters_of_a_programme():
    assert quarter_bounds(2025, 1) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert quarter_bounds(2024, 1)[1] == dt.date(2024, 3, 31)
    assert quarter_bounds(2025, 2) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert quarter_bounds(2025, 4) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    programme = _programme(dt.date(2014, 5, 1), dt.date(2015, 12, 31))
    assert quarters(programme) == [(2014, 2), (2014, 3), (2014, 4)] + [
        (2015, q) for q in (1, 2, 3, 4)
    ]
    assert period_problem(programme, 2014, 1)
    assert period_problem(programme, 2016, 1)
    assert period_problem(programme, 2014, 2) is None


def test_the_expected_share_counts_months_of_the_year_within_the_programme():
    programme = _programme(dt.date(2014, 5, 1), dt.date(2015, 12, 31))
    assert elapsed_fraction(programme, 2014, dt.date(2014, 6, 30)) == D(2) / D(8)
    assert elapsed_fraction(programme, 2014, dt.date(2014, 9, 30)) == D(5) / D(8)
    assert elapsed_fraction(programme, 2014, dt.date(2014, 12, 31)) == 1
    assert elapsed_fraction(programme, 2014, dt.date(2015, 3, 31)) == 1  # a year passed
    assert elapsed_fraction(programme, 2015, dt.date(2015, 3, 31)) == D("0.25")
    assert elapsed_fraction(programme, 2015, dt.date(2014, 12, 31)) == 0  # not yet begun


def test_the_default_period_is_today_within_the_programme_else_the_nearest():
    programme = _programme(dt.date(2025, 1, 1), dt.date(2028, 12, 31))
    assert default_period(programme, dt.date(2026, 11, 22)) == (2026, 4)
    assert default_period(programme, dt.date(2030, 5, 1)) == (2028, 4)  # ended: the last
    assert default_period(programme, dt.date(2024, 5, 1)) == (2025, 1)  # to come: the first
    # A chosen year without a quarter: the quarter of that year nearest to today.
    assert default_period(programme, dt.date(2026, 11, 22), 2025) == (2025, 4)
    assert default_period(programme, dt.date(2026, 11, 22), 2027) == (2027, 1)
    assert default_period(programme, dt.date(2026, 11, 22), 2026) == (2026, 4)


def test_under_is_more_than_ten_points_behind_and_over_more_than_planned():
    def compared(planned: str, realised: str, fraction: str) -> str:
        item = Comparison(planned=Figures(hours=D(planned)), cumulative=Figures(hours=D(realised)))
        item.set_expected(D(fraction))
        return item.measure("hours").status

    assert compared("100", "40", "0.5") == ""  # exactly 10 points behind
    assert compared("100", "39.99", "0.5") == "under"
    assert compared("100", "100", "0.5") == ""
    assert compared("100", "100.01", "1") == "over"
    assert compared("0", "0", "1") == ""
    assert compared("0", "0.25", "1") == "over"
    assert compared("100", "0", "0") == ""  # nothing expected yet
