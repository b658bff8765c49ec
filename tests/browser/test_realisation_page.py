"""The realisation page in a real browser: axe-core finds no serious violation, the flags
read as words (not only colours), the wide tables scroll inside their own box, and the
period form shows another quarter."""

from __future__ import annotations

import os

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import login_as
from tests.programmes.realisation_factories import realisation_data


def test_the_realisation_is_accessible_and_changes_period(page, live_server, world, axe):
    data = realisation_data(world)
    login_as(page, live_server, world.alice)
    page.goto(reverse("programmes:realisation", args=[data.programme.pk]) + "?year=2025&quarter=2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Q2 2025")
    lines = page.get_by_role(
        "region", name="Planregels 2025 en uren of trajecten die niet in het plan staan"
    )
    expect(lines).to_contain_text("€ 12.440,00")
    expect(lines.get_by_text("achter").first).to_be_visible()
    expect(lines.get_by_text("niet gepland, overschreden").first).to_be_visible()
    axe(page)
    if os.environ.get("LOKET_SCREENSHOTS"):
        page.screenshot(path=os.environ["LOKET_SCREENSHOTS"] + "/realisation.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.get_by_label("Kwartaal").select_option("4")
    page.get_by_role("button", name="Periode tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Q4 2025")
    expect(lines).to_contain_text("105,3 %")
    expect(lines.get_by_text("overschreden", exact=True).first).to_be_visible()
    axe(page)
