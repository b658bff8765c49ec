"""Choosing the company of a registration that linking left without one (two companies
of the same name, or none named): the candidates are offered, the choice links company and
contact person (with the consent), an attendee of a finalised event gets the contact
moment, garbage is refused at the field with nothing linked, and only who manages the
event may do it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from loket.casework.models import ContactMoment
from loket.companies.models import Consent, Person
from loket.core.models import AuditEvent
from loket.events.models import Registration
from loket.events.services import attendance
from loket.events.services import registration as services
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.events.day_helpers import started_event
from tests.events.registration_helpers import event_of, person


@pytest.fixture
def twins(world):
    """Two companies called Bakkerij Jansen (Assen and Emmen), and a registration through
    the portal for "Bakkerij Jansen" without a municipality: linking cannot choose."""
    assen = f.CompanyFactory(
        region=world.region, name="Bakkerij Jansen", municipality=world.assen, kvk_number="11112222"
    )
    emmen = f.CompanyFactory(
        region=world.region, name="Bakkerij Jansen", municipality=world.emmen, kvk_number=""
    )
    event = event_of(world, title="Netwerkborrel Assen")
    done = services.register(
        event, person(1, world, company_name="Bakkerij Jansen", municipality=None)
    )
    assert done.company is None
    return assen, emmen, event, done


def _url(registration):
    return reverse("events:registration_company", args=[registration.pk])


def test_the_organiser_chooses_among_the_candidates_and_the_person_follows(world, login, twins):
    assen, emmen, event, done = twins
    client = login(world.alice)
    detail = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
    assert _url(done) in detail  # "Bedrijf koppelen" on the event page
    page = client.get(_url(done)).content.decode()
    assert "Bakkerij Jansen (11112222), Assen" in page
    assert "Bakkerij Jansen, Emmen" in page

    response = client.post(_url(done), {"bedrijf": str(emmen.pk)}, follow=True)
    assert "De aanmelding is gekoppeld aan Bakkerij Jansen." in response.content.decode()
    done.refresh_from_db()
    assert done.company == emmen
    assert done.person == Person.objects.get(company=emmen, email="deelnemer1@bedrijf1.example")
    assert Consent.objects.filter(person=done.person, method=Consent.Method.WEB_FORM).exists()
    trail = AuditEvent.objects.get(object_type="events.registration", changes__company__1=emmen.pk)
    assert (trail.actor, trail.company_id) == (world.alice, emmen.pk)
    assert _url(done) not in response.content.decode()  # linked: nothing more to choose
    # asked again: it says so and changes nothing
    again = client.post(_url(done), {"bedrijf": str(assen.pk)}, follow=True)
    assert "Deze aanmelding is al aan een bedrijf gekoppeld." in again.content.decode()
    done.refresh_from_db()
    assert done.company == emmen


def test_a_company_by_its_kvk_number_when_none_was_named(world, login):
    company = f.CompanyFactory(region=world.region, name="Garage Smit", kvk_number="33334444")
    event = event_of(world)
    done = services.register(event, person(2, world, company_name=""))
    assert done.company is None
    client = login(world.alice)
    page = client.get(_url(done)).content.decode()
    assert "Vul het KvK-nummer in" in page
    response = client.post(_url(done), {"kvk_nummer": "3333 4444"})
    assert response.status_code == 302
    done.refresh_from_db()
    assert done.company == company


def test_an_attendee_of_a_finalised_event_gets_the_contact_moment(world, twins):
    assen, _emmen, _event, _done = twins
    event = started_event(world)
    walk_in = f.RegistrationFactory(
        event=event,
        company=None,
        company_name="Bakkerij Jansen",
        attendance=Registration.Attendance.PRESENT,
        source=Registration.Source.WALK_IN,
    )
    attendance.finalise(world.alice, event)
    assert not ContactMoment.objects.filter(company=assen).exists()
    linked = attendance.choose_company(world.alice, walk_in, assen)
    moment = ContactMoment.objects.get(company=assen)
    assert moment.kind == ContactMoment.Kind.EVENT
    assert linked.contact_moment == moment
    assert linked.person is None  # no consent recorded: no person kept


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "bedrijf", "Kies een bedrijf of vul een KvK-nummer in."),
        ({"bedrijf": "abc"}, "bedrijf", "Kies een bedrijf uit de lijst."),
        ({"bedrijf": "99999999999"}, "bedrijf", "Kies een bedrijf uit de lijst."),
        ({"kvk_nummer": "123"}, "kvk_nummer", "8 cijfers"),
        ({"kvk_nummer": "99998888"}, "kvk_nummer", "Geen bedrijf met dit KvK-nummer"),
        ({"kvk_nummer": "1111\x002222"}, "kvk_nummer", ""),
        ({"kvk_nummer": "x" * 5000}, "kvk_nummer", "8 cijfers"),
    ],
)
def test_garbage_is_refused_at_the_field_and_nothing_is_linked(
    world, login, twins, data, field, message
):
    _assen, _emmen, _event, done = twins
    response = login(world.alice).post(_url(done), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    done.refresh_from_db()
    assert done.company is None
    assert done.person is None


def test_both_a_choice_and_a_kvk_number_is_one_too_many(world, login, twins):
    assen, emmen, _event, done = twins
    response = login(world.alice).post(
        _url(done), {"bedrijf": str(emmen.pk), "kvk_nummer": assen.kvk_number}
    )
    assert response.status_code == 400
    assert "niet allebei" in " ".join(response.context["form"].errors["kvk_nummer"])


def test_only_who_manages_the_event_may_choose(world, login, twins):
    _assen, emmen, _event, done = twins
    assert login(world.bob).get(_url(done)).status_code == 403  # co-organiser
    assert login(world.charlie).get(_url(done)).status_code == 404  # no part in it
    assert (
        login(world.alice).get(reverse("events:registration_company", args=[10**12])).status_code
        == 404
    )
    with pytest.raises(ValidationError) as exc:
        attendance.choose_company(world.alice, done, f.CompanyFactory(region=world.other_region))
    assert exc.value.message_dict == {"company": ["Kies een bedrijf uit de klantregistratie."]}
    done.refresh_from_db()
    assert done.company is None
    assert emmen.pk  # untouched


def test_the_api_chooses_the_company_and_refuses_garbage(world, twins):
    assen, emmen, _event, done = twins
    client = ApiClient(world.alice)
    address = f"/registrations/{done.pk}/company"
    for body, loc in (
        ({}, "company"),
        ({"company": "abc"}, "company"),
        ({"company": f.CompanyFactory(region=world.other_region).pk}, "company"),
        ({"company": assen.pk, "extra": 1}, "extra"),
    ):
        response = client.post(address, body)
        assert response.status_code == 422, body
        assert loc in str(response.json()), body
    done.refresh_from_db()
    assert done.company is None
    response = client.post(address, {"company": emmen.pk})
    assert response.status_code == 200
    assert response.json()["company"] == emmen.pk
    again = client.post(address, {"company": assen.pk})
    assert again.status_code == 422
    assert "al aan een bedrijf gekoppeld" in str(again.json())
