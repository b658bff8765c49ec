"""Many people register for the last places of an event at the same moment, each request
in its own thread with its own database connection: never more confirmed than the
capacity, the rest is on the waiting list, nobody is lost. The same test runs on SQLite
and, with DATABASE_URL set, on PostgreSQL (where the lock on the event row is what holds
it: without ``select_for_update`` this test fails there)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from loket.companies.models import Company
from loket.events.models import Registration
from tests import factories as f
from tests.events.registration_helpers import event_of

T = TypeVar("T")
PEOPLE = 12
CAPACITY = 5


def _retrying_on_locks(action: Callable[[], T]) -> T:
    """SQLite's in-memory test database answers "table is locked" where a file database
    waits (busy_timeout): then the visitor simply tries again."""
    for _attempt in range(500):
        try:
            return action()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("still locked after 500 attempts")


def _register(client: Client, url: str, data: dict[str, str]) -> str:
    """Post the form; after a lock error, look whether the registration went through
    (on SQLite the error may come from work after the commit, such as the search index)
    before posting again, as a visitor who got the confirmation mail would."""
    while True:
        try:
            return "registered" if client.post(url, data).status_code == 302 else "refused"
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
        if _retrying_on_locks(Registration.objects.filter(email=data["email"]).exists):
            return "registered"
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", range(2))
def test_parallel_registrations_never_confirm_more_than_the_capacity(world, rounds):
    event = event_of(world, capacity=CAPACITY)
    f.RegistrationFactory(event=event)  # one place is taken already
    url = reverse("agenda:register", args=[event.pk])
    start = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def register(n: int) -> None:
        # every visitor from an address of their own (the throttle counts per address)
        client = Client(REMOTE_ADDR=f"10.0.{rounds}.{n + 1}")
        data = {
            "name": f"Bezoeker {n}",
            "company_name": f"Werkplaats {n}",
            "kvk_number": f"2468{n:04d}",
            "email": f"bezoeker@werkplaats{n}.example",
            "municipality": str(world.assen.pk),
            "consent": "on",
        }
        try:
            start.wait()
            outcomes.append(_register(client, url, data))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes == ["registered"] * PEOPLE
    registrations = Registration.objects.filter(event=event)
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED).count()
    waiting = registrations.filter(status=Registration.Status.WAITING).count()
    assert confirmed == CAPACITY
    assert waiting == PEOPLE + 1 - CAPACITY
    # every visitor's company is in the client record once
    assert Company.objects.filter(kvk_number__startswith="2468").count() == PEOPLE


@pytest.mark.django_db(transaction=True)
def test_colleagues_of_one_company_registering_at_once_make_one_company(world):
    """Six colleagues register at the same moment with their company's KvK number: all
    six are registered, the company is in the client record once, and nobody sees an
    error (the search index of the company is written by six transactions at once)."""
    event = event_of(world, capacity=50)
    url = reverse("agenda:register", args=[event.pk])
    colleagues = 6
    start = threading.Barrier(colleagues)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def register(n: int) -> None:
        client = Client(REMOTE_ADDR=f"10.1.0.{n + 1}")
        data = {
            "name": f"Collega {n}",
            "company_name": "Werkplaats Samen",
            "kvk_number": "13572468",
            "email": f"collega{n}@samen.example",
            "municipality": str(world.assen.pk),
            "consent": "on",
        }
        try:
            start.wait()
            outcomes.append(_register(client, url, data))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(colleagues)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes == ["registered"] * colleagues
    assert Company.objects.filter(kvk_number="13572468").count() == 1
    company = Company.objects.get(kvk_number="13572468")
    assert Registration.objects.filter(event=event, company=company).count() == colleagues
