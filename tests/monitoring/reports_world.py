"""A small hand-made programme for the report tests (monitoring-reports).

Programme 2025-2028 executed by the bureau and Gemeente Assen; one action line
"Digitalisering" with the indicator "Contactmomenten digitalisering" (contact moments,
year target 2026: 10). Contact moments in 2026 K1: 3 by the bureau, 2 by Gemeente
Assen; one by the bureau in 2025 K4 (another year); one by Gemeente Emmen in 2026 K1
(Emmen does not execute the programme: never counted).

Hand-counted: merged 2026 K1 quarter 5, cumulative 5 (50.0 % of 10); Gemeente Assen's
share quarter 2, cumulative 2 (20.0 %).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from loket.monitoring.models import Measure, Report, Target
from tests import factories as f


def moment(world, organisation, day, company=None):
    company = company or f.CompanyFactory(region=world.region, municipality=world.assen)
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    return f.ContactMomentFactory(
        company=company, organisation=organisation, occurred_at=when, author=world.alice
    )


def build_world(world):
    programme = f.ProgrammeFactory(
        region=world.region, name="IBDO 2025-2028", organisations=[world.bureau, world.gem_assen]
    )
    line = f.ActionLineFactory(programme=programme, name="Digitalisering")
    indicator = f.IndicatorFactory(
        action_line=line, name="Contactmomenten digitalisering", measure=Measure.CONTACT_MOMENTS
    )
    f.TargetFactory(
        indicator=indicator, period=Target.Period.YEAR, year=2026, minimum=Decimal("10")
    )
    for day in (dt.date(2026, 1, 10), dt.date(2026, 2, 3), dt.date(2026, 3, 20)):
        moment(world, world.bureau, day)
    for day in (dt.date(2026, 1, 15), dt.date(2026, 3, 1)):
        moment(world, world.gem_assen, day)
    moment(world, world.bureau, dt.date(2025, 11, 5))
    moment(world, world.gem_emmen, dt.date(2026, 2, 2))
    merged = Report.objects.create(
        programme=programme, region=world.region, year=2026, quarter=1, created_by=world.pam
    )
    assen = Report.objects.create(
        programme=programme,
        region=world.region,
        year=2026,
        quarter=1,
        organisation=world.gem_assen,
        created_by=world.bob,
    )
    return SimpleNamespace(
        programme=programme, line=line, indicator=indicator, merged=merged, assen=assen
    )
