"""The programme dashboard in Chromium: every chart is drawn (a Chart.js instance on a
canvas of non-zero size), the data tables are there, axe-core finds no serious or
critical violation, and another period can be chosen."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import login_as
from tests.monitoring.dashboard_data import dashboard_world


def test_the_dashboard_draws_its_charts_and_is_accessible(page, live_server, world, axe):
    cache.clear()
    data = dashboard_world(world)
    login_as(page, live_server, world.alice)
    address = reverse("monitoring:dashboard", args=[data.programme.pk])
    page.goto(f"{live_server.url}{address}?jaar=2026&kwartaal=2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 K2")
    charts = [
        f"chart-realisatie-{data.line.pk}",
        "chart-bereik",
        "chart-nieuw",
        "chart-behoeften",
        "chart-tevredenheid",
    ]
    for chart in charts:
        expect(page.locator(f"#{chart}")).to_be_visible()
    drawn = page.evaluate(
        """(ids) => ids.map((id) => {
            const canvas = document.getElementById(id);
            return [id, Boolean(window.Chart && window.Chart.getChart(canvas)),
                    canvas.width, canvas.height];
        })""",
        charts,
    )
    for chart, instance, width, height in drawn:
        assert instance, chart
        assert width > 0, chart
        assert height > 0, chart
    reach = page.get_by_role("table", name="Unieke bedrijven bereikt per gemeente")
    expect(reach).to_be_visible()
    expect(reach.get_by_role("row", name="Assen 2 3")).to_be_visible()
    expect(page.get_by_role("table", name="De vijf meest gehoorde behoeften")).to_contain_text(
        "Financiering"
    )
    expect(page.get_by_text("niet getoond: minder dan 5 antwoorden").first).to_be_visible()
    axe(page)
    page.get_by_text("Toon de gegevens als tabel").first.click()
    expect(
        page.get_by_role("table", name="Digitalisering: gerealiseerd per kwartaal")
    ).to_be_visible()
    axe(page)
    page.get_by_label("Kwartaal", exact=True).select_option("1")
    page.get_by_role("button", name="Periode tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 K1")
    page.get_by_role("button", name="Cijfers bijwerken").click()
    expect(page.get_by_text("De cijfers zijn bijgewerkt.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 K1")
