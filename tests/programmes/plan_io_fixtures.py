"""A programme with a complete plan, for the plan import and export tests.

IBDO 2025-2028, executed by the programme bureau and Gemeente Assen:
- funders: Provincie Drenthe (province), KvK (chamber), Ondernemers (own contributions);
- rates: the bureau 95.00 from 2025 and 98.50 from 2027, Gemeente Assen 80.00;
- activity types: gesprekken (norm 2), evenementen (norm 175), innovatietrajecten (12);
- a scheme "Innovatietraject" paid by the province;
- plan lines: conversations 50/50 with out-of-pocket, an event with fixed hours,
  innovation trajectories of the scheme, conversations of Assen in 2026.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from loket.programmes.models import Funder
from tests import factories as f


def build_plan(world: Any) -> SimpleNamespace:
    w = world
    programme = f.ProgrammeFactory(
        region=w.region, name="IBDO 2025-2028", organisations=[w.bureau, w.gem_assen]
    )
    province = f.FunderFactory(
        programme=programme, name="Provincie Drenthe", kind=Funder.Kind.PROVINCE, position=1
    )
    chamber = f.FunderFactory(programme=programme, name="KvK", kind=Funder.Kind.CHAMBER, position=2)
    own = f.FunderFactory(
        programme=programme, name="Ondernemers", kind=Funder.Kind.COMPANIES, position=3
    )
    f.HourlyRateFactory(
        programme=programme, organisation=w.bureau, year=2025, rate=Decimal("95.00")
    )
    f.HourlyRateFactory(
        programme=programme, organisation=w.bureau, year=2027, rate=Decimal("98.50")
    )
    f.HourlyRateFactory(
        programme=programme, organisation=w.gem_assen, year=2025, rate=Decimal("80.00")
    )
    talks = f.ActivityTypeFactory(
        programme=programme,
        code="gesprekken",
        name="Gesprekken",
        default_hours_per_unit=Decimal("2.00"),
        position=1,
    )
    events = f.ActivityTypeFactory(
        programme=programme,
        code="evenementen",
        name="Fysieke evenementen",
        default_hours_per_unit=Decimal("175.00"),
        position=2,
    )
    trajectories = f.ActivityTypeFactory(
        programme=programme,
        code="innovatietrajecten",
        name="Innovatietrajecten",
        default_hours_per_unit=Decimal("12.00"),
        position=3,
    )
    scheme = f.SchemeFactory(programme=programme, funder=province, name="Innovatietraject")
    talks_line = f.PlanLineFactory(
        programme=programme,
        year=2025,
        activity_type=talks,
        organisation=w.bureau,
        description="Intakes bij ondernemers",
        count=150,
        hours_per_unit=Decimal("2.00"),
        position=1,
        funders={province: ("50.00", "1210.00"), chamber: ("50.00", "0.00")},
    )
    event_line = f.PlanLineFactory(
        programme=programme,
        year=2025,
        activity_type=events,
        organisation=w.bureau,
        count=2,
        hours_per_unit=None,
        fixed_hours=Decimal("350.00"),
        position=2,
        funders={province: ("100.00", "2500.50")},
    )
    scheme_line = f.PlanLineFactory(
        programme=programme,
        year=2026,
        activity_type=trajectories,
        organisation=w.bureau,
        count=10,
        hours_per_unit=Decimal("12.00"),
        scheme=scheme,
        position=3,
        funders={province: ("100.00", "0.00")},
    )
    assen_line = f.PlanLineFactory(
        programme=programme,
        year=2026,
        activity_type=talks,
        organisation=w.gem_assen,
        count=40,
        hours_per_unit=Decimal("1.50"),
        position=4,
        funders={province: ("33.33", "0.00"), chamber: ("33.33", "0.00"), own: ("33.34", "0.00")},
    )
    return SimpleNamespace(
        programme=programme,
        province=province,
        chamber=chamber,
        own=own,
        talks=talks,
        events=events,
        trajectories=trajectories,
        scheme=scheme,
        lines=[talks_line, event_line, scheme_line, assen_line],
    )


def minimal_document(**overrides: Any) -> dict[str, Any]:
    """A valid document for ``build_plan``'s programme (as JSON or YAML data)."""
    document: dict[str, Any] = {
        "version": 1,
        "funders": [
            {"name": "Provincie Drenthe", "kind": "province", "position": 1},
            {"name": "KvK", "kind": "chamber", "position": 2},
            {"name": "Ondernemers", "kind": "companies", "position": 3},
        ],
        "rates": [
            {"organisation": "Programmabureau IBDO", "year": 2025, "rate": "95.00"},
        ],
        "activity_types": [
            {"code": "gesprekken", "name": "Gesprekken", "default_hours_per_unit": "2"},
            {"code": "evenementen", "name": "Fysieke evenementen"},
            {"code": "innovatietrajecten", "name": "Innovatietrajecten"},
        ],
        "plan_lines": [
            {
                "year": 2025,
                "activity_type": "gesprekken",
                "organisation": "Programmabureau IBDO",
                "count": 100,
                "hours_per_unit": "2,5",
                "funders": [{"funder": "Provincie Drenthe", "share": "100"}],
            }
        ],
    }
    document.update(overrides)
    return document
