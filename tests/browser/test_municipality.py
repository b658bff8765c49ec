"""The municipality view in a real browser: bob (Gemeente Assen) goes straight to his
municipality, reads the figures of a quarter, axe-core finds no serious violation, and
the PDF link answers a PDF."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import login_as
from tests.monitoring.municipality_data import build


def test_bob_opens_his_municipality_and_takes_the_pdf(page, live_server, world, axe):
    login_as(page, live_server, world.bob)
    build(world)
    page.goto(reverse("monitoring:municipality_list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat het programma deed in Assen")
    axe(page)
    page.get_by_label("Jaar").fill("2025")
    page.get_by_label("Kwartaal").select_option("2")
    page.get_by_role("button", name="Tonen").click()
    table = page.get_by_role("table", name="Cijfers van Assen, 2025 K2 en jaar tot nu")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="Uitbetaald (excl. btw)")).to_contain_text("€ 3.000,00")
    expect(page.get_by_role("table", name="Meest gehoorde behoeften dit kwartaal")).to_contain_text(
        "Innovatie"
    )
    axe(page)
    link = page.get_by_role("link", name="Downloaden als PDF (één pagina, voor de raad)")
    expect(link).to_be_visible()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    # garbage in the period: a message at the field, the page still works
    page.get_by_label("Jaar").fill("1999")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_text("De gekozen periode klopt niet")).to_be_visible()
    axe(page)
