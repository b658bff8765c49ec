"""The public portal in real Chromium at phone width (360 x 740).

- the guide leads to a result without JavaScript;
- axe-core finds no serious or critical violation on home, guide, result, instrument
  page, partners, the question form and its error state, and no page scrolls sideways;
- a question asked end to end: the thank-you page shows the reference, the confirmation
  e-mail is in the outbox (the live server runs in this process, so Django's locmem
  outbox is shared), and the case waits in the right advisor's work queue;
- an expired instrument is absent from the portal's search and its page is 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from loket.casework.models import Case
from loket.catalogue import matching
from tests import factories as f
from tests.browser.helpers import assert_accessible, login_as
from tests.portal.catalogue_data import build_catalogue

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def catalogue(world):
    matching.clear_cache()
    yield build_catalogue(world)
    matching.clear_cache()


def _phone_context(browser: Any, base_url: str, **options: Any) -> Any:
    context = browser.new_context(
        base_url=base_url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport=PHONE,
        **options,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, base_url) -> Iterator[Any]:
    context = _phone_context(browser, base_url)
    try:
        yield context.new_page()
    finally:
        context.close()


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at phone width"


def test_guide_to_a_result_without_javascript(browser, base_url, catalogue, world):
    context = _phone_context(browser, base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("link", name="Start de wegwijzer").click()
        expect(page.locator("h1")).to_contain_text("Wegwijzer")
        page.get_by_role("group", name="Wat wilt u bereiken?").get_by_label("exporteren").check()
        page.get_by_label("In welke gemeente is uw bedrijf gevestigd?").select_option(label="Assen")
        page.get_by_role("group", name="Hoe lang bestaat uw bedrijf?").get_by_label(
            "2 tot 5 jaar"
        ).check()
        page.get_by_role("button", name="Toon wat past").click()
        expect(page.locator("h1")).to_have_text("Wat past bij u")
        card = page.locator("article", has_text="Exportvoucher Drenthe")
        expect(card).to_contain_text("Helpt bij: exporteren.")
        expect(card).to_contain_text("Eva Export")
        expect(card).to_contain_text("0592 111 222")
        expect(page.get_by_text("Emmer Exportkrediet")).to_have_count(0)
        _no_sideways_scroll(page)
        # "Not what you need?" carries the municipality and the theme to the form.
        page.get_by_role("link", name="Stel uw vraag").last.click()
        expect(page.get_by_label("Gemeente van uw bedrijf")).to_have_value(str(world.assen.pk))
        expect(page.get_by_label("Onderwerp")).not_to_have_value("")
    finally:
        context.close()


def test_portal_pages_are_accessible_at_phone_width(phone, catalogue, world):
    page = phone
    visits = [
        ("home", reverse("portal:home")),
        ("guide", reverse("portal:guide")),
        ("result", reverse("portal:guide_result") + f"?doel=export&gemeente={world.assen.pk}"),
        ("instrument", reverse("portal:instrument", args=[catalogue.export.slug])),
        ("partners", reverse("portal:partners")),
        ("search", reverse("portal:search") + "?q=buitenland"),
        ("question form", reverse("portal:ask")),
    ]
    for name, url in visits:
        response = page.goto(url)
        assert response.status == 200, name
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        _no_sideways_scroll(page)
    # The question form's error state.
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.locator(".loket-form-errors")).to_be_visible()
    expect(page.get_by_text("Vul uw naam in.")).to_be_visible()
    assert_accessible(page)
    _no_sideways_scroll(page)


def test_asking_a_question_end_to_end(phone, live_server, catalogue, world):
    ann = f.UserFactory(email="ann@ibdo.example", full_name="Ann Assen")
    f.MembershipFactory(user=ann, organisation=world.bureau, role="advisor")
    f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    mail.outbox.clear()
    page = phone

    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Stel uw vraag"
    ).click()
    page.get_by_label("Uw naam").fill("Fatma Yilmaz")
    page.get_by_label("Naam van uw bedrijf").fill("Yilmaz Metaal")
    page.get_by_label("KvK-nummer").fill("1234 5678")
    page.get_by_label("E-mailadres").fill("fatma@yilmaz-metaal.example")
    page.get_by_label("Telefoonnummer").fill("0592 123 456")
    page.get_by_label("Gemeente van uw bedrijf").select_option(label="Assen")
    page.get_by_label("Uw vraag").fill("Hoe verkoop ik mijn lasrobots in Duitsland?")
    page.get_by_label(re.compile("Ik geef toestemming")).check()
    page.get_by_role("button", name="Vraag versturen").click()

    expect(page.locator("h1")).to_contain_text("Bedankt")
    case = Case.objects.get(company__kvk_number="12345678")
    assert case.channel == Case.Channel.WEB
    assert case.owner == ann
    expect(page.get_by_role("status")).to_contain_text(case.reference)
    expect(page.get_by_role("status")).to_contain_text("Ann Assen")
    assert "fatma" not in page.url
    assert case.reference not in page.url

    confirmations = [m for m in mail.outbox if m.to == ["fatma@yilmaz-metaal.example"]]
    assert len(confirmations) == 1, [m.to for m in mail.outbox]
    assert case.reference in confirmations[0].body
    assert "Ann Assen" in confirmations[0].body
    assert [m for m in mail.outbox if m.to == ["ann@ibdo.example"]]

    # Ann finds it in her work queue.
    login_as(page, live_server, ann)
    page.goto(reverse("casework:queue"))
    mine = page.get_by_role("table", name=re.compile("Mijn open hulpvragen"))
    expect(mine.get_by_role("link", name=case.reference)).to_be_visible()
    expect(mine).to_contain_text("Yilmaz Metaal")


def test_expired_instrument_is_absent_from_the_portal(phone, catalogue):
    page = phone
    expired = catalogue.hidden["expired"]
    page.goto("/")
    search = page.get_by_role("search").get_by_label("Waar zoekt u hulp bij?")
    search.fill("exportsubsidie buitenland")
    search.press("Enter")
    expect(page.locator("h1")).to_have_text("Zoekresultaten")
    expect(page.get_by_role("link", name="Exportvoucher Drenthe")).to_be_visible()
    expect(page.get_by_text(expired.name)).to_have_count(0)
    response = page.goto(reverse("portal:instrument", args=[expired.slug]))
    assert response.status == 404
