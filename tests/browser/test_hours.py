"""A specialist registers a week of hours in a real browser: over a company's cap the row
is blocked with a clear message and nothing is saved; within the cap the week is saved,
with the 80 % warning and the saved totals. The week screen passes axe-core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from loket.programmes.models import HourEntry
from tests.browser.helpers import login_as
from tests.programmes.hours_factories import entry, iso_week, last_monday, setup


def test_a_week_over_the_cap_is_blocked_and_within_it_saved(page, live_server, world, axe):
    h = setup(world)
    # 20 of the scheme's 24 hours for Bakkerij De Brink are already registered
    entry(h, world.alice, "20", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    login_as(page, live_server, h.sam)
    page.goto(f"/programmas/uren/?week={iso_week(last_monday())}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Uren week")
    axe(page)

    page.get_by_label("Activiteit, regel 1").select_option(label="Trajectbegeleiding")
    page.get_by_label("Bedrijf of traject, regel 1").select_option(
        label="Nieuwe oven – Bakkerij De Brink"
    )
    page.locator("#id_rij-0-d0").fill("2")
    page.locator("#id_rij-0-d1").fill("2")
    page.locator("#id_rij-0-d2").fill("1,5")
    page.get_by_label("Activiteit, regel 2").select_option(label="Gesprekken")
    page.get_by_label("Notitie, regel 2").fill("spreekuur")
    page.locator("#id_rij-1-d3").fill("3")
    page.locator("#id_rij-1-d4").fill("1:30")
    page.get_by_role("button", name="Week opslaan").click()

    message = (
        "Niet opgeslagen: voor Bakkerij De Brink geldt een maximum van 24 uur op trajecten "
        "van de regeling Innovatietraject. Er is al 20 uur geregistreerd; met deze uren komt "
        "het totaal op 25,5 uur."
    )
    row_errors = page.locator("#rij-1-fouten")
    assert message in row_errors.inner_text()
    assert "vraag toestemming aan Pam Programma" in row_errors.inner_text()
    expect(row_errors.get_by_role("link", name="Vraag toestemming voor meer uren")).to_be_visible()
    alert = page.get_by_role("alert")
    assert "Niets opgeslagen." in alert.inner_text()
    # the input is kept, and nothing was saved
    assert page.locator("#id_rij-0-d2").input_value() == "1,5"
    assert page.locator("#id_rij-1-d4").input_value() == "1:30"
    assert not HourEntry.objects.filter(user=h.sam).exists()
    axe(page)
    # the link says whom to ask, and comes back
    with page.expect_navigation():
        row_errors.get_by_role("link", name="Vraag toestemming voor meer uren").click()
    assert "Vraag toestemming aan Pam Programma" in page.locator("main").inner_text()
    axe(page)
    page.go_back()

    page.locator("#id_rij-0-d1").fill("1")
    page.locator("#id_rij-0-d2").fill("")
    page.get_by_role("button", name="Week opslaan").click()

    status = page.get_by_role("status")
    assert "Opgeslagen: 4 nieuw, 0 gewijzigd, 0 verwijderd." in status.inner_text()
    assert (
        "Let op: voor Bakkerij De Brink is nu 23 van de 24 uur op trajecten van de regeling "
        "Innovatietraject gebruikt (96 %)." in status.inner_text()
    )
    totals = page.locator("tfoot td").all_inner_texts()
    assert totals == ["2", "1", "0", "3", "1,5", "0", "0", "7,5"]
    saved = sorted((e.date - last_monday()).days for e in HourEntry.objects.filter(user=h.sam))
    assert saved == [0, 1, 3, 4]
    assert sum(e.hours for e in HourEntry.objects.filter(user=h.sam)) == Decimal("7.5")
    # rows in the order of the activities: "Gesprekken" first now
    assert page.locator("#id_rij-0-d4").input_value() == "1,5"
    assert page.locator("#id_rij-1-d0").input_value() == "2"
    axe(page)


def test_a_manager_allows_more_hours_and_sees_everyones_hours(page, live_server, world, axe):
    h = setup(world)
    entry(h, world.alice, "20", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    login_as(page, live_server, world.pam)
    page.goto(
        f"/programmas/{h.programme.pk}/uren/toestemming/?bedrijf={h.bakker.pk}&regeling={h.scheme.pk}"
    )
    axe(page)
    assert page.get_by_label("Bedrijf (KvK-nummer of naam)").input_value() == "12345678"
    page.get_by_label("Extra uren").fill("6")
    page.get_by_label("Reden").fill("De nieuwe oven vraagt extra begeleiding.")
    page.get_by_role("button", name="Toestaan").click()
    assert "Bakkerij De Brink mag 6 uur meer. Het maximum is nu 30 uur." in (
        page.get_by_role("status").inner_text()
    )
    assert "De nieuwe oven vraagt extra begeleiding." in page.locator("table").inner_text()
    axe(page)
    page.goto("/programmas/uren/overzicht/")
    assert "Alice Advies" in page.locator("table").inner_text()
    axe(page)
