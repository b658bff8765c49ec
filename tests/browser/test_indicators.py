"""Indicators in a real browser: a programme manager adds an action line, an indicator
with a range target ("thematafels voor exporteurs: 5-10"), is told when a filter does not
fit the measure, and sees it listed; then opens the records behind its figure. axe-core
finds no serious violation on the list, the forms (with errors) and the records page."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from loket.monitoring.models import Indicator, Target
from tests import factories as f
from tests.browser.helpers import login_as


def test_a_manager_defines_an_indicator_with_a_range_target(page, live_server, world, axe):
    programme = f.ProgrammeFactory(
        region=world.region, name="IBDO 2025-2028", organisations=[world.bureau]
    )
    login_as(page, live_server, world.pam)
    page.goto(reverse("monitoring:indicator_list", args=[programme.pk]))
    expect(page.get_by_role("heading", level=1, name="Indicatoren")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Actielijn toevoegen").click()
    expect(page.get_by_role("heading", level=1, name="Nieuwe actielijn")).to_be_visible()
    page.get_by_label("Naam").fill("Export")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_role("heading", level=2, name="Export")).to_be_visible()

    page.get_by_role("link", name="Indicator toevoegen aan Export").click()
    expect(page.get_by_role("heading", level=1, name="Nieuwe indicator")).to_be_visible()
    axe(page)
    page.get_by_label("Naam").fill("Thematafels voor exporteurs")
    page.get_by_label("Wat telt de indicator").select_option("table_sessions")
    page.get_by_label("Thema").select_option(label="export en internationalisering")
    page.get_by_label("Grootteklasse").select_option("small")  # does not fit table sessions
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("Dit filter past niet bij wat de indicator meet.")).to_be_visible()
    assert not Indicator.objects.exists()
    axe(page)
    page.get_by_label("Grootteklasse").select_option("")
    page.get_by_role("button", name="Toevoegen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Nieuw doel")
    page.get_by_label("jaar", exact=True).check()
    page.locator("#id_year").select_option("2026")
    page.get_by_label("Doel (minimaal)").fill("10")
    page.get_by_label("Doel (maximaal)").fill("5")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("Het maximum is lager dan het minimum.")).to_be_visible()
    axe(page)
    page.get_by_label("Doel (minimaal)").fill("5")
    page.get_by_label("Doel (maximaal)").fill("10")
    page.get_by_role("button", name="Toevoegen").click()

    row = page.locator("tr", has_text="Thematafels voor exporteurs")
    expect(row).to_be_visible()
    expect(row).to_contain_text("2026: 5-10")
    target = Target.objects.get()
    assert (target.minimum, target.maximum) == (5, 10)
    axe(page)

    row.get_by_role("link", name="bekijk de records").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Records achter")
    expect(page.get_by_text("0 records.")).to_be_visible()
    axe(page)
