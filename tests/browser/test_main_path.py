"""The main path of issue 2 in real Chromium, through the forms a person uses.

An advisor of the programme bureau finds a company by a misspelled name in the header's
search box, records an intake with a need, opens a help request, refers it to a
municipality and logs out; a partner user of that municipality finds the referral in the
inbox, accepts it, completes it with feedback and sees it, with the contact moment, on
the company's timeline. The referral e-mail went to the municipality.
"""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from loket.casework.models import Referral
from loket.companies.search import reindex_companies
from tests import factories as f
from tests.browser.helpers import login_as


def test_advisor_refers_a_company_and_the_municipality_reports_back(page, live_server, world):
    bakery = f.CompanyFactory(
        region=world.region,
        name="Bakkerij De Vries",
        municipality=world.assen,
        postcode="9401 AB",
        house_number=12,
    )
    others = [
        f.CompanyFactory(region=world.region, name="Slagerij Vos", municipality=world.assen),
        f.CompanyFactory(region=world.region, name="De Vries Installatietechniek"),
    ]
    reindex_companies([bakery.pk, *(c.pk for c in others)])
    mail.outbox.clear()

    # --- Alice, advisor of the programme bureau ---------------------------------------
    login_as(page, live_server, world.alice)
    search = page.get_by_role("search").first.get_by_label("Zoek een bedrijf")
    search.fill("bakkerij de vires")
    search.press("Enter")
    results = page.get_by_role("table", name="Gevonden bedrijven, beste eerst")
    expect(results.get_by_role("row").nth(1)).to_contain_text("Bakkerij De Vries")
    assert "vires" not in page.url  # no search terms in URLs
    results.get_by_role("link", name="Bakkerij De Vries").click()
    expect(page.locator("h1")).to_contain_text("Bakkerij De Vries")

    # An intake with a need.
    page.get_by_role("link", name="Contactmoment vastleggen").first.click()
    page.get_by_label("Soort contact").select_option("intake")
    page.get_by_label("Duur in minuten").fill("45")
    page.get_by_role("group", name="Behoeften").get_by_label("Digitalisering").check()
    page.get_by_label("Verslag").fill("Intake: de bakker wil een webwinkel beginnen.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Intake: de bakker wil een webwinkel beginnen.").first).to_be_visible()

    # A help request on it.
    page.goto(f"/bedrijven/{bakery.pk}/")
    page.get_by_role("link", name="Hulpvraag openen").click()
    page.get_by_label("Kanaal").select_option("phone")
    page.get_by_label("Vraag van de ondernemer").fill("Hoe zet ik een webwinkel op?")
    page.get_by_role("button", name="Hulpvraag openen").click()
    expect(page.locator("h1")).to_contain_text("Hulpvraag")
    case_url = page.url

    # Refer it to the municipality.
    page.get_by_text("Doorverwijzen naar een partner").click()
    page.get_by_label("Doorverwijzen naar").select_option(label="Gemeente Assen")
    ask = "Kunnen jullie helpen met de vergunning?"
    page.get_by_label("Wat vraagt u van de partner?").fill(ask)
    page.get_by_role("button", name="Versturen", exact=True).click()
    referrals = page.locator("#case-referrals")
    expect(referrals.get_by_role("link", name="Naar Gemeente Assen")).to_be_visible()
    expect(referrals).to_contain_text(re.compile("Verstuurd", re.IGNORECASE))
    assert page.url == case_url

    referral = Referral.objects.get(company=bakery)
    assert referral.status == Referral.Status.SENT
    sent = [m for m in mail.outbox if world.gem_assen.email in m.to]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    assert f"/verwijzingen/{referral.pk}/" in sent[0].body
    assert "webwinkel" not in sent[0].body  # no case content in the e-mail

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # --- Bob, partner at Gemeente Assen --------------------------------------------------
    login_as(page, live_server, world.bob)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verwijzingen"
    ).click()
    page.get_by_role("link", name=re.compile("Bakkerij De Vries")).first.click()
    expect(page.locator("h1")).to_have_text("Verwijzing naar Gemeente Assen")
    expect(page.get_by_text(ask)).to_be_visible()

    page.get_by_role("button", name="Accepteren").click()
    actions = page.locator("#referral-actions")
    expect(actions).to_contain_text(re.compile("Geaccepteerd", re.IGNORECASE))
    actions.get_by_label("Terugkoppeling").fill("Vergunning aangevraagd met de ondernemer.")
    actions.get_by_role("button", name="Afronden").click()
    expect(actions).to_contain_text(re.compile("Afgerond", re.IGNORECASE))
    expect(actions).to_contain_text("Vergunning aangevraagd met de ondernemer.")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.COMPLETED
    assert referral.handled_by == world.bob

    page.get_by_role("link", name="Bakkerij De Vries").first.click()
    timeline = page.locator(".loket-timeline")
    expect(timeline.locator(".loket-timeline__item--referral")).to_contain_text("Gemeente Assen")
    intake = re.compile("intake", re.IGNORECASE)
    expect(timeline.locator(".loket-timeline__item--contact")).to_contain_text(intake)
