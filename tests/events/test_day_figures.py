"""The figures of one event: registered, attended, no-shows, cancelled, waiting, and the
companies reached, new or already known, by municipality and size class; counted by
aggregate queries whose number does not grow with the event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.events.figures import event_figures
from loket.events.models import Registration
from loket.events.services import attendance
from tests import factories as f
from tests.events.day_helpers import registration, setup, started_event

P = Registration.Attendance


@pytest.fixture
def day(world):
    data = setup(world)
    # the garage is known: an earlier contact moment; the bakery is new
    f.ContactMomentFactory(
        company=data.garage,
        author=world.alice,
        organisation=world.bureau,
        occurred_at=data.event.starts_at - dt.timedelta(days=30),
    )
    for reg in (data.anna, data.bert, data.carla):
        attendance.set_attendance(world.alice, reg, True)
    registration(data.event, name="Dirk Afgemeld", status=Registration.Status.CANCELLED)
    registration(data.event, name="Eva Wachtlijst", status=Registration.Status.WAITING)
    registration(data.event, f.CompanyFactory(region=world.region), name="Frits Weg")
    attendance.add_walk_in(world.alice, data.event, attendance.WalkIn(name="Gerda Los"))
    attendance.finalise(world.alice, data.event)
    return data


def test_the_counts_of_an_event(day):
    figures = event_figures(day.event)
    assert figures.final
    assert figures.registered == 5  # Anna, Bert, Carla, Frits and the walk-in Gerda
    assert figures.attended == 4
    assert figures.no_shows == 1
    assert figures.unmarked == 0
    assert figures.cancelled == 1
    assert figures.waiting == 1
    assert figures.walk_ins == 1
    assert figures.attendees_without_company == 1
    assert (figures.companies_new, figures.companies_existing) == (1, 1)


def test_new_and_existing_by_municipality_and_size_class(day):
    figures = event_figures(day.event)
    by_municipality = {r.label: (r.new, r.existing) for r in figures.by_municipality}
    assert by_municipality == {"Assen": (1, 0), "Emmen": (0, 1)}
    by_size = {r.key: (r.new, r.existing) for r in figures.by_size_class}
    assert by_size == {"micro": (1, 0), "medium": (0, 1)}
    assert [r.key for r in figures.by_size_class] == ["micro", "medium"]


def test_an_event_attended_earlier_or_a_help_request_makes_a_company_known(world):
    earlier = started_event(world, hours_ago=24 * 40, title="Vorige keer")
    event = started_event(world)
    regular = f.CompanyFactory(region=world.region, municipality=None, employees=None)
    asked = f.CompanyFactory(region=world.region)
    registration(earlier, regular, name="Vaste Gast", attendance=P.PRESENT)
    f.CaseFactory(company=asked, owner=world.alice, organisation=world.bureau)
    for company in (regular, asked):
        registration(event, company, attendance=P.PRESENT, email=f"{company.pk}@x.example")
    # the case opened just now is after this event's start: asked stays new
    figures = event_figures(event)
    assert (figures.companies_new, figures.companies_existing) == (1, 1)
    unknown = {r.key: r for r in figures.by_municipality}["unknown"]
    assert unknown.label == "gemeente onbekend"
    assert figures.by_size_class[-1].label == "grootte onbekend"
    assert figures.by_municipality[-1].key == "unknown"
    # the registration of this event itself does not make a company known
    assert event_figures(earlier).companies_new == 1


def test_the_figures_page_and_its_query_count(world, login, day):
    client = login(world.bob)
    url = reverse("events:figures", args=[day.event.pk])
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    body = response.content.decode()
    assert 'data-figure="attended">4<' in body
    assert 'data-figure="companies_new">1<' in body
    assert 'data-figure="companies_existing">1<' in body
    assert "Bereikte bedrijven per gemeente" in body
    for n in range(10):
        company = f.CompanyFactory(region=world.region, municipality=world.emmen, employees=n)
        registration(day.event, company, name=f"Extra {n}", attendance=P.PRESENT)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert 'data-figure="attended">14<' in response.content.decode()
    assert len(many) == len(few)
    assert login(world.charlie).get(url).status_code == 404


def test_figures_of_an_event_before_attendance_is_final_say_so(world, login):
    event = started_event(world)
    page = login(world.alice).get(reverse("events:figures", args=[event.pk])).content.decode()
    assert "nog niet vastgesteld" in page
    assert "Nog geen aanwezige bedrijven." in page
