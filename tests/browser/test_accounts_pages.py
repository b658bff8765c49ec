"""Accessibility (axe-core) of the account pages: administration, my account, API keys,
two-factor set-up; and the keyboard path through the header."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.helpers import PASSWORD, login_as


def test_admin_pages_pass_axe(page, live_server, world, axe):
    login_as(page, live_server, world.pam)

    for url in (
        reverse("accounts:organisation_list"),
        reverse("accounts:organisation_create"),
        reverse("accounts:organisation_edit", args=[world.gem_assen.pk]),
        reverse("accounts:user_list"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[world.bob.pk]),
        reverse("accounts:my_account"),
        reverse("accounts:token_list"),
        "/accounts/2fa/",
        "/accounts/password/change/",
    ):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        axe(page)


def test_a_form_with_errors_passes_axe_and_names_the_field(page, live_server, world, axe):
    login_as(page, live_server, world.pam)
    page.goto(reverse("accounts:organisation_create"))

    page.get_by_role("button", name="Organisatie aanmaken").click()

    name = page.get_by_label("Naam", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Vul de naam van de organisatie in.")).to_be_visible()
    axe(page)


def test_a_new_api_key_is_shown_once(page, live_server, world, axe):
    login_as(page, live_server, world.bob)
    page.goto(reverse("accounts:token_list"))

    page.get_by_label("Omschrijving").fill("Koppeling met ons CRM")
    page.get_by_role("button", name="Sleutel maken").click()

    key = page.get_by_label("Sleutel", exact=True)
    expect(key).to_have_value(re.compile(r"^lkt_"))
    raw = key.input_value()
    axe(page)
    page.get_by_role("link", name="Ik heb de sleutel bewaard").click()
    expect(page.get_by_role("rowheader", name="Koppeling met ons CRM")).to_be_visible()
    assert raw not in page.content()


def test_a_new_programme_manager_sets_up_totp_first(page, live_server, world, axe):
    nora = f.UserFactory(email="nora@ibdo.example", full_name="Nora Nieuw")
    f.MembershipFactory(user=nora, organisation=world.bureau, role="programme_manager")

    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill(nora.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
    expect(page.get_by_label("Geheime sleutel")).not_to_have_value("")
    axe(page)


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page, live_server, world):
    login_as(page, live_server, world.alice)
    page.goto(reverse("accounts:my_account"))

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
