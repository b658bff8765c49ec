"""The example plan of the financing tests, built from scratch.

Programme "IBDO 2025-2028", executed by the programme bureau (rate 100.00 from 2025,
110.00 from 2026) and "KvK Noord" (95.50 from 2025). Funders, in this order: the
province (P), the chamber of commerce (K), a national "Regio Deal" (R) and the companies'
own contributions (O). The innovation scheme is worth 5,000.00, grants 4,250.00 (paid by
R) and asks 750.00 own contribution, VAT 21 %.

- L1 2025 Gesprekken, bureau: 40 x 2.5 hours, P 50 % / K 50 %, out-of-pocket P 1,210.00.
- L2 2026 Gesprekken, bureau: 30 x 2.5 hours, P 100 %.
- L3 2025 Innovatietrajecten, bureau, 3 trajectories of the scheme x 12 hours, P 100 %.
- L4 2025 Projectmanagement, KvK Noord: a fixed 80 hours, K 100 %, out-of-pocket K 500.00.
- L5 2025 Evaluatie, KvK Noord: 7 x 1.5 hours, P 33.33 % / K 33.33 % / R 33.34 %.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from loket.programmes.models import Funder
from tests import factories as f

D = Decimal


def example_plan(world, name: str = "IBDO 2025-2028") -> SimpleNamespace:
    kvk = f.OrganisationFactory(region=world.region, name="KvK Noord")
    programme = f.ProgrammeFactory(
        region=world.region, name=name, organisations=[world.bureau, kvk, world.gem_assen]
    )
    province = f.FunderFactory(
        programme=programme, name="Provincie Drenthe", kind=Funder.Kind.PROVINCE, position=1
    )
    chamber = f.FunderFactory(
        programme=programme, name="Kamer van Koophandel", kind=Funder.Kind.CHAMBER, position=2
    )
    deal = f.FunderFactory(
        programme=programme, name="Regio Deal", kind=Funder.Kind.NATIONAL, position=3
    )
    companies = f.FunderFactory(
        programme=programme, name="Ondernemers", kind=Funder.Kind.COMPANIES, position=4
    )
    f.HourlyRateFactory(programme=programme, organisation=world.bureau, year=2025, rate=D("100"))
    f.HourlyRateFactory(programme=programme, organisation=world.bureau, year=2026, rate=D("110"))
    f.HourlyRateFactory(programme=programme, organisation=kvk, year=2025, rate=D("95.50"))
    scheme = f.SchemeFactory(
        programme=programme,
        funder=deal,
        name="Innovatietraject",
        value=D("5000.00"),
        max_granted=D("4250.00"),
        own_contribution=D("750.00"),
        vat_rate=D("21.00"),
    )

    def activity(label: str, code: str):
        return f.ActivityTypeFactory(programme=programme, name=label, code=code)

    talks = activity("Gesprekken", "gesprek")
    innovation = activity("Innovatietrajecten", "innovatie")
    management = activity("Projectmanagement", "pm")
    evaluation = activity("Evaluatie", "evaluatie")
    line = f.PlanLineFactory
    l1 = line(
        programme=programme,
        year=2025,
        activity_type=talks,
        organisation=world.bureau,
        count=40,
        hours_per_unit=D("2.50"),
        position=1,
        funders={province: (50, "1210.00"), chamber: (50, 0)},
    )
    l2 = line(
        programme=programme,
        year=2026,
        activity_type=talks,
        organisation=world.bureau,
        count=30,
        hours_per_unit=D("2.50"),
        position=1,
        funders={province: (100, 0)},
    )
    l3 = line(
        programme=programme,
        year=2025,
        activity_type=innovation,
        organisation=world.bureau,
        count=3,
        hours_per_unit=D("12.00"),
        scheme=scheme,
        position=2,
        funders={province: (100, 0)},
    )
    l4 = line(
        programme=programme,
        year=2025,
        activity_type=management,
        organisation=kvk,
        count=1,
        hours_per_unit=None,
        fixed_hours=D("80.00"),
        position=3,
        funders={chamber: (100, "500.00")},
    )
    l5 = line(
        programme=programme,
        year=2025,
        activity_type=evaluation,
        organisation=kvk,
        count=7,
        hours_per_unit=D("1.50"),
        position=4,
        funders={province: ("33.33", 0), chamber: ("33.33", 0), deal: ("33.34", 0)},
    )
    return SimpleNamespace(
        programme=programme,
        kvk=kvk,
        province=province,
        chamber=chamber,
        deal=deal,
        companies=companies,
        scheme=scheme,
        talks=talks,
        lines=[l1, l2, l3, l4, l5],
    )
