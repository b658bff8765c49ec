"""axe-core finds no serious or critical violation on the pages people use most, and at
phone width (375 px) none of them scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from loket.casework.models import Case
from loket.companies.search import rebuild_search_index
from tests import factories as f
from tests.browser.helpers import login_as
from tests.companies.pages_data import company_with_history

PHONE_WIDTH = 375


@pytest.fixture
def data(world):
    history = company_with_history(world)  # a change, contacts, an overdue case, a referral
    other = f.CompanyFactory(
        region=world.region, name="Fietsenmaker Jansen", municipality=world.assen
    )
    f.CaseFactory(
        company=other,
        owner=world.alice,
        organisation=world.bureau,
        status=Case.Status.IN_PROGRESS,
        deadline=timezone.now() + dt.timedelta(days=3),
        question="Zoekt personeel voor de werkplaats.",
    )
    rebuild_search_index()
    return history


def _alice_pages(page, data):
    """Visit alice's pages one by one; yields after each page has loaded."""
    page.goto(reverse("casework:queue"))
    expect(page.locator(".loket-overdue, .loket-deadline--overdue").first).to_be_visible()
    yield "werkvoorraad"
    page.goto(reverse("companies:list"))
    expect(page.get_by_role("link", name="Bakkerij De Brink")).to_be_visible()
    yield "bedrijvenlijst"
    page.goto(reverse("companies:detail", args=[data.company.pk]))
    for kind in ("contact", "case", "referral", "change"):
        expect(page.locator(f".loket-timeline__item--{kind}").first).to_be_visible()
    yield "bedrijfspagina"
    page.goto(reverse("casework:case_detail", args=[data.case.pk]))
    expect(page.locator("h1")).to_be_visible()
    yield "hulpvraag"
    search = page.get_by_label("Zoek een bedrijf")
    search.fill("bakkerij brink")
    search.press("Enter")
    expect(page.get_by_role("link", name="Bakkerij De Brink")).to_be_visible()
    yield "zoekresultaten"


def _bob_pages(page):
    page.goto(reverse("casework:referral_inbox"))
    expect(page.get_by_role("link", name="Bakkerij De Brink").first).to_be_visible()
    yield "verwijzingen"


def _assert_no_sideways_scroll(page, name):
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE_WIDTH + 4, f"{name} is {overflow}px wide at {PHONE_WIDTH}px"


def test_main_pages_pass_axe(page, live_server, world, data, axe):
    page.goto("/accounts/login/")
    axe(page)
    login_as(page, live_server, world.alice)
    for _name in _alice_pages(page, data):
        axe(page)
    page.context.clear_cookies()
    login_as(page, live_server, world.bob)
    for _name in _bob_pages(page):
        axe(page)


def test_main_pages_fit_a_phone(browser, base_url, live_server, world, data):
    context = browser.new_context(
        base_url=base_url,
        locale="nl-NL",
        viewport={"width": PHONE_WIDTH, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        _assert_no_sideways_scroll(page, "inloggen")
        login_as(page, live_server, world.alice)
        for name in _alice_pages(page, data):
            _assert_no_sideways_scroll(page, name)
        context.clear_cookies()
        login_as(page, live_server, world.bob)
        for name in _bob_pages(page):
            _assert_no_sideways_scroll(page, name)
    finally:
        context.close()
