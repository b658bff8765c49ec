"""The demo is generated once per test module, not once per test.

A module that sets ``DEMO`` (the options of ``generate``) and asks for ``generated`` gets
the demo made inside a transaction that stays open for the whole module and is rolled
back at its end. Each test runs in its own savepoint within it (pytest-django's ``db``),
so a test that flushes or reloads the demo leaves it as it was for the next. Every test of
such a module uses the demo: a test that needs an empty database lives in another module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from loket.demo.generator import generate


@pytest.fixture
def allowed(settings: Any) -> Any:
    settings.LOKET_DEMO_ALLOWED = True
    return settings


@pytest.fixture(scope="module")
def generated(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Any]:
    outer = transaction.atomic()
    with django_db_blocker.unblock(), override_settings(LOKET_DEMO_ALLOWED=True):
        outer.__enter__()
        demo = generate(**request.module.DEMO)
    yield demo
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(generated: Any, db: None, allowed: Any) -> Any:
    return generated
