"""A programme advisor creates an event in a real browser, forgets the co-organising
partner, is told so at the field, adds the partner and publishes the event. The event
list, the form with its errors and the event page pass axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from loket.events.models import Event
from tests.browser.helpers import login_as
from tests.events.manage_helpers import in_days, setup


def test_an_advisor_creates_forgets_the_partner_fixes_it_and_publishes(
    page, live_server, world, axe
):
    data = setup(world)
    login_as(page, live_server, world.alice)
    page.goto("/evenementen/")
    assert page.locator("h1").inner_text() == "Evenementen"
    axe(page)

    page.get_by_role("link", name="Nieuw evenement").click()
    page.get_by_label("Programma", exact=True).select_option(label=data.programme.name)
    page.get_by_label("Soort", exact=True).select_option(label="innovatiecafé")
    page.get_by_label("Titel", exact=True).fill("Innovatiecafé Assen")
    page.get_by_label("Begint", exact=True).fill(in_days(21, 15).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Eindigt", exact=True).fill(in_days(21, 17).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Locatie").fill("TT Hall")
    page.get_by_label("Adres (niet verplicht)").fill("De Haar 1, Assen")
    page.get_by_label("Gemeente (niet verplicht)").select_option(label="Assen")
    page.get_by_label("Maximum aantal deelnemers").fill("40")
    with page.expect_navigation():
        page.get_by_role("button", name="Evenement aanmaken").click()

    # The partner was forgotten: the message sits at the partners' field, the rest is kept.
    field = page.locator(".utrecht-form-field--invalid")
    expect(field).to_have_count(1)
    assert "Mede-organiserende partners" in field.inner_text()
    assert "het programma organiseert nooit alleen" in field.inner_text()
    assert page.get_by_label("Titel", exact=True).input_value() == "Innovatiecafé Assen"
    assert Event.objects.count() == 0
    axe(page)

    field.get_by_label("Gemeente Assen").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Evenement aanmaken").click()
    assert page.locator("h1").inner_text().startswith("Innovatiecafé Assen")
    assert "is aangemaakt als concept" in page.locator(".loket-messages").inner_text()
    event = Event.objects.get()
    assert event.status == Event.Status.DRAFT
    assert event.organiser == world.bureau
    axe(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Publiceren").click()
    assert "is gepubliceerd" in page.locator(".loket-messages").inner_text()
    assert page.locator("h1 [data-status]").inner_text() == "gepubliceerd"
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert list(event.partners.all()) == [world.gem_assen]
    axe(page)

    page.goto("/evenementen/")
    expect(page.locator(f'tr[data-event="{event.pk}"]')).to_have_count(1)


def test_the_organiser_links_an_ambiguous_registration_to_the_right_company(
    page, live_server, world, axe
):
    from loket.events.services import registration as services
    from tests import factories as f
    from tests.events.registration_helpers import event_of, person

    f.CompanyFactory(region=world.region, name="Bakkerij Jansen", municipality=world.assen)
    emmen = f.CompanyFactory(
        region=world.region, name="Bakkerij Jansen", municipality=world.emmen, kvk_number=""
    )
    event = event_of(world, title="Netwerkborrel Assen")
    done = services.register(
        event, person(1, world, company_name="Bakkerij Jansen", municipality=None)
    )
    login_as(page, live_server, world.alice)
    page.goto(f"/evenementen/{event.pk}/")
    page.get_by_role("link", name="Bedrijf koppelen (Deelnemer 1)").click()
    expect(page.locator("h1")).to_have_text("Bedrijf koppelen aan de aanmelding van Deelnemer 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Koppelen").click()
    expect(page.locator(".utrecht-form-field--invalid")).to_have_count(1)
    axe(page)  # the form with its error
    page.get_by_label("Bakkerij Jansen, Emmen").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Koppelen").click()
    expect(page.locator(".loket-messages")).to_contain_text(
        "De aanmelding is gekoppeld aan Bakkerij Jansen."
    )
    done.refresh_from_db()
    assert done.company == emmen
