"""Test data of the hour registration tests.

``setup(world)``: programme "IBDO 2025-2028" of Drenthe (2025-2028), executed by the
programme bureau and Gemeente Assen, with at most 100 hours per company outside
trajectories, and

- ``talk``: activity "Gesprekken", ``coaching``: "Trajectbegeleiding";
- ``scheme``: "Innovatietraject" with at most 24 hours per company;
- ``bakker``: a company of Assen (Gemeente Assen had contact with it, so bob sees it);
  ``smid``: another company of Assen nobody outside the programme knows;
  ``twente_co``: a company of the other region;
- ``running``: a running trajectory of ``scheme`` for ``bakker`` with ``smid`` as a
  second participant; ``withdrawn``: a withdrawn one for ``bakker``; ``applied``: one
  still applied for;
- ``other``: a second programme of the region executed by the bureau only, and
  ``other_talk`` its activity;
- ``sam``: a specialist of the programme bureau.

``week_ago(n)``: the day n of last week (0 = Monday): always in the past and (until
2028) inside the programme's period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from loket.programmes.models import HourEntry, Trajectory
from tests import factories as f

D = Decimal


def last_monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 7)


def week_ago(day: int = 0) -> dt.date:
    return last_monday() + dt.timedelta(days=day)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def setup(world: Any) -> SimpleNamespace:
    programme = f.ProgrammeFactory(
        region=world.region,
        name="IBDO 2025-2028",
        organisations=[world.bureau, world.gem_assen],
        hours_cap_per_company=D("100.00"),
    )
    funder = f.FunderFactory(programme=programme, name="Provincie Drenthe")
    talk = f.ActivityTypeFactory(programme=programme, name="Gesprekken", code="gesprek")
    coaching = f.ActivityTypeFactory(
        programme=programme, name="Trajectbegeleiding", code="begeleiding", position=1
    )
    scheme = f.SchemeFactory(programme=programme, funder=funder, name="Innovatietraject")
    bakker = f.CompanyFactory(
        region=world.region,
        name="Bakkerij De Brink",
        kvk_number="12345678",
        municipality=world.assen,
    )
    smid = f.CompanyFactory(region=world.region, name="Smederij Smid", kvk_number="23456789")
    twente_co = f.CompanyFactory(
        region=world.other_region, name="Twentse Textiel", kvk_number="34567890"
    )
    f.ContactMomentFactory(company=bakker, author=world.bob, organisation=world.gem_assen)
    running = f.TrajectoryFactory(
        scheme=scheme,
        company=bakker,
        title="Nieuwe oven",
        status=Trajectory.Status.RUNNING,
        approved_on=dt.date(2025, 3, 2),
        started_on=dt.date(2025, 3, 3),
        participants=[smid],
    )
    withdrawn = f.TrajectoryFactory(
        scheme=scheme, company=bakker, title="Ingetrokken", status=Trajectory.Status.WITHDRAWN
    )
    applied = f.TrajectoryFactory(
        scheme=scheme, company=bakker, title="Aangevraagd", status=Trajectory.Status.APPLIED
    )
    other = f.ProgrammeFactory(
        region=world.region, name="Tweede programma", organisations=[world.bureau]
    )
    other_talk = f.ActivityTypeFactory(programme=other, name="Gesprekken", code="gesprek")
    sam = f.UserFactory(email="sam@ibdo.example", full_name="Sam Specialist")
    f.MembershipFactory(user=sam, organisation=world.bureau, role="specialist")
    return SimpleNamespace(
        w=world,
        programme=programme,
        funder=funder,
        talk=talk,
        coaching=coaching,
        scheme=scheme,
        bakker=bakker,
        smid=smid,
        twente_co=twente_co,
        running=running,
        withdrawn=withdrawn,
        applied=applied,
        other=other,
        other_talk=other_talk,
        sam=sam,
    )


def entry(h: SimpleNamespace, user: Any, hours: str, **kw: Any) -> HourEntry:
    """An entry written directly (to set the scene; the rules are in the service)."""
    values: dict[str, Any] = {
        "programme": h.programme,
        "user": user,
        "organisation": h.w.bureau,
        "date": week_ago(0),
        "activity_type": h.talk,
        "hours": D(hours),
    }
    values.update(kw)
    return f.HourEntryFactory(**values)


def fill(h: SimpleNamespace, company: Any, total: str, trajectory: Any = None) -> None:
    """``total`` hours on ``company`` by someone else, 8 a day from 1 February 2025."""
    user = f.UserFactory()
    left, day = D(total), dt.date(2025, 2, 1)
    while left > 0:
        part = min(left, D("8"))
        entry(h, user, str(part), date=day, company=company, trajectory=trajectory)
        left -= part
        day += dt.timedelta(days=1)
