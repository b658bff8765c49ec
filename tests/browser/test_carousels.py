"""The knowledge broker opens the match screen of a carousel round, sees the team
proposed for a company with its reasons, confirms it with a research question, and the
company then shows as matched. The round page and the match screen pass axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from loket.collectives.models import Match
from tests.browser.helpers import login_as
from tests.collectives.carousels_setup import setup


def test_the_broker_confirms_a_proposed_team(page, live_server, world, axe):
    c = setup(world)
    login_as(page, live_server, world.alice)  # alice is the round's broker
    page.goto(f"/collectieven/rondes/{c.round.pk}/")
    assert page.locator("h1").inner_text() == "Voorjaar 2026"
    axe(page)

    page.get_by_role("link", name="Koppelscherm").click()
    company = page.locator(f'[data-company="{c.metaal.pk}"]')
    best = company.locator("[data-proposal]").first
    assert best.locator("th").inner_text() == "Team Engels"
    reasons = " ".join(best.locator("[data-reasons]").inner_text().split())
    assert "Gedeelde thema's: export en internationalisering" in reasons
    assert "Talen: Engels" in reasons
    assert "Landen: Verenigd Koninkrijk" in reasons
    axe(page)

    # the proposed team is chosen already; the broker writes the question and confirms
    assert company.get_by_label("Team").input_value() == str(c.engels.pk)
    company.get_by_label("Onderzoeksvraag").fill("Hoe komen we op de Britse markt na de Brexit?")
    with page.expect_navigation():
        company.get_by_role("button", name="Koppeling bevestigen voor Metaal Emmen").click()

    assert (
        "Metaal Emmen is gekoppeld aan Team Engels." in page.locator(".loket-messages").inner_text()
    )
    matched = page.locator(f'[data-matched-company="{c.metaal.pk}"]')
    assert "Team Engels" in matched.inner_text()
    expect(page.locator(f'[data-company="{c.metaal.pk}"]')).to_have_count(0)
    # Team Engels is taken: Kaasmakerij gets Team Duits proposed first now
    kaas = page.locator(f'[data-company="{c.kaas.pk}"] [data-proposal]')
    assert kaas.first.locator("th").inner_text() == "Team Duits"
    axe(page)
    match = Match.objects.get()
    assert (match.company, match.team, match.confirmed_by) == (c.metaal, c.engels, world.alice)


def test_a_refused_confirmation_is_shown_at_the_company(page, live_server, world, axe):
    c = setup(world)
    login_as(page, live_server, world.alice)
    page.goto(f"/collectieven/rondes/{c.round.pk}/koppelen/")
    company = page.locator(f'[data-company="{c.kaas.pk}"]')
    company.get_by_label("Van").fill("2025-01-01")
    company.get_by_role("button", name="Koppeling bevestigen voor Kaasmakerij Drenthe").click()
    company = page.locator(f'[data-company="{c.kaas.pk}"]')
    expect(company).to_contain_text("Vul de onderzoeksvraag in.")
    assert "Kies een datum binnen de ronde (01-02-2026 tot en met 30-06-2026)." in (
        company.inner_text()
    )
    axe(page)
    assert not Match.objects.exists()
