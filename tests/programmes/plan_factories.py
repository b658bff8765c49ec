"""A small programme for the plan tests: "Plan 2025-2026" of Drenthe, executed by the
programme bureau and the municipality of Assen, with two funders (the province and the
chamber of commerce), the bureau's rate of 100.00 from 2025 and two activity types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from loket.programmes.models import Funder
from tests import factories as f


def small_plan(world, name: str = "Plan 2025-2026") -> SimpleNamespace:
    programme = f.ProgrammeFactory(
        region=world.region,
        name=name,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        organisations=[world.bureau, world.gem_assen],
    )
    province = f.FunderFactory(
        programme=programme, name="Provincie", kind=Funder.Kind.PROVINCE, position=10
    )
    chamber = f.FunderFactory(
        programme=programme, name="KvK", kind=Funder.Kind.CHAMBER, position=20
    )
    rate = f.HourlyRateFactory(
        programme=programme, organisation=world.bureau, year=2025, rate=Decimal("100.00")
    )
    talks = f.ActivityTypeFactory(
        programme=programme,
        name="Gesprekken",
        code="gesprekken",
        default_hours_per_unit=Decimal("2.00"),
    )
    management = f.ActivityTypeFactory(
        programme=programme, name="Projectmanagement", code="projectmanagement"
    )
    return SimpleNamespace(
        programme=programme,
        bureau=world.bureau,
        province=province,
        chamber=chamber,
        rate=rate,
        talks=talks,
        management=management,
    )


def line_post(plan, **changes) -> dict[str, str]:
    """A valid POST of the plan line form for ``plan``: 10 conversations of 2 hours by
    the bureau in 2025, 50/50 over the province and the chamber, 121,00 out-of-pocket
    for the province."""
    data = {
        "year": "2025",
        "activity_type": str(plan.talks.pk),
        "organisation": str(plan.bureau.pk),
        "description": "",
        "count": "10",
        "hours_per_unit": "2",
        "fixed_hours": "",
        "scheme": "",
        "financiering-TOTAL_FORMS": "2",
        "financiering-INITIAL_FORMS": "2",
        "financiering-MIN_NUM_FORMS": "0",
        "financiering-MAX_NUM_FORMS": "2",
        "financiering-0-funder": str(plan.province.pk),
        "financiering-0-hours_share": "50",
        "financiering-0-out_of_pocket_incl_vat": "121,00",
        "financiering-1-funder": str(plan.chamber.pk),
        "financiering-1-hours_share": "50",
        "financiering-1-out_of_pocket_incl_vat": "",
    }
    data.update(changes)
    return data
