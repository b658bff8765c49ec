"""Browser tests: Debian's Chromium driven by Playwright (sync API) against live_server.

- ``browser``: one headless Chromium per test session (per xdist worker).
- ``page``: a fresh browser context per test (no cookies shared between tests), with
  Dutch locale; a screenshot lands in test-results/ when the test fails.
- ``base_url``: the live server's URL. Every test that uses it runs with
  ``transactional_db`` and a serialized rollback, so the reference data that migrations
  load (SBI codes, needs, themes) is there in every browser test.
- ``axe``: ``axe(page)`` fails on any serious or critical axe-core violation.
- ``login_as(page, live_server, user)`` in tests/browser/helpers.py.

Every test collected under tests/browser/ is marked ``browser`` (``pytest -m "not browser"``
skips them for a quick unit run).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an event loop running in the test thread; Django refuses ORM
# calls from a thread with a running loop unless told that this is fine (it is, in tests).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_failed_key] = report.failed
    return report


_failed_key = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need {CHROMIUM}: `apt-get install -y chromium` "
            "(make test does this when run as root)."
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright runs, asyncio sees a running loop in this thread, and Django's
    # connection handler then keeps its connections in a context variable instead of the
    # thread-local: every test after this point would get fresh connection objects,
    # without the serialized test data (no serialized rollback) and holding a second
    # PostgreSQL connection. Hand the existing connections over instead.
    existing = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in existing.items():
        connections[alias] = connection
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def base_url(live_server: Any, django_db_serialized_rollback: None) -> str:
    return str(live_server.url)


@pytest.fixture
def page(browser: Any, base_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        base_url=base_url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        if request.node.stash.get(_failed_key, False):
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
            try:
                page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
            except Exception as exc:  # a failed screenshot must not hide the failure
                print(f"screenshot failed: {exc}")
        context.close()


@pytest.fixture
def axe() -> Callable[[Any], None]:
    from tests.browser.helpers import assert_accessible

    return assert_accessible
