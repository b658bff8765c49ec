"""A programme manager opens the draft report, writes the text of an action line, submits
it and sees version 1; after a change, version 2 and its differences. Axe on the report
page, the text editor and the comparison page."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import login_as
from tests.monitoring.reports_world import build_world


def test_a_manager_writes_and_submits_the_report(page, live_server, world, axe):
    rw = build_world(world)
    login_as(page, live_server, world.pam)
    page.goto(live_server.url + reverse("monitoring:report_list", args=[rw.programme.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapportages IBDO 2025-2028")
    axe(page)
    page.get_by_role("link", name="Samengevoegd (hele programma)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kwartaalrapportage 2026 K1 - IBDO 2025-2028"
    )
    table = page.get_by_role("table", name="Actielijn Digitalisering")
    expect(table).to_contain_text("Contactmomenten digitalisering")
    expect(table).to_contain_text("50,0 %")
    axe(page)

    page.get_by_role("link", name="Toelichting bij Digitalisering schrijven").click()
    page.get_by_label("Toelichting").fill(
        "Vijf contactmomenten.\n\n<strong>Op koers</strong><script>alert(1)</script>"
    )
    page.get_by_role("button", name="Opslaan en voorbeeld bekijken").click()
    preview = page.locator(".loket-rich-text")
    expect(preview.locator("strong")).to_have_text("Op koers")
    axe(page)
    page.get_by_role("link", name="Terug naar de rapportage").click()
    expect(page.get_by_role("article")).to_contain_text("Op koers")

    page.get_by_role("link", name="Indienen").click()
    page.get_by_label("Opmerking bij deze versie").fill("Eerste versie")
    page.get_by_role("button", name="Versie 1 indienen").click()
    expect(page.get_by_text("Versie 1 is ingediend en vastgelegd.")).to_be_visible()
    versions = page.get_by_role("table", name="Vastgelegde versies, nieuwste eerst")
    expect(versions).to_contain_text("versie 1")
    expect(versions).to_contain_text("Eerste versie")
    axe(page)

    page.get_by_role("link", name="Toelichting bij Digitalisering schrijven").click()
    page.get_by_label("Toelichting").fill("Zes contactmomenten.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("De toelichting bij Digitalisering is opgeslagen.")).to_be_visible()
    page.get_by_role("link", name="Indienen").click()
    page.get_by_role("button", name="Versie 2 indienen").click()
    expect(page.get_by_text("Versie 2 is ingediend en vastgelegd.")).to_be_visible()
    page.get_by_role("link", name="Vergelijk versie 2 met de vorige").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Versie 2 vergeleken met versie 1")
    expect(page.get_by_role("table")).to_contain_text("gewijzigd")
    axe(page)
