"""An advisor tries to mark a cluster of two companies formed in a real browser: it is
refused and the page says why; she adds a third company by its KvK number and marks it
formed. The list, the form with errors and the cluster's page pass axe-core."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from loket.collectives.models import Collective
from tests.browser.helpers import login_as
from tests.collectives.groups_setup import inside, members, setup

MISSING = "Een cluster heeft minstens 3 bedrijven; er zijn er 2."


@pytest.fixture
def data(world):
    return setup(world)


def test_a_cluster_of_two_is_refused_then_formed_with_a_third(page, live_server, data, world, axe):
    members(data.cluster, [inside(world, "Bakkerij Assen"), inside(world, "Smederij Assen")])
    third = inside(world, "Waterstof Emmen", kvk_number="87654321")
    login_as(page, live_server, world.alice)

    page.goto("/collectieven/")
    page.get_by_label("Soort").select_option("cluster")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("table")).to_contain_text("Cluster Waterstof")
    assert "Samen Sterk" not in page.locator("table").inner_text()
    axe(page)

    page.get_by_role("link", name="Cluster Waterstof").click()
    expect(page.locator("[data-rule=problems]")).to_contain_text(MISSING)
    with page.expect_navigation():
        page.get_by_role("button", name="Markeren als gevormd").click()
    assert MISSING in page.locator(".loket-form-errors").inner_text()
    data.cluster.refresh_from_db()
    assert data.cluster.formed_on is None

    page.get_by_role("link", name="Cluster Waterstof").click()
    page.get_by_role("link", name="Bedrijf toevoegen").click()
    page.get_by_label("Bedrijf (KvK- of Loket-nummer)").fill("8765 4321")
    with page.expect_navigation():
        page.get_by_role("button", name="Toevoegen").click()
    assert "Waterstof Emmen doet mee." in page.locator(".loket-messages").inner_text()
    assert data.cluster.members.filter(company=third).exists()
    assert "Voldoet aan de regel" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Markeren als gevormd").click()
    data.cluster.refresh_from_db()
    assert data.cluster.formed_on == timezone.localdate()
    assert "gevormd op" in page.locator("h1 + p").inner_text()
    expect(page.locator("[data-rule=problems]")).to_have_count(0)
    axe(page)


def test_the_form_with_errors_passes_axe(page, live_server, data, world, axe):
    login_as(page, live_server, world.alice)
    page.goto("/collectieven/nieuw/")
    page.get_by_label("Soort").select_option("cluster")
    page.get_by_label("Naam", exact=True).fill("Cluster zonder kans")
    with page.expect_navigation():
        page.get_by_role("button", name="Collectief aanmaken").click()
    assert "Kies het programma." in page.locator("main").inner_text()
    axe(page)
    page.get_by_label("Programma").select_option(str(data.programme.pk))
    page.get_by_label("Verantwoordelijke organisatie").select_option(str(world.bureau.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Collectief aanmaken").click()
    assert "Beschrijf de gezamenlijke kans van het cluster." in page.locator("main").inner_text()
    axe(page)
    page.get_by_label("Gezamenlijke kans").fill("Samen waterstof opslaan.")
    with page.expect_navigation():
        page.get_by_role("button", name="Collectief aanmaken").click()
    made = Collective.objects.get(name="Cluster zonder kans")
    assert page.url.endswith(f"/collectieven/{made.pk}/")
