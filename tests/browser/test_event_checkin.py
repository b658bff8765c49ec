"""At the door on a phone: the organiser searches a name, ticks people present (htmx swaps
the row, nothing reloads), adds a walk-in, makes attendance final, and the attending
company's page shows the event on its timeline. The check-in list passes axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from loket.events.models import Registration
from tests import factories as f
from tests.browser.helpers import login_as
from tests.events.day_helpers import registration, started_event

PHONE = {"width": 390, "height": 844}


def test_checking_people_in_on_a_phone_puts_the_event_on_the_company_timeline(
    page, live_server, world, axe
):
    event = started_event(world)
    bakery = f.CompanyFactory(
        region=world.region, name="Bakkerij De Korenschoof", municipality=world.assen
    )
    garage = f.CompanyFactory(region=world.region, name="Garage Emmen", municipality=world.emmen)
    anna = registration(event, bakery, name="Anna Jansen")
    registration(event, garage, name="Carla Smit")
    for n in range(8):
        registration(event, name=f"Deelnemer {n}", company_name=f"Bedrijf {n}")

    page.set_viewport_size(PHONE)
    login_as(page, live_server, world.alice)
    page.goto(f"{live_server.url}/evenementen/{event.pk}/check-in/")
    assert page.locator("h1").inner_text() == "Check-in"
    axe(page)
    # nothing sticks out sideways on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # typing filters the list on the phone itself; the URL stays the same
    url = page.url
    page.get_by_label("Zoek op naam of bedrijf").fill("korenschoof")
    rows = page.locator("#checkin-list tbody tr:visible")
    expect(rows).to_have_count(1)
    assert "Anna Jansen" in rows.first.inner_text()
    assert page.url == url

    # tick Anna: the row is swapped in place (no navigation) and shows she is there
    row = page.locator(f"#aanmelding-{anna.pk}")
    row.get_by_role("button", name="Anna Jansen aanwezig melden").click()
    page.locator(f"#aanmelding-{anna.pk} button[aria-pressed='true']").wait_for()
    assert page.url == url
    anna.refresh_from_db()
    assert anna.attendance == Registration.Attendance.PRESENT
    axe(page)

    # a walk-in from a company not yet known
    page.get_by_label("Zoek op naam of bedrijf").fill("")
    page.get_by_role("link", name="Binnenloper toevoegen").click()
    page.get_by_label("Naam", exact=True).fill("Fatima Bouali")
    page.get_by_label("Bedrijf (niet verplicht)").fill("Drukkerij Noord")
    page.get_by_label("Gemeente (niet verplicht)").select_option(label="Assen")
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Toevoegen en aanwezig melden").click()
    assert (
        "Fatima Bouali is toegevoegd als binnenloper"
        in page.locator(".loket-messages").inner_text()
    )
    assert "2 van 11 aanwezig" in page.locator('[data-figure="present"]').inner_text()

    # make attendance final
    page.get_by_role("link", name="Aanwezigheid vaststellen").click()
    expect(page.locator('[data-figure="unmarked"]')).to_have_text("9")
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Aanwezigheid vaststellen").click()
    assert (
        "9 niet verschenen en 2 bedrijven met een contactmoment"
        in page.locator(".loket-messages").inner_text()
    )
    expect(page.get_by_role("button", name="Aanwezig melden")).to_have_count(0)
    axe(page)

    # the bakery's page: the event on its timeline and in its events
    page.goto(f"{live_server.url}/bedrijven/{bakery.pk}/")
    timeline = page.locator("#tijdlijn").locator("xpath=..")
    assert "contact op evenement" in timeline.inner_text()
    assert "Netwerkborrel Assen" in timeline.inner_text()
    events = page.locator("section[aria-labelledby='evenementen']")
    assert "Netwerkborrel Assen" in events.inner_text()
    assert "aanwezig" in events.inner_text()
    axe(page)
