"""Two programme managers approve the last available trajectory of a scheme at the same
moment, each in their own thread with their own database connection: exactly one
succeeds, the other is told nothing is left. The same test runs on SQLite and, with
DATABASE_URL set, on PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from loket.core.permissions import scope_of
from loket.programmes.models import Trajectory, Voucher
from loket.programmes.services import schemes
from loket.programmes.services import trajectories as services
from tests import factories as f
from tests.programmes.trajectory_factories import setup, trajectory

DAY = dt.date(2025, 3, 10)


def _approve_retrying_on_locks(manager: Any, pk: int) -> Trajectory:
    """SQLite's in-memory test database answers "table is locked" where a file database
    waits (busy_timeout): then the manager simply clicks again."""
    for _attempt in range(500):
        try:
            return services.approve_trajectory(manager, Trajectory.objects.get(pk=pk), on=DAY)
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("still locked after 500 attempts")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", range(3))
def test_two_managers_approving_the_last_trajectory_at_once_exactly_one_succeeds(world, rounds):
    data = setup(world)
    # One of the two is committed already: one is left, and two are waiting for it.
    services.approve_trajectory(world.pam, trajectory(data, data.kaas), on=DAY)
    first = trajectory(data, data.bakker)
    second = trajectory(data, data.smid)
    other_manager = f.UserFactory(email="piet@ibdo.example", full_name="Piet Programma")
    f.MembershipFactory(user=other_manager, organisation=world.bureau, role="programme_manager")
    managers = [world.pam, other_manager]
    for manager in managers:
        scope_of(manager)  # read before the threads start

    start = threading.Barrier(2)
    approved: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def approve(manager: Any, pk: int) -> None:
        try:
            start.wait()
            approved.append(_approve_retrying_on_locks(manager, pk).pk)
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=approve, args=(managers[0], first.pk)),
        threading.Thread(target=approve, args=(managers[1], second.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(approved) == 1
    assert refused == [
        "Er is geen traject van deze regeling meer beschikbaar: alle 2 zijn toegekend."
    ]
    figures = schemes.scheme_figures(data.scheme)
    assert (figures.committed_count, figures.remaining_count) == (2, 0)
    assert Voucher.objects.count() == 2
    loser = second if approved == [first.pk] else first
    loser.refresh_from_db()
    assert loser.status == Trajectory.Status.APPLIED


@pytest.mark.django_db(transaction=True)
def test_two_managers_approving_the_same_trajectory_issue_one_voucher(world):
    data = setup(world)
    t = trajectory(data)
    other_manager = f.UserFactory(email="piet@ibdo.example", full_name="Piet Programma")
    f.MembershipFactory(user=other_manager, organisation=world.bureau, role="programme_manager")
    managers = [world.pam, other_manager]
    for manager in managers:
        scope_of(manager)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def approve(manager: Any) -> None:
        try:
            start.wait()
            _approve_retrying_on_locks(manager, t.pk)
            outcomes.append("approved")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(m,)) for m in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["Dit traject is goedgekeurd; goedkeuren kan niet.", "approved"]
    assert Voucher.objects.filter(trajectory=t).count() == 1
