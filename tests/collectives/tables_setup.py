"""Shared setup of the table tests: a table of the bureau in Drenthe, a session that has
taken place and a company of Assen."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from loket.collectives.models import Collective
from tests import factories as f


def held(days_ago: int, hour: int = 15) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def make_tables(world: Any, kind: str = Collective.Kind.CRISIS_TABLE, **kw: Any) -> SimpleNamespace:
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    table = f.CollectiveFactory(
        programme=programme,
        organisation=world.bureau,
        kind=kind,
        phase="",
        name="Crisistafel Drenthe",
        **kw,
    )
    company = f.CompanyFactory(
        region=world.region, name="Bakkerij De Brink", municipality=world.assen
    )
    past = f.TableSessionFactory(collective=table, held_at=held(2), location="Assen")
    upcoming = f.TableSessionFactory(collective=table)
    return SimpleNamespace(
        programme=programme, table=table, company=company, past=past, upcoming=upcoming
    )
