"""load_demo reports the programme it loaded."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.core.management import call_command
from django.utils import timezone

from loket.demo.generator import Scale
from loket.programmes.models import (
    Trajectory,
)

TINY = Scale(companies=60, contacts=60, cases=20, referrals=10)
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=timezone.get_default_timezone())
TODAY = NOW.date()
S = Trajectory.Status
CODE = re.compile(r"^IBDO-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$")


def test_the_command_reports_the_programme(db, allowed):
    out = io.StringIO()
    call_command(
        "load_demo",
        *("--companies", "40", "--contacts", "50", "--cases", "10", "--referrals", "5"),
        stdout=out,
    )
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Programma"))
    assert re.search(r"1 programma, 52 planregels, 4 regelingen, \d+ trajecten", line)
    assert re.search(r"\d+ urenregels \([\d.]+ uur\)", line)
