"""Shared data of the staff-side event tests (tests/events/test_manage_*.py): a
programme of the bureau with a plan line, a company that can host a masterclass, and the
fields of a valid network meeting."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tests import factories as f


def in_days(days: int, hour: int = 15) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def setup(world: Any) -> SimpleNamespace:
    programme = f.ProgrammeFactory(
        region=world.region, name="IBDO 2025-2028", organisations=[world.bureau]
    )
    other_programme = f.ProgrammeFactory(region=world.region, name="Ander programma")
    plan_line = f.PlanLineFactory(programme=programme, organisation=world.bureau)
    foreign_line = f.PlanLineFactory(programme=other_programme, organisation=world.bureau)
    host = f.CompanyFactory(
        region=world.region, name="Metaalbedrijf Hoogeveen", kvk_number="12345678"
    )
    return SimpleNamespace(
        programme=programme,
        other_programme=other_programme,
        plan_line=plan_line,
        foreign_line=foreign_line,
        host=host,
    )


def fields(world: Any, **changes: Any) -> dict[str, Any]:
    """A network meeting of the bureau with Gemeente Assen in three weeks."""
    data: dict[str, Any] = {
        "kind": "network",
        "title": "Ondernemerscafé Assen",
        "description": "Ontmoet andere ondernemers.",
        "starts_at": in_days(21, 15),
        "ends_at": in_days(21, 17),
        "online": False,
        "venue": "TT Hall",
        "address": "De Haar 1, Assen",
        "municipality": world.assen,
        "online_url": "",
        "capacity": 40,
        "registration_deadline": None,
        "organiser": world.bureau,
        "partners": [world.gem_assen],
        "themes": [],
        "host_company": None,
        "plan_line": None,
        "public": True,
    }
    data.update(changes)
    return data
