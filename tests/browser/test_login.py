"""Logging in through the real login form, in a real browser."""

from __future__ import annotations

import re

from django.utils import translation
from playwright.sync_api import expect

from loket.accounts.adapter import AccountAdapter
from tests.browser.helpers import login_as

WRONG_CREDENTIALS = AccountAdapter.error_messages["email_password_mismatch"]


def test_login_page_passes_axe(page, axe):
    page.goto("/accounts/login/")

    expect(page.locator("input[name='login']")).to_be_visible()
    axe(page)


def test_wrong_password_shows_an_error(page, world, axe):
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill(world.alice.email)
    page.locator("input[name='password']").fill("not-her-password")
    page.locator("input[name='password']").press("Enter")

    with translation.override("nl"):
        message = str(WRONG_CREDENTIALS)
    expect(page.get_by_text(message)).to_be_visible()
    assert "/accounts/login/" in page.url
    axe(page)


def test_advisor_logs_in_and_lands_on_her_work_queue(page, live_server, world):
    login_as(page, live_server, world.alice)

    expect(page).to_have_url(re.compile(r"/werk/$"))


def test_programme_manager_logs_in_with_a_totp_code(page, live_server, world):
    login_as(page, live_server, world.pam)

    expect(page).to_have_url(re.compile(r"/werk/$"))
