"""NOM staff add a business case in a real browser: the empty form is refused with a
message at each field, the filled one is saved and the list shows it with the totals.
The list and the form (with errors) pass axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from loket.monitoring.models import BusinessCase
from tests.browser.helpers import login_as
from tests.monitoring.business_data import bw_fixture  # noqa: F401


def test_nom_staff_add_a_business_case_and_see_the_totals(page, live_server, bw, axe):
    login_as(page, live_server, bw.nina)
    page.goto(f"{live_server.url}/monitoring/programmas/{bw.programme.pk}/businesscases/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Businesscases van IBDO")
    expect(page.locator("table").last).to_contain_text("Geen businesscases gevonden")
    axe(page)

    page.get_by_role("link", name="Nieuwe businesscase").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe businesscase")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator(".loket-form-errors")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Vul de naam van het project in.")
    axe(page)

    page.get_by_label("Project").fill("Robotisering bakkerij")
    page.get_by_label("Bedrijf (KvK- of Loket-nummer)").fill("1234 5678")
    page.get_by_label("Gestart op").fill("2026-03-01")
    page.get_by_label("Verwachte extra omzet (€)").fill("400.000")
    page.get_by_label("Verwachte toegevoegde waarde (€)").fill("150.000")
    page.get_by_label("Verwachte extra banen (fte)").fill("2,5")
    page.get_by_role("button", name="Toevoegen").click()

    expect(page.locator(".loket-messages")).to_contain_text("Robotisering bakkerij")
    totals = page.locator("table.loket-business-totals")
    expect(totals).to_be_visible()
    expect(totals).to_contain_text("€ 400.000,00")
    expect(totals).to_contain_text("€ 150.000,00")
    expect(totals).to_contain_text("2,5")
    expect(page.locator("main")).to_contain_text("Bakkerij De Brink")
    case = BusinessCase.objects.get()
    assert case.organisation == bw.nom
    assert case.company == bw.brink
    axe(page)
