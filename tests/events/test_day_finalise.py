"""Making attendance final: no-shows are marked, each attending company gets one contact
moment of kind event on its timeline, doing it twice changes nothing, and nobody ticks
afterwards. The company page lists the company's events."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.casework.models import ContactMoment
from loket.events.models import Registration
from loket.events.services import attendance
from tests import factories as f
from tests.events.day_helpers import registration, setup, started_event

P = Registration.Attendance


@pytest.fixture
def day(world):
    return setup(world)


def _finalise(event):
    return reverse("events:finalise", args=[event.pk])


def test_finalising_marks_no_shows_and_puts_the_event_on_each_company_timeline(world, login, day):
    attendance.set_attendance(world.alice, day.anna, True)
    attendance.set_attendance(world.alice, day.bert, True)
    client = login(world.alice)
    page = client.get(_finalise(day.event)).content.decode()
    assert 'data-figure="unmarked">1<' in page
    assert 'data-figure="companies">1<' in page
    response = client.post(_finalise(day.event), follow=True)
    assert "1 niet verschenen en 1 bedrijf met een contactmoment op de tijdlijn" in (
        response.content.decode()
    )
    day.event.refresh_from_db()
    assert day.event.attendance_final
    day.carla.refresh_from_db()
    assert day.carla.attendance == P.ABSENT
    assert day.carla.contact_moment is None
    moment = ContactMoment.objects.get(company=day.bakery)
    assert moment.kind == ContactMoment.Kind.EVENT
    assert moment.occurred_at == day.event.starts_at
    assert moment.duration_minutes == 120
    assert moment.organisation == world.bureau
    assert {p.name for p in moment.persons.all()} == {"Anna Jansen", "Bert de Vries"}
    assert "Netwerkborrel Assen" in moment.summary
    for reg in (day.anna, day.bert):
        reg.refresh_from_db()
        assert reg.contact_moment == moment
    assert not ContactMoment.objects.filter(company=day.garage).exists()


def test_finalising_twice_changes_nothing(world, day):
    attendance.set_attendance(world.alice, day.carla, True)
    first = attendance.finalise(world.alice, day.event)
    assert (first.no_shows, first.contact_moments, first.already) == (2, 1, False)
    again = attendance.finalise(world.pam, day.event)
    assert again.already
    assert ContactMoment.objects.filter(kind="event").count() == 1


def test_after_finalising_nobody_ticks_any_more(world, login, day):
    attendance.finalise(world.alice, day.event)
    client = login(world.alice)
    page = client.get(reverse("events:checkin", args=[day.event.pk])).content.decode()
    assert "aanvinken kan niet meer" in page
    assert "Aanwezig melden" not in page
    assert "niet verschenen" in page
    response = client.post(reverse("events:checkin_mark", args=[day.anna.pk]), {"aanwezig": "ja"})
    assert response.status_code == 422
    day.anna.refresh_from_db()
    assert day.anna.attendance == P.ABSENT
    with pytest.raises(ValidationError):
        attendance.set_attendance(world.bob, day.anna, True)


def test_attendance_cannot_be_made_final_before_the_event_begins(world, login):
    event = started_event(world, hours_ago=-2)  # later today
    registration(event, name="Nog Niet")
    client = login(world.alice)
    assert "pas worden vastgesteld als het evenement is begonnen" in (
        client.get(_finalise(event)).content.decode()
    )
    response = client.post(_finalise(event))
    assert response.status_code == 422
    event.refresh_from_db()
    assert not event.attendance_final
    assert Registration.objects.get(event=event).attendance == P.UNKNOWN


def test_a_co_organiser_checks_in_but_does_not_finalise(world, login, day):
    bob = login(world.bob)
    assert bob.get(_finalise(day.event)).status_code == 403
    assert bob.post(_finalise(day.event)).status_code == 403
    assert login(world.charlie).post(_finalise(day.event)).status_code == 404
    with pytest.raises(PermissionDenied):
        attendance.finalise(world.bob, day.event)
    day.event.refresh_from_db()
    assert not day.event.attendance_final


def test_a_programme_advisor_of_another_organisation_records_under_their_own(world, day):
    partner_event = started_event(world, organiser=world.gem_assen)
    reg = registration(partner_event, day.garage, name="Carla Smit", email="c@garage.example")
    attendance.set_attendance(world.bob, reg, True)
    attendance.finalise(world.bob, partner_event)  # bob works for the organiser
    reg.refresh_from_db()
    assert reg.contact_moment.organisation == world.gem_assen
    assert reg.contact_moment.author == world.bob


def test_the_company_page_shows_the_event_on_its_timeline_and_in_its_events(world, login, day):
    attendance.set_attendance(world.alice, day.anna, True)
    attendance.finalise(world.alice, day.event)
    body = login(world.alice).get(reverse("companies:detail", args=[day.bakery.pk]))
    body = body.content.decode()
    assert 'id="evenementen"' in body
    assert "Netwerkborrel Assen" in body
    assert "Contactmoment: contact op evenement" in body
    assert 'data-attendance="present"' in body  # Anna
    assert 'data-attendance="absent"' in body  # Bert did not come


def test_the_events_section_is_absent_without_events_and_hidden_from_outsiders(world, login, day):
    quiet = f.CompanyFactory(region=world.region, municipality=world.assen)
    assert 'id="evenementen"' not in (
        login(world.alice).get(reverse("companies:detail", args=[quiet.pk])).content.decode()
    )
    # charlie sees the bakery (his municipality had contact) but not the event
    f.ContactMomentFactory(company=day.bakery, author=world.charlie, organisation=world.gem_emmen)
    page = login(world.charlie).get(reverse("companies:detail", args=[day.bakery.pk]))
    assert page.status_code == 200
    assert "Netwerkborrel Assen" not in page.content.decode()


def test_the_events_section_costs_the_same_queries_for_1_or_8_events(world, login, day):
    client = login(world.alice)
    url = reverse("companies:detail", args=[day.bakery.pk])
    client.get(url)  # the page caches reference data (suggestions) on its first visit
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(7):
        registration(started_event(world, title=f"Bijeenkomst {n}"), day.bakery, name=f"P {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Bijeenkomst 6" in response.content.decode()
    assert len(many) == len(few)
