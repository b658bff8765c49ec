"""The small, hand-made data set of the realisation tests.

Programme "IBDO Realisatie" 2025-2026, executed by the programme bureau (rate 100.00
from 2025, 110.55 from 2026) and Gemeente Assen (80.00 from 2025). Funders, in this
order: the province (P), the chamber of commerce (K) and the companies' own
contributions (O). Scheme "Innovatietraject" (funder P): granted 4,250.00, own
contribution 750.00, VAT 21 % (per trajectory 5,142.50 to P and 907.50 to O).

Plan
- L1 2025 Gesprekken, bureau: 40 x 2.5 = 100 h, P 50 % / K 50 %: 10,000.00.
- L2 2025 Innovatietrajecten, bureau, 4 trajectories of the scheme x 12 = 48 h, P 100 %:
  4,800.00 + P 4 x 5,142.50 = 20,570.00 + O 4 x 907.50 = 3,630.00 = 29,000.00.
- L3 2025 Evenementen, Gemeente Assen: fixed 30 h, K 100 %, out-of-pocket K 1,000.00:
  2,400.00 + 1,000.00 = 3,400.00.
- L4 2026 Gesprekken, bureau: 40 x 2.5 = 100 h, P 50 % / K 50 %: 100 x 110.55 = 11,055.00.

Hours (date, activity, organisation, hours)
- 2025 Q1: Gesprekken bureau 4.25 (3 Feb) + 6.25 (31 Mar) = 10.5
- 2025 Q2: Gesprekken bureau 20 (1 Apr); Innovatietrajecten bureau 12.25 (12 May);
  Evenementen *bureau* 3 (30 Jun): no plan line, "niet in het plan"
- 2025 Q3: Gesprekken bureau 30.75 (1 Jul); Evenementen Gemeente Assen 5 (15 Aug)
- 2025 Q4: Gesprekken bureau 24 (20 Nov) + 20 (31 Dec) = 44
- 2026 Q1: Gesprekken bureau 7.5 (5 Jan); 2026 Q2: Gesprekken bureau 1 (1 Apr)
- and 8 hours in another programme, which never count.

Trajectories of the scheme
- T1 started 10 Feb 2025, completed 20 May 2025, voucher paid 15 Jun 2025: 4,000.00
- T2 started 1 Apr 2025, voucher issued (not paid)
- T3 started 30 Jun 2025, completed 1 Sep 2025, voucher paid 1 Oct 2025: 4,250.00
- T4 started 20 Dec 2025
- T5 applied 1 Mar 2025, never started
- T6 started 15 Jan 2026 (no plan line of the scheme in 2026: "niet in het plan")
- T7 approved 1 Mar 2025 without a recorded start, voucher paid 5 May 2025: 1,000.00
  (counts in the year of its approval: L2)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from loket.programmes.models import Funder, Trajectory, Voucher
from tests import factories as f

D = Decimal


def realisation_data(world, name: str = "IBDO Realisatie") -> SimpleNamespace:
    programme = f.ProgrammeFactory(
        region=world.region,
        name=name,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        organisations=[world.bureau, world.gem_assen],
    )
    province = f.FunderFactory(
        programme=programme, name="Provincie Drenthe", kind=Funder.Kind.PROVINCE, position=1
    )
    chamber = f.FunderFactory(
        programme=programme, name="Kamer van Koophandel", kind=Funder.Kind.CHAMBER, position=2
    )
    companies = f.FunderFactory(
        programme=programme, name="Ondernemers", kind=Funder.Kind.COMPANIES, position=3
    )
    bureau, assen = world.bureau, world.gem_assen
    f.HourlyRateFactory(programme=programme, organisation=bureau, year=2025, rate=D("100.00"))
    f.HourlyRateFactory(programme=programme, organisation=bureau, year=2026, rate=D("110.55"))
    f.HourlyRateFactory(programme=programme, organisation=assen, year=2025, rate=D("80.00"))
    scheme = f.SchemeFactory(
        programme=programme,
        funder=province,
        name="Innovatietraject",
        value=D("5000.00"),
        max_granted=D("4250.00"),
        own_contribution=D("750.00"),
        vat_rate=D("21.00"),
    )
    talks = f.ActivityTypeFactory(programme=programme, name="Gesprekken", code="gesprek")
    innovation = f.ActivityTypeFactory(
        programme=programme, name="Innovatietrajecten", code="innovatie"
    )
    events = f.ActivityTypeFactory(programme=programme, name="Evenementen", code="evenement")
    line = f.PlanLineFactory
    l1 = line(
        programme=programme,
        year=2025,
        activity_type=talks,
        organisation=bureau,
        count=40,
        hours_per_unit=D("2.50"),
        position=1,
        funders={province: (50, 0), chamber: (50, 0)},
    )
    l2 = line(
        programme=programme,
        year=2025,
        activity_type=innovation,
        organisation=bureau,
        count=4,
        hours_per_unit=D("12.00"),
        scheme=scheme,
        position=2,
        funders={province: (100, 0)},
    )
    l3 = line(
        programme=programme,
        year=2025,
        activity_type=events,
        organisation=assen,
        count=1,
        hours_per_unit=None,
        fixed_hours=D("30.00"),
        position=3,
        funders={chamber: (100, "1000.00")},
    )
    l4 = line(
        programme=programme,
        year=2026,
        activity_type=talks,
        organisation=bureau,
        count=40,
        hours_per_unit=D("2.50"),
        position=1,
        funders={province: (50, 0), chamber: (50, 0)},
    )

    def hours(day: dt.date, activity, organisation, amount: str, user=None) -> None:
        f.HourEntryFactory(
            programme=programme,
            user=user or (world.bob if organisation == assen else world.alice),
            organisation=organisation,
            date=day,
            activity_type=activity,
            hours=D(amount),
        )

    d = dt.date
    hours(d(2025, 2, 3), talks, bureau, "4.25")
    hours(d(2025, 3, 31), talks, bureau, "6.25")
    hours(d(2025, 4, 1), talks, bureau, "20.00")
    hours(d(2025, 5, 12), innovation, bureau, "12.25")
    hours(d(2025, 6, 30), events, bureau, "3.00")
    hours(d(2025, 7, 1), talks, bureau, "30.75")
    hours(d(2025, 8, 15), events, assen, "5.00")
    hours(d(2025, 11, 20), talks, bureau, "24.00")
    hours(d(2025, 12, 31), talks, bureau, "20.00")
    hours(d(2026, 1, 5), talks, bureau, "7.50")
    hours(d(2026, 4, 1), talks, bureau, "1.00")
    # Another programme's hours on the same day, organisation and activity name.
    other = f.ProgrammeFactory(region=world.region, name=f"{name} (ander)")
    other_talks = f.ActivityTypeFactory(programme=other, name="Gesprekken", code="gesprek")
    f.HourEntryFactory(
        programme=other,
        user=world.alice,
        organisation=bureau,
        date=d(2025, 4, 1),
        activity_type=other_talks,
        hours=D("8.00"),
    )

    def trajectory(title: str, **dates) -> Trajectory:
        status = Trajectory.Status.RUNNING if dates.get("started_on") else Trajectory.Status.APPLIED
        if dates.get("completed_on"):
            status = Trajectory.Status.COMPLETED
        return f.TrajectoryFactory(
            scheme=scheme,
            title=title,
            status=status,
            applied_on=dates.pop("applied_on", d(2025, 1, 15)),
            company=f.CompanyFactory(region=world.region, name=f"{title} B.V."),
            **dates,
        )

    def paid(item: Trajectory, code: str, on: dt.date | None, amount: str | None) -> Voucher:
        return Voucher.objects.create(
            region=item.region,
            trajectory=item,
            company=item.company,
            code=code,
            amount=D("4250.00"),
            status=Voucher.Status.REDEEMED if on else Voucher.Status.ISSUED,
            issued_on=d(2025, 1, 20),
            paid_amount=D(amount) if amount else None,
            paid_on=on,
        )

    t1 = trajectory("T1", started_on=d(2025, 2, 10), completed_on=d(2025, 5, 20))
    paid(t1, "REAL-T1", d(2025, 6, 15), "4000.00")
    t2 = trajectory("T2", started_on=d(2025, 4, 1))
    paid(t2, "REAL-T2", None, None)
    t3 = trajectory("T3", started_on=d(2025, 6, 30), completed_on=d(2025, 9, 1))
    paid(t3, "REAL-T3", d(2025, 10, 1), "4250.00")
    trajectory("T4", started_on=d(2025, 12, 20))
    trajectory("T5", applied_on=d(2025, 3, 1))
    trajectory("T6", started_on=d(2026, 1, 15), applied_on=d(2025, 12, 1))
    t7 = trajectory("T7", approved_on=d(2025, 3, 1))
    paid(t7, "REAL-T7", d(2025, 5, 5), "1000.00")
    return SimpleNamespace(
        programme=programme,
        province=province,
        chamber=chamber,
        companies=companies,
        scheme=scheme,
        talks=talks,
        innovation=innovation,
        events=events,
        l1=l1,
        l2=l2,
        l3=l3,
        l4=l4,
    )
