"""The check-in list at the door: ticking people present (with and without htmx),
searching by name without the name in a URL, walk-ins linked to the client record, and
who may do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loket.companies.models import Company
from loket.events.models import Registration
from loket.events.services import attendance
from tests import factories as f
from tests.events.day_helpers import registration, setup, started_event

P = Registration.Attendance


@pytest.fixture
def day(world):
    return setup(world)


def _checkin(event):
    return reverse("events:checkin", args=[event.pk])


def _mark(reg):
    return reverse("events:checkin_mark", args=[reg.pk])


def test_the_list_shows_everyone_registered_except_who_cancelled(world, login, day):
    registration(day.event, name="Dirk Afgemeld", status=Registration.Status.CANCELLED)
    registration(day.event, name="Eva Wachtlijst", status=Registration.Status.WAITING)
    response = login(world.alice).get(_checkin(day.event))
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("Anna Jansen", "Bert de Vries", "Carla Smit", "Eva Wachtlijst"):
        assert name in body
    assert "Dirk Afgemeld" not in body
    assert "0 van 4 aanwezig" in body


def test_ticking_present_without_javascript_redirects_back_to_the_row(world, login, day):
    response = login(world.alice).post(_mark(day.anna), {"aanwezig": "ja"})
    assert response.status_code == 302
    assert response["Location"] == _checkin(day.event) + f"#aanmelding-{day.anna.pk}"
    day.anna.refresh_from_db()
    assert day.anna.attendance == P.PRESENT
    assert day.anna.checked_in_at is not None


def test_ticking_with_htmx_answers_the_row_only(world, login, day):
    client = login(world.alice)
    response = client.post(_mark(day.anna), {"aanwezig": "ja"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<tr")
    assert "✓ Aanwezig" in body
    assert 'value="nee"' in body  # the same button now undoes the tick
    response = client.post(_mark(day.anna), {"aanwezig": "nee"}, HTTP_HX_REQUEST="true")
    assert "Aanwezig melden" in response.content.decode()
    day.anna.refresh_from_db()
    assert day.anna.attendance == P.UNKNOWN
    assert day.anna.checked_in_at is None


def test_someone_from_the_waiting_list_who_turns_up_is_confirmed(world, login, day):
    eva = registration(day.event, name="Eva Wachtlijst", status=Registration.Status.WAITING)
    login(world.alice).post(_mark(eva), {"aanwezig": "ja"})
    eva.refresh_from_db()
    assert (eva.status, eva.attendance) == (Registration.Status.CONFIRMED, P.PRESENT)


def test_a_cancelled_registration_cannot_be_ticked(world, login, day):
    gone = registration(day.event, name="Dirk Afgemeld", status=Registration.Status.CANCELLED)
    response = login(world.alice).post(_mark(gone), {"aanwezig": "ja"})
    assert response.status_code == 422
    assert "voeg de persoon toe als binnenloper" in response.content.decode()
    gone.refresh_from_db()
    assert gone.attendance == P.UNKNOWN


def test_check_in_opens_on_the_day_of_the_event(world, login):
    event = started_event(world, hours_ago=-24 * 3)  # in three days
    reg = registration(event, name="Te Vroeg")
    client = login(world.alice)
    page = client.get(_checkin(event)).content.decode()
    assert "vanaf de dag van het evenement" in page
    assert "Aanwezig melden" not in page
    response = client.post(_mark(reg), {"aanwezig": "ja"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "vanaf de dag van het evenement" in response.content.decode()
    reg.refresh_from_db()
    assert reg.attendance == P.UNKNOWN


def test_searching_is_a_post_and_keeps_the_name_out_of_the_url(world, login, day):
    response = login(world.alice).post(_checkin(day.event), {"zoek": "korenschoof"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == _checkin(day.event)
    assert "Anna Jansen" in body
    assert "Bert de Vries" in body
    assert "Carla Smit" not in body
    response = login(world.alice).post(_checkin(day.event), {"zoek": "carla"})
    assert "Carla Smit" in response.content.decode()
    assert "Anna Jansen" not in response.content.decode()


def test_garbage_to_the_search_and_the_tick(world, login, day):
    client = login(world.alice)
    response = client.post(_checkin(day.event), {"zoek": "x" * 500})
    assert response.status_code == 422
    assert "Gebruik hoogstens 100 tekens." in response.content.decode()
    response = client.post(_checkin(day.event), {"zoek": "a\x00b"})
    assert response.status_code == 422
    for value in ({}, {"aanwezig": "misschien"}, {"aanwezig": "\x00"}, {"aanwezig": ["ja", "x"]}):
        response = client.post(_mark(day.anna), value)
        assert response.status_code == 422, value
        assert "Kies aanwezig of niet aanwezig." in response.content.decode()
    day.anna.refresh_from_db()
    assert day.anna.attendance == P.UNKNOWN
    assert client.get(_mark(day.anna)).status_code == 405
    assert client.post(reverse("events:checkin_mark", args=[2**63 - 1])).status_code == 404


def test_the_list_runs_the_same_queries_for_3_or_30_people(world, login, day):
    client = login(world.alice)
    with CaptureQueriesContext(connection) as few:
        client.get(_checkin(day.event))
    for n in range(27):
        company = f.CompanyFactory(region=world.region)
        registration(day.event, company, name=f"Deelnemer {n}", attendance=P.PRESENT)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_checkin(day.event))
    assert "27 van 30 aanwezig" in response.content.decode()
    assert len(many) == len(few)


def test_a_co_organiser_checks_people_in_but_an_outsider_gets_404(world, login, day):
    bob = login(world.bob)
    assert bob.get(_checkin(day.event)).status_code == 200
    assert bob.post(_mark(day.anna), {"aanwezig": "ja"}).status_code == 302
    charlie = login(world.charlie)
    assert charlie.get(_checkin(day.event)).status_code == 404
    assert charlie.post(_mark(day.bert), {"aanwezig": "ja"}).status_code == 404
    day.bert.refresh_from_db()
    assert day.bert.attendance == P.UNKNOWN


# --- walk-ins --------------------------------------------------------------------------------


def _walk_in(event):
    return reverse("events:walk_in", args=[event.pk])


def test_a_walk_in_of_a_new_company_creates_it_and_is_present(world, login, day):
    response = login(world.alice).post(
        _walk_in(day.event),
        {
            "name": "Fatima Bouali",
            "company_name": "Drukkerij Noord",
            "kvk_number": "87654321",
            "email": "fatima@drukkerij.example",
            "municipality": world.assen.pk,
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Fatima Bouali is toegevoegd als binnenloper" in body
    assert "nieuw in de klantregistratie" in body
    reg = Registration.objects.get(event=day.event, name="Fatima Bouali")
    assert reg.source == Registration.Source.WALK_IN
    assert (reg.status, reg.attendance) == (Registration.Status.CONFIRMED, P.PRESENT)
    assert reg.company.kvk_number == "87654321"
    assert reg.person.email == "fatima@drukkerij.example"


def test_a_walk_in_of_a_known_company_links_to_it_without_a_duplicate(world, login, day):
    before = Company.objects.count()
    response = login(world.alice).post(
        _walk_in(day.event),
        {"name": "Gert Bakker", "company_name": "Bakkerij De Korenschoof"},
        follow=True,
    )
    assert "gekoppeld aan het bestaande bedrijf Bakkerij De Korenschoof" in (
        response.content.decode()
    )
    assert Company.objects.count() == before
    assert Registration.objects.get(name="Gert Bakker").company == day.bakery


def test_a_walk_in_without_a_company_is_present_without_one(world, login, day):
    login(world.bob).post(_walk_in(day.event), {"name": "Hans Particulier"})
    reg = Registration.objects.get(name="Hans Particulier")
    assert reg.company is None
    assert reg.attendance == P.PRESENT


def test_garbage_to_the_walk_in_form(world, login, day):
    client = login(world.alice)
    cases = [
        ({}, "name", "Vul de naam in."),
        ({"name": " "}, "name", "Vul de naam in."),
        ({"name": "x" * 201}, "name", "Gebruik hoogstens 200 tekens."),
        ({"name": "Iris", "email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
        ({"name": "Iris", "kvk_number": "12ab"}, "kvk_number", "precies 8 cijfers"),
        ({"name": "Iris", "municipality": "99999999999999999999999"}, "municipality", "Kies"),
        ({"name": "Iris", "municipality": "abc"}, "municipality", "Kies een gemeente"),
        ({"name": "Iris\x00"}, "name", "Null"),
        (
            {"name": "Anna Jansen", "email": day.anna.email.upper()},
            "email",
            "al aangemeld voor dit evenement",
        ),
    ]
    before = Registration.objects.count()
    for data, field, message in cases:
        response = client.post(_walk_in(day.event), data)
        assert response.status_code == 422, data
        body = response.content.decode()
        assert f'id="id_{field}_error"' in body, data
        assert message.lower() in body.lower(), (data, message)
    assert Registration.objects.count() == before


def test_a_municipality_of_another_region_is_refused(world, login, day):
    other = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    response = login(world.alice).post(
        _walk_in(day.event), {"name": "Iris", "municipality": other.pk}
    )
    assert response.status_code == 422
    assert "Kies een gemeente uit de lijst." in response.content.decode()


def test_no_walk_ins_after_attendance_is_final(world, login, day):
    attendance.finalise(world.alice, day.event)
    response = login(world.alice).post(_walk_in(day.event), {"name": "Te Laat"})
    assert response.status_code == 422
    assert "aanvinken kan niet meer" in response.content.decode()
    assert not Registration.objects.filter(name="Te Laat").exists()


def test_check_in_is_closed_for_a_cancelled_event(world, login, day):
    day.event.status = "cancelled"
    day.event.save()
    response = login(world.alice).post(_mark(day.anna), {"aanwezig": "ja"})
    assert response.status_code == 422
    assert "afgelast" in response.content.decode()


def test_checked_in_at_is_kept_when_ticked_twice(world, day):
    first = attendance.set_attendance(world.alice, day.anna, True).checked_in_at
    later = timezone.now() + dt.timedelta(minutes=5)
    assert first is not None
    assert first < later
    assert attendance.set_attendance(world.alice, day.anna, True).checked_in_at == first
