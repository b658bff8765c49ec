"""Suggested instruments in real Chromium: an advisor opens a case, reads why an
instrument fits, refers the case to it, and a partner of the instrument's contact
organisation finds the referral in the inbox with the instrument's name."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from loket.casework import services
from loket.casework.models import Referral
from loket.core.models import Theme
from tests import factories as f
from tests.browser.helpers import login_as


def test_advisor_refers_a_case_to_a_suggested_instrument(page, live_server, world, axe):
    finance = Theme.objects.get(slug="finance")
    company = f.CompanyFactory(
        region=world.region, name="Bakkerij De Vries", municipality=world.assen, employees=4
    )
    tafel = f.InstrumentFactory(
        region=world.region,
        name="Financieringstafel Drenthe",
        kind="financing_table",
        summary="Aan tafel met financiers uit de regio.",
        phases=["finance"],
        themes=[finance],
        contact_organisation=world.gem_assen,
    )
    f.InstrumentFactory(
        region=world.region,
        name="Groeifonds voor grote bedrijven",
        phases=["finance"],
        size_classes=["large"],
    )
    case = services.open_case(
        world.alice,
        company,
        channel="phone",
        question="Hoe financier ik een nieuwe oven?",
        themes=[finance],
    )
    mail.outbox.clear()

    # --- Alice, advisor of the programme bureau ---------------------------------------
    login_as(page, live_server, world.alice)
    page.goto(f"{live_server.url}/werk/hulpvragen/{case.pk}/")
    panel = page.locator("#passende-instrumenten")
    expect(panel.get_by_role("heading", name="Passende instrumenten")).to_be_visible()
    suggestion = panel.locator("li.loket-suggestion").filter(has_text="Financieringstafel Drenthe")
    expect(suggestion).to_contain_text("Helpt bij: financiering vinden.")
    expect(suggestion).to_contain_text("Thema: financiering.")
    expect(suggestion).to_contain_text("financieringstafel")
    expect(panel).not_to_contain_text("Groeifonds voor grote bedrijven")
    axe(page)

    # Why is the growth fund not there? The excluded ones say so, without JavaScript too.
    panel.get_by_role("link", name=re.compile("uitgesloten instrumenten")).click()
    excluded = page.get_by_role("table", name=re.compile("Instrumenten die niet passen"))
    expect(excluded.get_by_role("row", name=re.compile("Groeifonds"))).to_contain_text(
        "Alleen voor bedrijven van deze grootte"
    )
    assert "uitgesloten=1" in page.url

    page.locator("#passende-instrumenten").get_by_role(
        "link", name="Verwijs naar dit instrument: Financieringstafel Drenthe"
    ).click()
    expect(page.locator("h1")).to_contain_text("Financieringstafel Drenthe")
    partner = page.get_by_label("Doorverwijzen naar")
    expect(partner).to_be_disabled()
    expect(partner.locator("option:checked")).to_have_text("Gemeente Assen")
    page.get_by_label("Wat vraagt u van de partner?").fill("Kan de bakker aanschuiven?")
    axe(page)
    page.get_by_role("button", name="Versturen", exact=True).click()

    expect(page.get_by_role("status").first).to_contain_text(
        "De verwijzing naar Gemeente Assen voor Financieringstafel Drenthe is verstuurd."
    )
    referrals = page.locator("#case-referrals")
    expect(referrals).to_contain_text("Instrument: Financieringstafel Drenthe")
    expect(
        page.locator("#passende-instrumenten li.loket-suggestion").filter(
            has_text="Financieringstafel Drenthe"
        )
    ).to_contain_text("al doorverwezen")

    referral = Referral.objects.get(case=case)
    assert referral.instrument == tafel
    assert referral.to_organisation == world.gem_assen
    sent = [m for m in mail.outbox if world.gem_assen.email in m.to]
    assert len(sent) == 1
    assert "Financieringstafel Drenthe" in sent[0].body

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # --- Bob, partner at Gemeente Assen (the instrument's contact organisation) --------
    login_as(page, live_server, world.bob)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verwijzingen"
    ).click()
    row = page.get_by_role("row", name=re.compile("Bakkerij De Vries"))
    expect(row).to_contain_text("Financieringstafel Drenthe")
    row.get_by_role("link", name=re.compile("Bakkerij De Vries")).click()
    expect(page.locator("h1")).to_have_text("Verwijzing naar Gemeente Assen")
    expect(page.get_by_text("Financieringstafel Drenthe")).to_be_visible()
    expect(page.get_by_text("Kan de bakker aanschuiven?")).to_be_visible()
