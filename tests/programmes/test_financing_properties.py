"""Property: for any plan (funders, executing organisations with rates per year, schemes
with VAT, lines with counts, norms or fixed hours, shares adding up to 100 % and
out-of-pocket amounts) the financing overview adds up to the cent: the totals are the
sums of the lines, each line's funder parts add up to the line, the funders' totals add
up to the grand total, and every amount is a Decimal of whole cents. No float anywhere.

Each example builds its plan in the database and rolls it back afterwards.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.programmes.financing import overview
from loket.programmes.models import (
    CENT,
    ZERO,
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
    Scheme,
    cents,
)
from tests import factories as f

YEARS = [2025, 2026, 2027, 2028]
KINDS = [k for k in Funder.Kind.values if k != Funder.Kind.COMPANIES]


def amounts(max_cents: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, max_cents).map(lambda c: Decimal(c) / 100)


def shares(n: int) -> st.SearchStrategy[list[Decimal]]:
    """n shares in hundredths of a percent that add up to exactly 100 %."""
    return st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1).map(
        lambda cuts: [
            Decimal(b - a) / 100
            for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 10_000], strict=True)
        ]
    )


@st.composite
def plans(draw: Any) -> dict[str, Any]:
    n_funders = draw(st.integers(1, 4))
    funders = [
        {"kind": draw(st.sampled_from(KINDS)), "position": draw(st.integers(0, 3))}
        for _ in range(n_funders)
    ]
    if draw(st.booleans()):
        funders.append({"kind": Funder.Kind.COMPANIES, "position": draw(st.integers(0, 3))})
    n_orgs = draw(st.integers(1, 3))
    rates = [
        {
            year: draw(amounts(30_000))
            for year in draw(st.lists(st.sampled_from(YEARS), max_size=3, unique=True))
        }
        for _ in range(n_orgs)
    ]
    schemes = []
    for _ in range(draw(st.integers(0, 2))):
        value = draw(amounts(5_000_000))
        schemes.append(
            {
                "funder": draw(st.integers(0, len(funders) - 1)),
                "value": value,
                "max_granted": draw(amounts(int(value * 100))),
                "own_contribution": draw(amounts(int(value * 100))),
                "vat_rate": draw(amounts(3_000)),
            }
        )
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        fixed = draw(st.booleans())
        lines.append(
            {
                "year": draw(st.sampled_from(YEARS)),
                "org": draw(st.integers(0, n_orgs - 1)),
                "count": draw(st.integers(0, 1_000)),
                "hours_per_unit": None if fixed else draw(amounts(50_000)),
                "fixed_hours": draw(amounts(10_000_000)) if fixed else None,
                "scheme": draw(st.sampled_from([None, *range(len(schemes))])),
                "shares": draw(shares(len(funders))),
                "out": [draw(amounts(10_000_000)) for _ in funders],
            }
        )
    return {"funders": funders, "rates": rates, "schemes": schemes, "lines": lines}


def build(world: Any, spec: dict[str, Any]) -> Programme:
    region = world.region
    programme = f.ProgrammeFactory(region=region)
    orgs = [f.OrganisationFactory(region=region) for _ in spec["rates"]]
    programme.organisations.set(orgs)
    funders = [
        Funder.objects.create(
            region=region, programme=programme, name=f"F{i}", kind=s["kind"], position=s["position"]
        )
        for i, s in enumerate(spec["funders"])
    ]
    for org, per_year in zip(orgs, spec["rates"], strict=True):
        for year, rate in per_year.items():
            HourlyRate.objects.create(
                region=region, programme=programme, organisation=org, year=year, rate=rate
            )
    schemes = [
        Scheme.objects.create(
            region=region,
            programme=programme,
            name=f"S{i}",
            funder=funders[s["funder"]],
            value=s["value"],
            max_granted=s["max_granted"],
            own_contribution=s["own_contribution"],
            vat_rate=s["vat_rate"],
            available=10,
        )
        for i, s in enumerate(spec["schemes"])
    ]
    for i, s in enumerate(spec["lines"]):
        activity = ActivityType.objects.create(
            region=region, programme=programme, name=f"A{i}", code=f"a{i}"
        )
        line = PlanLine.objects.create(
            region=region,
            programme=programme,
            year=s["year"],
            activity_type=activity,
            organisation=orgs[s["org"]],
            count=s["count"],
            hours_per_unit=s["hours_per_unit"],
            fixed_hours=s["fixed_hours"],
            scheme=schemes[s["scheme"]] if s["scheme"] is not None else None,
            position=i % 3,
        )
        for funder, share, out in zip(funders, s["shares"], s["out"], strict=True):
            PlanLineFunding.objects.create(
                region=region,
                line=line,
                funder=funder,
                hours_share=share,
                out_of_pocket_incl_vat=out,
            )
    return programme


def whole_cents(value: Any) -> bool:
    return isinstance(value, Decimal) and value == value.quantize(CENT)


def no_float(value: Any) -> bool:
    if isinstance(value, dict):
        return all(no_float(v) for v in value.values())
    if isinstance(value, list):
        return all(no_float(v) for v in value)
    return not isinstance(value, float)


def check(programme: Programme, year: int | None) -> None:
    result = overview(programme, year)
    funder_ids = [fu.pk for fu in result.funders]
    assert not result.has_unassigned  # shares add up to 100 %
    for lf in result.lines:
        parts = [lf.parts[pk] for pk in funder_ids]
        assert sum((p.hours for p in parts), ZERO) == lf.hours
        assert sum((p.hours_amount for p in parts), ZERO) == lf.hours_amount
        assert sum((p.out_of_pocket_incl_vat for p in parts), ZERO) == lf.out_of_pocket_incl_vat
        assert sum((p.total for p in parts), ZERO) == lf.total
        expected_amount = cents(lf.hours * lf.rate) if lf.rate is not None else ZERO
        assert lf.hours_amount == expected_amount
        for p in parts:
            # Each part is within a cent of its exact share.
            assert abs(p.hours_amount - lf.hours_amount * p.hours_share / 100) < CENT
            assert abs(p.hours - lf.hours * p.hours_share / 100) < CENT
            assert all(whole_cents(v) for v in (p.hours, p.hours_amount, p.out_of_pocket_incl_vat))
        assert all(whole_cents(v) for v in (lf.hours, lf.hours_amount, lf.total))
        if lf.rate is not None:
            assert whole_cents(lf.rate)
    assert sum((lf.hours for lf in result.lines), ZERO) == result.hours
    assert sum((lf.hours_amount for lf in result.lines), ZERO) == result.hours_amount
    assert (
        sum((lf.out_of_pocket_incl_vat for lf in result.lines), ZERO)
        == result.out_of_pocket_incl_vat
    )
    assert sum((lf.total for lf in result.lines), ZERO) == result.total
    assert sum((ft.hours for ft in result.per_funder), ZERO) == result.hours
    assert sum((ft.hours_amount for ft in result.per_funder), ZERO) == result.hours_amount
    assert sum((ft.total for ft in result.per_funder), ZERO) == result.total
    for ft in result.per_funder:
        assert ft.total == sum((lf.parts[ft.funder.pk].total for lf in result.lines), ZERO)
        assert all(whole_cents(v) for v in (ft.hours, ft.hours_amount, ft.total))
        assert isinstance(ft.hours_share, Decimal)
        assert isinstance(ft.total_share, Decimal)
    if result.hours:
        assert abs(sum(ft.hours_share for ft in result.per_funder) - 100) < Decimal("1e-20")
    if result.total:
        assert abs(sum(ft.total_share for ft in result.per_funder) - 100) < Decimal("1e-20")
    data = result.as_dict()
    assert no_float(data)
    assert Decimal(data["totals"]["total"]) == result.total
    assert sum(Decimal(ft["total"]) for ft in data["per_funder"]) == result.total


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=plans(), year=st.sampled_from([None, *YEARS]))
def test_the_overview_adds_up_for_any_plan(world, spec, year):
    with transaction.atomic():
        programme = build(world, spec)
        check(programme, year)
        check(programme, None)
        transaction.set_rollback(True)
