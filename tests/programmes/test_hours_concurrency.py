"""Two specialists book hours on the same company at the same moment, each in their own
thread with their own database connection. Each booking fits under the cap alone, both
together do not: exactly one is saved, the other is refused with the cap's message. The
same test runs on SQLite and, with DATABASE_URL set, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, connection

from loket.core.permissions import scope_of
from loket.programmes.models import HourEntry
from loket.programmes.services import hours as services
from loket.programmes.services.hours import Draft, HoursRefused
from tests import factories as f
from tests.programmes.hours_factories import entry, setup, week_ago


def _register_retrying_on_locks(user: Any, programme: Any, draft: Draft) -> None:
    """SQLite's in-memory test database answers "table is locked" where a file database
    waits (busy_timeout): then the specialist simply saves again."""
    for _attempt in range(500):
        try:
            services.register_hours(user, programme, draft)
            return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("still locked after 500 attempts")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", range(3))
def test_two_people_cannot_both_squeeze_past_the_cap(world, rounds):
    h = setup(world)
    entry(h, world.alice, "20", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    other = f.UserFactory(email="stan@ibdo.example", full_name="Stan Specialist")
    f.MembershipFactory(user=other, organisation=world.bureau, role="specialist")
    people = [h.sam, other]
    for person in people:
        scope_of(person)  # read before the threads start
    start = threading.Barrier(2)
    saved: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def register(person: Any) -> None:
        try:
            start.wait()
            draft = Draft(
                date=week_ago(0),
                activity_type=h.coaching,
                hours=Decimal("3"),
                trajectory=h.running,
            )
            _register_retrying_on_locks(person, h.programme, draft)
            saved.append(person.email)
        except HoursRefused as exc:
            refused.append(exc.blocked[0].check.message)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(saved) == 1
    [message] = refused
    assert "Er is al 23 uur geregistreerd; met deze uren komt het totaal op 26 uur." in message
    assert HourEntry.objects.filter(trajectory=h.running).count() == 2
