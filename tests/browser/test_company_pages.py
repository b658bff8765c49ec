"""The company pages in a real browser: accessible (axe-core), and the timeline's
"older items" works with htmx (in place) as well as without JavaScript (a plain link)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from loket.casework.models import Referral
from loket.companies import services
from tests import factories as f
from tests.browser.helpers import login_as
from tests.companies.pages_data import ago, company_with_history


@pytest.fixture
def history(world):
    return company_with_history(world)


def test_company_page_is_accessible_and_shows_the_timeline(page, live_server, world, history, axe):
    login_as(page, live_server, world.alice)
    page.goto(f"/bedrijven/{history.company.pk}/")
    assert page.locator("h1").inner_text().startswith("Bakkerij De Brink")
    assert page.locator(".loket-timeline__item").count() >= 6
    axe(page)


def test_timeline_loads_older_items_in_place_with_htmx(page, live_server, world, settings):
    settings.LOKET_PAGE_SIZE = 5
    company = services.create_company(world.alice, world.region, {"name": "Lange Historie BV"})
    for i in range(8):
        case = f.CaseFactory(
            company=company, owner=world.alice, organisation=world.bureau, opened_at=ago(days=i)
        )
        f.ReferralFactory(case=case, to_organisation=world.gem_assen, status=Referral.Status.SENT)
    login_as(page, live_server, world.alice)
    page.goto(f"/bedrijven/{company.pk}/")
    items = page.locator(".loket-timeline__item")
    expect(items).to_have_count(5)
    page.get_by_role("link", name="Oudere items").click()
    page.wait_for_function("document.querySelectorAll('.loket-timeline__item').length === 10")
    assert f"/bedrijven/{company.pk}/" in page.url  # still the same page
    assert "pagina" not in page.url


def test_timeline_older_items_work_without_javascript(
    browser, base_url, live_server, world, settings
):
    settings.LOKET_PAGE_SIZE = 5
    company = services.create_company(world.alice, world.region, {"name": "Zonder JS BV"})
    for i in range(8):
        f.ContactMomentFactory(
            company=company, author=world.alice, organisation=world.bureau, occurred_at=ago(days=i)
        )
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        login_as(page, live_server, world.alice)
        page.goto(f"/bedrijven/{company.pk}/")
        page.get_by_role("link", name="Oudere items").click()
        page.wait_for_url("**pagina=2**")
        expect(page.locator(".loket-timeline__item")).to_have_count(4)
    finally:
        context.close()


def test_company_form_with_errors_is_accessible(page, live_server, world, axe):
    login_as(page, live_server, world.alice)
    page.goto("/bedrijven/nieuw/")
    axe(page)
    page.get_by_label("KvK-nummer").fill("12ab")
    page.get_by_label("Postcode").fill("SW1A 1AA")
    page.get_by_role("button", name="Bedrijf aanmaken").click()
    expect(page.get_by_text("Een KvK-nummer bestaat uit precies 8 cijfers.")).to_have_count(1)
    expect(page.locator("#id_postcode[aria-invalid='true']")).to_have_count(1)
    axe(page)


def test_person_page_and_audit_trail_are_accessible(page, live_server, world, history, axe):
    login_as(page, live_server, world.adam)
    page.goto(f"/bedrijven/personen/{history.person.pk}/")
    assert page.locator("h1").inner_text() == "Jan de Bakker"
    axe(page)
    page.goto(f"/bedrijven/{history.company.pk}/audit/")
    expect(page.get_by_text("bekeken").first).to_be_visible()
    axe(page)


def test_merge_pages_are_accessible(page, live_server, world, history, axe):
    dup = services.create_company(
        world.alice,
        world.region,
        {"name": "Bakkerij De Brink BV", "postcode": "9401 AB", "house_number": 7},
        confirm_duplicate=True,
    )
    login_as(page, live_server, world.alice)
    page.goto(f"/bedrijven/{history.company.pk}/samenvoegen/")
    axe(page)
    page.get_by_label("KvK-nummer of Loket-nummer van het dubbele bedrijf").fill(str(dup.pk))
    page.get_by_role("button", name="Vergelijken", exact=True).click()
    expect(page.get_by_role("heading", name="Samenvoegen bevestigen")).to_have_count(1)
    axe(page)
    page.get_by_role("button", name="Samenvoegen").click()
    expect(page.get_by_text("is samengevoegd met")).to_have_count(1)
