"""The financing overview in a real browser: axe-core finds no serious violation, the
wide per-line table scrolls inside its own box (the page itself does not scroll sideways,
also at phone width), and the year filter works from the form."""

from __future__ import annotations

import os

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import login_as
from tests.programmes.financing_factories import example_plan

PHONE_WIDTH = 375


def test_the_financing_overview_is_accessible_and_filters_by_year(page, live_server, world, axe):
    plan = example_plan(world)
    login_as(page, live_server, world.alice)
    page.goto(reverse("programmes:financing", args=[plan.programme.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Financieringsoverzicht")
    expect(
        page.get_by_role("table", name="Uren en bedragen per financier, 2025-2028")
    ).to_be_visible()
    axe(page)
    if os.environ.get("LOKET_SCREENSHOTS"):
        page.screenshot(path=os.environ["LOKET_SCREENSHOTS"] + "/financing.png", full_page=True)
    # The wide table scrolls in its box, not the page.
    region = page.get_by_role("region", name="5 planregels, 2025-2028")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.get_by_label("Jaar").select_option("2026")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(": 2026")
    expect(page.get_by_role("region", name="1 planregel, 2026")).to_contain_text("€ 8.250,00")
    axe(page)


def test_the_financing_overview_fits_a_phone(browser, base_url, live_server, world):
    plan = example_plan(world)
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
        login_as(page, live_server, world.alice)
        page.goto(reverse("programmes:financing", args=[plan.programme.pk]))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH + 4, f"{width}px wide at {PHONE_WIDTH}px"
    finally:
        context.close()
