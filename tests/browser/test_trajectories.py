"""A programme manager approves a trajectory in a real browser and sees the scheme's
remaining number and budget change; an approval refused for want of participants says
why. The scheme and trajectory pages pass axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from loket.programmes.models import Trajectory
from tests.browser.helpers import login_as
from tests.programmes.trajectory_factories import setup, trajectory


@pytest.fixture
def data(world):
    return setup(world)


def _figure(page, name: str) -> str:
    return " ".join(page.locator(f'[data-figure="{name}"]').first.inner_text().split())


def test_a_manager_approves_and_sees_the_remaining_number_and_budget_drop(
    page, live_server, data, world, axe
):
    t = trajectory(data, title="Glutenvrij brood")
    login_as(page, live_server, world.pam)
    page.goto(f"/programmas/regeling/{data.scheme.pk}/")
    assert page.locator("h1").inner_text() == "Innovatietraject"
    assert _figure(page, "available") == "2"
    assert _figure(page, "remaining_count") == "2"
    assert _figure(page, "remaining_budget") == "€ 8.500,00"
    assert _figure(page, "remaining_budget_incl_vat") == "€ 10.285,00"
    axe(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Glutenvrij brood goedkeuren").click()

    t.refresh_from_db()
    code = t.voucher.code
    assert t.status == Trajectory.Status.APPROVED
    assert _figure(page, "remaining_count") == "1"
    assert _figure(page, "committed_count") == "1"
    assert _figure(page, "remaining_budget") == "€ 4.250,00"  # 8.500,00 - 4.250,00 granted
    assert _figure(page, "remaining_budget_incl_vat") == "€ 5.142,50"
    assert f"voucher {code} is uitgegeven" in page.locator(".loket-messages").inner_text()
    row = page.locator(f'tr[data-trajectory="{t.pk}"]')
    assert code in row.inner_text()
    expect(row.get_by_role("button")).to_have_count(0)  # approved: no button any more

    page.get_by_role("link", name="Glutenvrij brood").click()
    assert page.locator("[data-voucher-code]").inner_text() == code
    assert re.fullmatch(r"IBDO-\w{4}-\w{4}", code)
    assert _figure(page, "remaining_count") == "1 van 2"
    axe(page)


def test_an_approval_refused_for_want_of_participants_shows_the_reason(
    page, live_server, data, world, axe
):
    t = trajectory(data, scheme=data.cluster, participants=[data.smid], title="Kaasroute")
    login_as(page, live_server, world.pam)
    page.goto(f"/programmas/traject/{t.pk}/")
    axe(page)
    page.get_by_role("button", name="Goedkeuren en voucher uitgeven").click()
    alert = page.locator("#actie-goedkeuren ~ .loket-form-errors, .loket-action [role=alert]")
    assert (
        "Deze regeling vraagt minstens 3 deelnemende bedrijven; dit traject heeft er 2."
        in alert.first.inner_text()
    )
    axe(page)
    t.refresh_from_db()
    assert t.status == Trajectory.Status.APPLIED
    page.goto(f"/programmas/regeling/{data.cluster.pk}/")
    assert _figure(page, "remaining_count") == "1"
