"""The financing overview of a plan built from scratch, every figure checked against
values computed by hand (see tests/programmes/financing_factories.py for the plan).

Hand computation of the example plan (rates excl. VAT; out-of-pocket incl. VAT):

- L1 2025 Gesprekken, bureau: 40 x 2.5 = 100 h x 100.00 = 10,000.00; 50/50:
  P 50 h 5,000.00 + out-of-pocket 1,210.00; K 50 h 5,000.00.
- L2 2026 Gesprekken, bureau: 30 x 2.5 = 75 h x 110.00 (the 2026 rate) = 8,250.00; P 100 %.
- L3 2025 Innovatietrajecten, bureau, scheme: 3 x 12 = 36 h x 100.00 = 3,600.00, P 100 %;
  per trajectory granted 4,250.00 x 1.21 = 5,142.50 to R and own contribution
  750.00 x 1.21 = 907.50 to O; x 3: R 15,427.50, O 2,722.50.
- L4 2025 Projectmanagement, KvK Noord: fixed 80 h x 95.50 = 7,640.00, K 100 %,
  out-of-pocket K 500.00.
- L5 2025 Evaluatie, KvK Noord: 7 x 1.5 = 10.5 h x 95.50 = 1,002.75; 33.33/33.33/33.34:
  hours 3.49965/3.49965/3.5007 -> floors 3.49/3.49/3.50 (10.48), the two cents left go to
  the largest remainders P and K: 3.50/3.50/3.50. Amount 334.216575/334.216575/334.31685
  -> floors 334.21/334.21/334.31 (1,002.73); two cents left: R (.00685) first, then P
  (.006575, tied with K, the earlier funder wins): 334.22/334.21/334.32.

Totals: hours 301.50; hours amount 30,492.75; out-of-pocket 19,860.00; total 50,352.75.
Per funder (hours, amount, out-of-pocket, total):
P 164.50, 17,184.22, 1,210.00, 18,394.22; K 133.50, 12,974.21, 500.00, 13,474.21;
R 3.50, 334.32, 15,427.50, 15,761.82; O 0, 0.00, 2,722.50, 2,722.50.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from loket.core.numbers import percent
from loket.programmes import financing
from loket.programmes.financing import overview, rate_for, split
from loket.programmes.models import Funder
from tests import factories as f
from tests.programmes.financing_factories import example_plan

D = Decimal
Q4 = D("0.0001")


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def plan(world):
    return example_plan(world)


def figures(line_figures, funders):
    """(hours, hours amount, out-of-pocket) per funder of one line, in funder order."""
    return [
        (
            line_figures.parts[fu.pk].hours,
            line_figures.parts[fu.pk].hours_amount,
            line_figures.parts[fu.pk].out_of_pocket_incl_vat,
        )
        for fu in funders
    ]


def test_every_line_figure_matches_the_hand_computation(plan):
    result = overview(plan.programme)
    funders = [plan.province, plan.chamber, plan.deal, plan.companies]
    assert result.funders == funders
    assert [lf.line for lf in result.lines] == [
        plan.lines[0],  # 2025, position 1
        plan.lines[2],  # 2025, position 2
        plan.lines[3],
        plan.lines[4],
        plan.lines[1],  # 2026
    ]
    by_line = {lf.line.pk: lf for lf in result.lines}
    l1, l2, l3, l4, l5 = (by_line[line.pk] for line in plan.lines)
    zero = (D("0.00"), D("0.00"), D("0.00"))

    # L1: a 50/50 split line with out-of-pocket for the province.
    assert (l1.hours, l1.rate, l1.hours_amount) == (D("100.00"), D("100.00"), D("10000.00"))
    assert figures(l1, funders) == [
        (D("50.00"), D("5000.00"), D("1210.00")),
        (D("50.00"), D("5000.00"), D("0.00")),
        zero,
        zero,
    ]
    assert (l1.out_of_pocket_incl_vat, l1.total) == (D("1210.00"), D("11210.00"))

    # L2: the same organisation in 2026 is priced at the 2026 rate.
    assert (l2.hours, l2.rate, l2.hours_amount) == (D("75.00"), D("110.00"), D("8250.00"))
    assert figures(l2, funders) == [(D("75.00"), D("8250.00"), D("0.00")), zero, zero, zero]
    assert (l2.out_of_pocket_incl_vat, l2.total) == (D("0.00"), D("8250.00"))

    # L3: three trajectories of the scheme: granted and own contribution incl. 21 % VAT.
    assert (l3.hours, l3.rate, l3.hours_amount) == (D("36.00"), D("100.00"), D("3600.00"))
    assert figures(l3, funders) == [
        (D("36.00"), D("3600.00"), D("0.00")),
        zero,
        (D("0.00"), D("0.00"), D("15427.50")),  # 3 x 5,142.50
        (D("0.00"), D("0.00"), D("2722.50")),  # 3 x 907.50
    ]
    assert (l3.out_of_pocket_incl_vat, l3.total) == (D("18150.00"), D("21750.00"))

    # L4: a fixed number of hours (no norm x count).
    assert (l4.hours, l4.rate, l4.hours_amount) == (D("80.00"), D("95.50"), D("7640.00"))
    assert figures(l4, funders) == [zero, (D("80.00"), D("7640.00"), D("500.00")), zero, zero]
    assert (l4.out_of_pocket_incl_vat, l4.total) == (D("500.00"), D("8140.00"))

    # L5: awkward shares still add up to the cent.
    assert (l5.hours, l5.rate, l5.hours_amount) == (D("10.50"), D("95.50"), D("1002.75"))
    assert figures(l5, funders) == [
        (D("3.50"), D("334.22"), D("0.00")),
        (D("3.50"), D("334.21"), D("0.00")),
        (D("3.50"), D("334.32"), D("0.00")),
        zero,
    ]
    assert [l5.parts[fu.pk].hours_share for fu in funders] == [
        D("33.33"),
        D("33.33"),
        D("33.34"),
        D("0.00"),
    ]
    assert (l5.out_of_pocket_incl_vat, l5.total) == (D("0.00"), D("1002.75"))
    for lf in result.lines:
        assert (lf.unassigned_hours, lf.unassigned_hours_amount) == (D("0"), D("0"))


def test_every_funder_figure_and_the_grand_totals_match_the_hand_computation(plan):
    result = overview(plan.programme)
    per_funder = [
        (
            ft.funder.name,
            ft.hours,
            ft.hours_amount,
            ft.hours_share.quantize(Q4),
            ft.out_of_pocket_incl_vat,
            ft.total,
            ft.total_share.quantize(Q4),
        )
        for ft in result.per_funder
    ]
    assert per_funder == [
        # 164.5 / 301.5 = 54.5605 %; 18,394.22 / 50,352.75 = 36.5307 %
        (
            "Provincie Drenthe",
            D("164.50"),
            D("17184.22"),
            D("54.5605"),
            D("1210.00"),
            D("18394.22"),
            D("36.5307"),
        ),
        (
            "Kamer van Koophandel",
            D("133.50"),
            D("12974.21"),
            D("44.2786"),
            D("500.00"),
            D("13474.21"),
            D("26.7596"),
        ),
        (
            "Regio Deal",
            D("3.50"),
            D("334.32"),
            D("1.1609"),
            D("15427.50"),
            D("15761.82"),
            D("31.3028"),
        ),
        ("Ondernemers", D("0.00"), D("0.00"), D("0"), D("2722.50"), D("2722.50"), D("5.4069")),
    ]
    assert result.hours == D("301.50")
    assert result.hours_amount == D("30492.75")
    assert result.out_of_pocket_incl_vat == D("19860.00")
    assert result.total == D("50352.75")
    assert result.problems == []
    assert not result.has_unassigned


def test_shares_are_exact_and_rounded_only_for_display(plan):
    result = overview(plan.programme)
    # The exact shares add up to 100 (to the precision of Decimal), their one-place
    # display values need not: 54.6 + 44.3 + 1.2 + 0.0 = 100.1.
    assert abs(sum(ft.hours_share for ft in result.per_funder) - 100) < D("1e-20")
    assert abs(sum(ft.total_share for ft in result.per_funder) - 100) < D("1e-20")
    assert [percent(ft.hours_share) for ft in result.per_funder] == [
        "54,6 %",
        "44,3 %",
        "1,2 %",
        "0,0 %",
    ]


def test_one_year(plan):
    result = overview(plan.programme, year=2025)
    assert result.year == 2025
    assert [lf.line.year for lf in result.lines] == [2025, 2025, 2025, 2025]
    assert (result.hours, result.hours_amount, result.out_of_pocket_incl_vat, result.total) == (
        D("226.50"),
        D("22242.75"),
        D("19860.00"),
        D("42102.75"),
    )
    assert [
        (
            ft.hours,
            ft.hours_amount,
            ft.out_of_pocket_incl_vat,
            ft.total,
            ft.total_share.quantize(Q4),
        )
        for ft in result.per_funder
    ] == [
        (D("89.50"), D("8934.22"), D("1210.00"), D("10144.22"), D("24.0940")),
        (D("133.50"), D("12974.21"), D("500.00"), D("13474.21"), D("32.0032")),
        (D("3.50"), D("334.32"), D("15427.50"), D("15761.82"), D("37.4366")),
        (D("0.00"), D("0.00"), D("2722.50"), D("2722.50"), D("6.4663")),
    ]
    later = overview(plan.programme, year=2026)
    assert [(lf.hours, lf.rate, lf.hours_amount) for lf in later.lines] == [
        (D("75.00"), D("110.00"), D("8250.00"))
    ]
    assert [ft.total for ft in later.per_funder] == [D("8250.00"), D("0"), D("0"), D("0")]
    assert later.total == D("8250.00")
    assert overview(plan.programme, year=2027).lines == []
    assert overview(plan.programme, year=2027).total == D("0")


def test_a_missing_rate_is_reported_and_its_hours_still_count(world, plan):
    cluster = f.ActivityTypeFactory(programme=plan.programme, name="Clusterbijeenkomst")
    for count in (2, 3):  # two lines, one message
        f.PlanLineFactory(
            programme=plan.programme,
            year=2023 + count,
            activity_type=cluster,
            organisation=world.gem_assen,
            count=count,
            hours_per_unit=D("100.00"),
            funders={plan.province: (100, 0)},
        )
    result = overview(plan.programme)
    assert result.problems == [
        "Geen uurtarief voor Gemeente Assen in 2025.",
        "Geen uurtarief voor Gemeente Assen in 2026.",
    ]
    assessed = [lf for lf in result.lines if lf.line.organisation == world.gem_assen]
    assert [(lf.hours, lf.rate, lf.hours_amount) for lf in assessed] == [
        (D("200.00"), None, D("0.00")),
        (D("300.00"), None, D("0.00")),
    ]
    assert result.hours == D("801.50")
    assert result.hours_amount == D("30492.75")
    assert result.per_funder[0].hours == D("664.50")


def test_a_rate_holds_from_its_year_until_a_later_one_replaces_it():
    rates = {7: [(2025, D("100.00")), (2027, D("120.00"))]}
    assert rate_for(rates, 7, 2024) is None
    assert rate_for(rates, 7, 2025) == D("100.00")
    assert rate_for(rates, 7, 2026) == D("100.00")
    assert rate_for(rates, 7, 2027) == D("120.00")
    assert rate_for(rates, 7, 2030) == D("120.00")
    assert rate_for(rates, 8, 2026) is None


def test_load_rates_per_organisation_sorted_by_year(world, plan):
    rates = financing.load_rates(plan.programme)
    assert rates[world.bureau.pk] == [(2025, D("100.00")), (2026, D("110.00"))]
    assert rates[plan.kvk.pk] == [(2025, D("95.50"))]


def test_split_adds_up_and_gives_leftover_cents_to_the_largest_remainders():
    assert split(D("1002.75"), [D("33.33"), D("33.33"), D("33.34")]) == [
        D("334.22"),
        D("334.21"),
        D("334.32"),
    ]
    assert split(D("0.01"), [D("50"), D("50")]) == [D("0.01"), D("0.00")]
    assert split(D("0.02"), [D("1"), D("1"), D("1")]) == [D("0.01"), D("0.01"), D("0.00")]
    assert split(D("100.00"), [D("0"), D("0")]) == [D("0"), D("0")]
    assert split(D("-0.03"), [D("1"), D("1")]) == [D("-0.02"), D("-0.01")]
    assert split(D("10"), []) == []


def test_shares_under_100_leave_the_rest_unassigned_and_say_so(world):
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    province = f.FunderFactory(programme=programme, name="Provincie")
    f.HourlyRateFactory(programme=programme, organisation=world.bureau, rate=D("100"))
    talks = f.ActivityTypeFactory(programme=programme, name="Gesprekken")
    f.PlanLineFactory(
        programme=programme,
        activity_type=talks,
        organisation=world.bureau,
        count=10,
        hours_per_unit=D("1.00"),
        funders={province: (60, 0)},
    )
    result = overview(programme)
    (line,) = result.lines
    assert (line.parts[province.pk].hours, line.parts[province.pk].hours_amount) == (
        D("6.00"),
        D("600.00"),
    )
    assert (line.unassigned_hours, line.unassigned_hours_amount) == (D("4.00"), D("400.00"))
    assert (result.unassigned_hours, result.unassigned_hours_amount) == (D("4.00"), D("400.00"))
    assert result.per_funder[0].total + result.unassigned_hours_amount == result.total
    assert result.per_funder[0].hours_share == D("60")
    assert result.problems == [
        "2025 Gesprekken (Programmabureau IBDO): de aandelen in de uren tellen op tot "
        "60,00 % in plaats van 100 %."
    ]


def test_a_scheme_line_without_an_own_contributions_funder_is_reported(world):
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    province = f.FunderFactory(programme=programme, name="Provincie", kind=Funder.Kind.PROVINCE)
    f.HourlyRateFactory(programme=programme, organisation=world.bureau, rate=D("100"))
    scheme = f.SchemeFactory(programme=programme, funder=province)
    line = f.PlanLineFactory(
        programme=programme,
        organisation=world.bureau,
        count=2,
        hours_per_unit=D("12.00"),
        scheme=scheme,
        funders={province: (100, 0)},
    )
    result = overview(programme)
    (figures_,) = result.lines
    # Hours 24 x 100.00 = 2,400.00 plus 2 x 5,142.50 granted; the own contributions
    # have nobody to go to.
    assert figures_.parts[province.pk].total == D("12685.00")
    assert result.total == D("12685.00")
    assert result.problems == [
        f"{line}: de eigen bijdragen van de regeling tellen niet mee, want het programma "
        "heeft geen financier voor eigen bijdragen."
    ]


def test_an_empty_plan_is_all_zeros(world):
    programme = f.ProgrammeFactory(region=world.region)
    f.FunderFactory(programme=programme)
    result = overview(programme)
    assert result.lines == []
    assert [(ft.hours, ft.total, ft.hours_share, ft.total_share) for ft in result.per_funder] == [
        (D("0"), D("0"), D("0"), D("0"))
    ]
    assert result.total == D("0")
    assert result.problems == []


def test_as_dict_gives_money_as_strings_and_shares_as_plain_decimals(plan):
    data = overview(plan.programme).as_dict()
    assert data["totals"] == {
        "hours": "301.50",
        "hours_amount": "30492.75",
        "out_of_pocket_incl_vat": "19860.00",
        "total": "50352.75",
        "unassigned_hours": "0.00",
        "unassigned_hours_amount": "0.00",
    }
    first = data["lines"][0]
    assert (first["year"], first["activity_type"], first["count"]) == (2025, "Gesprekken", 40)
    assert (first["hours_per_unit"], first["fixed_hours"], first["rate"]) == (
        "2.50",
        None,
        "100.00",
    )
    assert first["funders"][0] == {
        "funder_id": plan.province.pk,
        "hours_share": "50",
        "hours": "50.00",
        "hours_amount": "5000.00",
        "out_of_pocket_incl_vat": "1210.00",
        "total": "6210.00",
    }
    shares = [line["funders"][0]["hours_share"] for line in data["lines"]]
    assert shares == ["50", "100", "0", "33.33", "100"]  # never "1E+2"
    province = data["per_funder"][0]
    assert province["total"] == "18394.22"
    assert D(province["total_share"]).quantize(Q4) == D("36.5307")
    assert data["lines"][1]["scheme"] == "Innovatietraject"
    assert data["problems"] == []


@pytest.mark.parametrize("extra_lines", [0, 25])
def test_four_queries_whatever_the_size_of_the_plan(
    world, plan, extra_lines, django_assert_num_queries
):
    for n in range(extra_lines):
        f.PlanLineFactory(
            programme=plan.programme,
            year=2027,
            organisation=world.bureau,
            funders={plan.province: (50, 10), plan.chamber: (50, 0)},
            scheme=plan.scheme if n % 2 else None,
            description=f"regel {n}",
        )
    with django_assert_num_queries(4):
        result = overview(plan.programme)
        result.as_dict()
    assert len(result.lines) == 5 + extra_lines
    with django_assert_num_queries(4):
        overview(plan.programme, year=2027)
