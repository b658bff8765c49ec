"""The public calendar, the event page, registration (the form fed garbage too), the
invitation link, the personal cancel link, and the staff's registration pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from loket.companies.models import Company
from loket.core.models import Theme
from loket.events.models import Registration
from loket.events.services import registration as services
from tests import factories as f
from tests.events.registration_helpers import event_of, mails_to


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def _form(world, **changes):
    data = {
        "name": "Anna de Bakker",
        "company_name": "Bakkerij De Brink",
        "kvk_number": "",
        "email": "anna@brink.example",
        "municipality": str(world.assen.pk),
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- the calendar ---------------------------------------------------------------------


def test_the_calendar_lists_published_public_events_with_places_left(world, client):
    shown = event_of(world, title="Netwerkborrel", capacity=3)
    f.RegistrationFactory(event=shown)
    event_of(world, title="Concept", status="draft")
    event_of(world, title="Besloten diner", public=False)
    f.EventFactory(programme=f.ProgrammeFactory(region=world.other_region), title="Twents")
    event_of(
        world,
        title="Voorbij",
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
    )
    response = client.get(reverse("agenda:calendar"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Netwerkborrel" in html
    assert "nog 2 plaatsen" in html
    for hidden in ("Concept", "Besloten diner", "Twents", "Voorbij"):
        assert hidden not in html


def test_the_calendar_filters_by_theme_municipality_and_online(world, client):
    theme = Theme.objects.filter(active=True).first()
    themed = event_of(world, title="Thema-avond", municipality=world.emmen)
    themed.themes.set([theme])
    event_of(world, title="Webinar Export", online=True, online_url="https://w.example/x")

    def titles(**params):
        html = client.get(reverse("agenda:calendar"), params).content.decode()
        return {t for t in ("Thema-avond", "Webinar Export") if t in html}

    assert titles() == {"Thema-avond", "Webinar Export"}
    assert titles(thema=theme.slug) == {"Thema-avond"}
    assert titles(gemeente=world.emmen.pk) == {"Thema-avond"}
    assert titles(gemeente=world.assen.pk) == {"Webinar Export"}
    assert titles(online="ja") == {"Webinar Export"}
    assert titles(online="nee") == {"Thema-avond"}


@pytest.mark.parametrize(
    "params",
    [
        {"thema": "bestaat-niet"},
        {"gemeente": "99999999999999999999999"},
        {"online": "misschien"},
        {"gemeente": "\x00"},
        {"pagina": "-1", "per_pagina": "abc"},
    ],
)
def test_garbage_filters_get_a_message_never_a_500(world, client, params):
    event_of(world)
    response = client.get(reverse("agenda:calendar"), params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Kies" in response.content.decode()


def test_the_calendar_runs_a_constant_number_of_queries(
    world, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        event = event_of(world)
        event.themes.set(Theme.objects.filter(active=True)[:2])
        f.RegistrationFactory(event=event)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("agenda:calendar"))
    for _ in range(8):
        event = event_of(world)
        event.themes.set(Theme.objects.filter(active=True)[:2])
        f.RegistrationFactory(event=event)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("agenda:calendar"))
    assert len(many) == len(few)


# --- the event page and registration --------------------------------------------------


def test_the_event_page_shows_the_event_without_the_online_link(world, client):
    event = event_of(world, title="Webinar AI", online=True, online_url="https://w.example/geheim")
    html = client.get(reverse("agenda:event", args=[event.pk])).content.decode()
    assert "Webinar AI" in html
    assert "https://w.example/geheim" not in html
    assert reverse("agenda:register", args=[event.pk]) in html


def test_an_invitation_only_event_is_404_by_number_and_open_by_its_invitation(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_of(world, title="Besloten diner", public=False)
    assert client.get(reverse("agenda:event", args=[event.pk])).status_code == 404
    assert client.get(reverse("agenda:register", args=[event.pk])).status_code == 404
    url = reverse("agenda:invitation", args=[event.invitation_token])
    assert "Besloten diner" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form(world))
    assert response.status_code == 302
    assert Registration.objects.get(event=event).status == "confirmed"
    assert client.get(reverse("agenda:invitation", args=["fout"])).status_code == 404


def test_registering_on_the_portal_confirms_mails_and_shows_thanks(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_of(world, title="Netwerkborrel")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agenda:register", args=[event.pk]), _form(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("agenda:registered")
    # nothing personal in the URL
    assert "anna" not in response["Location"].lower()
    thanks = client.get(response["Location"]).content.decode()
    assert "U bent aangemeld voor „Netwerkborrel”" in thanks
    registration = Registration.objects.get(event=event)
    assert registration.company.name == "Bakkerij De Brink"
    assert registration.person.email == "anna@brink.example"
    assert len(mails_to(mailoutbox, "anna@brink.example")) == 1


def test_a_full_event_says_waiting_list(world, client, django_capture_on_commit_callbacks):
    event = event_of(world, capacity=1)
    f.RegistrationFactory(event=event)
    page = client.get(reverse("agenda:register", args=[event.pk])).content.decode()
    assert "Aanmelden voor de wachtlijst" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agenda:register", args=[event.pk]), _form(world), follow=True
        )
    assert "U staat op de wachtlijst" in response.content.decode()


GARBAGE = [
    ({"name": ""}, "name", "Vul uw naam in."),
    ({"name": "x" * 201}, "name", "Gebruik hoogstens 200 tekens."),
    ({"company_name": ""}, "company_name", "Vul de naam van uw bedrijf in."),
    ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
    ({"email": ""}, "email", "Vul uw e-mailadres in."),
    ({"kvk_number": "1234"}, "kvk_number", "precies 8 cijfers"),
    ({"kvk_number": "1" * 50}, "kvk_number", "precies 8 cijfers"),
    ({"municipality": "abc"}, "municipality", "Kies een gemeente uit de lijst."),
    ({"municipality": "9" * 30}, "municipality", "Kies een gemeente uit de lijst."),
    ({"municipality": ""}, "municipality", "Kies de gemeente waar uw bedrijf gevestigd is."),
    ({"consent": None}, "consent", "Zonder uw toestemming"),
    ({"name": "Anna\x00"}, "name", "Null-tekens zijn niet toegestaan."),
]


@pytest.mark.parametrize(("changes", "field", "message"), GARBAGE)
def test_the_registration_form_fed_garbage_says_what_is_wrong_and_saves_nothing(
    world, client, changes, field, message
):
    event = event_of(world)
    other = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    assert other  # a municipality of another region is refused too (below)
    response = client.post(reverse("agenda:register", args=[event.pk]), _form(world, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field]) or message in response.content.decode()
    assert not Registration.objects.exists()
    assert not Company.objects.filter(name="Bakkerij De Brink").exists()


def test_a_municipality_of_another_region_and_a_second_registration_are_refused(world, client):
    event = event_of(world)
    other = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    response = client.post(
        reverse("agenda:register", args=[event.pk]), _form(world, municipality=str(other.pk))
    )
    assert response.status_code == 400
    assert response.context["form"].errors["municipality"] == ["Kies een gemeente uit de lijst."]
    client.post(reverse("agenda:register", args=[event.pk]), _form(world))
    again = client.post(reverse("agenda:register", args=[event.pk]), _form(world))
    assert again.status_code == 400
    assert again.context["form"].errors["email"] == [
        "Dit e-mailadres is al aangemeld voor dit evenement."
    ]
    assert Registration.objects.filter(event=event).count() == 1


def test_the_honeypot_stores_nothing_and_the_throttle_stops_a_flood(world, client):
    event = event_of(world)
    url = reverse("agenda:register", args=[event.pk])
    bot = client.post(url, _form(world, website="http://spam.example"))
    assert bot.status_code == 302
    assert not Registration.objects.exists()
    for n in range(services.REGISTRATIONS_PER_HOUR - 1):
        client.post(url, _form(world, email=f"collega{n}@brink.example"))
    assert Registration.objects.count() == services.REGISTRATIONS_PER_HOUR - 1
    stopped = client.post(url, _form(world, email="nog.een@brink.example"))
    assert stopped.status_code == 429
    assert "Probeer het over een uur opnieuw" in stopped.content.decode()
    assert Registration.objects.count() == services.REGISTRATIONS_PER_HOUR - 1


def test_registration_closed_shows_no_form(world, client):
    event = event_of(world, registration_deadline=timezone.now() - dt.timedelta(minutes=1))
    html = client.get(reverse("agenda:register", args=[event.pk])).content.decode()
    assert "Aanmelden voor dit evenement kan niet meer." in html
    assert '<form method="post" action="/agenda/' not in html
    response = client.post(reverse("agenda:register", args=[event.pk]), _form(world))
    assert response.status_code == 400
    assert not Registration.objects.exists()


# --- the cancel link ------------------------------------------------------------------


def test_the_cancel_link_shows_the_online_link_to_a_confirmed_registrant_and_cancels(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_of(world, capacity=1, online=True, online_url="https://w.example/geheim")
    confirmed = f.RegistrationFactory(event=event)
    waiting = f.RegistrationFactory(event=event, status="waiting", email="wacht@example.nl")
    assert (
        "https://w.example/geheim"
        not in client.get(reverse("agenda:cancel", args=[waiting.token])).content.decode()
    )
    url = reverse("agenda:cancel", args=[confirmed.token])
    assert "https://w.example/geheim" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert "U bent afgemeld" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert mails_to(mailoutbox, "wacht@example.nl")[0].subject.startswith("Er is plaats")
    again = client.post(url)
    assert again.status_code == 400
    assert "Deze aanmelding is al afgemeld." in again.content.decode()
    assert client.get(reverse("agenda:cancel", args=["x" * 500])).status_code == 404


# --- staff pages ----------------------------------------------------------------------


def test_staff_register_someone_and_cancel(world, login, django_capture_on_commit_callbacks):
    event = event_of(world, capacity=1)
    client = login(world.alice)
    url = reverse("events:registration_create", args=[event.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"name": "Bert Bel", "company_name": "Belwinkel", "email": "", "consent": ""}
        )
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.source == "staff"
    assert registration.company.name == "Belwinkel"
    cancel_url = reverse("events:registration_cancel", args=[registration.pk])
    assert client.get(cancel_url).status_code == 200
    assert client.post(cancel_url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": "nee"}, "email"),
        ({"kvk_number": "12"}, "kvk_number"),
        ({"municipality": "-5"}, "municipality"),
        ({"name": "x" * 500}, "name"),
    ],
)
def test_the_staff_form_fed_garbage_saves_nothing(world, login, changes, field):
    event = event_of(world)
    client = login(world.alice)
    data = {"name": "Bert Bel", "company_name": "Belwinkel", **changes}
    response = client.post(reverse("events:registration_create", args=[event.pk]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Registration.objects.exists()


def test_a_co_organiser_sees_but_may_not_register_and_an_outsider_gets_404(world, login):
    event = event_of(world)
    registration = f.RegistrationFactory(event=event)
    for user, status in ((world.bob, 403), (world.charlie, 404), (world.olga, 404)):
        client = login(user)
        assert (
            client.get(reverse("events:registration_create", args=[event.pk])).status_code == status
        )
        assert (
            client.post(reverse("events:registration_cancel", args=[registration.pk])).status_code
            == status
        )
    registration.refresh_from_db()
    assert registration.status == "confirmed"
