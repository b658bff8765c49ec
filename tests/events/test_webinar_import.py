"""The webinar import, as a service: preview of the matching, import, re-import without
duplicates, choices for ambiguous viewers, and nothing written on any problem."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from loket.companies.models import Company, Person
from loket.core.models import AuditEvent
from loket.events.models import Event, Registration
from loket.events.services import webinar
from tests import factories as f
from tests.events.webinar_helpers import BROKEN, GOOD, setup


@pytest.fixture
def s(world):
    return setup(world)


def _state():
    return (
        Registration.objects.count(),
        Company.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_preview_reports_the_matching_and_writes_nothing(world, s):
    before = _state()
    result = webinar.preview(world.alice, s.event, GOOD.encode())
    assert result.ok, result.problems
    assert result.counts == {"matched": 1, "new": 1, "ambiguous": 1, "no_company": 1}
    by_row = {row.row: row for row in result.rows}
    assert by_row[2].company == s.brink
    assert set(by_row[4].candidates) == {s.jansen_assen, s.jansen_emmen}
    assert [row.viewer.minutes for row in result.rows] == [45, 30, 20, 12]
    assert _state() == before


def test_the_import_registers_every_viewer_as_present_with_minutes(world, s):
    companies = Company.objects.count()
    result = webinar.import_viewers(world.alice, s.event, GOOD.encode(), {4: s.jansen_emmen.pk})
    assert result.ok, result.problems
    assert (result.written, result.created, result.updated) == (True, 4, 0)
    registrations = {r.email: r for r in Registration.objects.filter(event=s.event)}
    assert set(registrations) == {
        "anna@brink.example",
        "bert@nieuwhout.example",
        "carla@jansen.example",
        "dirk@gmail.example",
    }
    for registration in registrations.values():
        assert registration.source == Registration.Source.WEBINAR
        assert registration.attendance == Registration.Attendance.PRESENT
        assert registration.status == Registration.Status.CONFIRMED
    anna = registrations["anna@brink.example"]
    assert (anna.company, anna.person, anna.viewing_minutes) == (s.brink, s.anna, 45)
    bert = registrations["bert@nieuwhout.example"]
    assert bert.company.name == "Nieuw Hout"
    assert bert.person.email == "bert@nieuwhout.example"
    carla = registrations["carla@jansen.example"]
    assert carla.company == s.jansen_emmen
    assert carla.person.name == "Carla Jansen"
    dirk = registrations["dirk@gmail.example"]
    assert (dirk.company, dirk.person, dirk.viewing_minutes) == (None, None, 12)
    assert Company.objects.count() == companies + 1  # only Nieuw Hout
    event_audit = AuditEvent.objects.filter(object_type="events.event", object_id=s.event.pk)
    assert event_audit.get().changes == {"webinar_import": {"created": 4, "updated": 0}}


def test_importing_the_same_file_again_does_not_duplicate_viewers(world, s):
    webinar.import_viewers(world.alice, s.event, GOOD.encode())
    counts = Registration.objects.count(), Company.objects.count(), Person.objects.count()
    again = webinar.import_viewers(world.alice, s.event, GOOD.encode())
    assert (again.ok, again.created, again.updated, again.already_registered) == (True, 0, 4, 4)
    assert (Registration.objects.count(), Company.objects.count(), Person.objects.count()) == counts


def test_an_ambiguous_viewer_without_a_choice_is_imported_without_a_company(world, s):
    webinar.import_viewers(world.alice, s.event, GOOD.encode())
    carla = Registration.objects.get(email="carla@jansen.example")
    assert (carla.company, carla.company_name) == (None, "Bouwbedrijf Jansen")


def test_a_viewer_registered_in_the_portal_is_marked_present_not_duplicated(world, s):
    registration = f.RegistrationFactory(
        event=s.event, name="Anna", email="anna@brink.example", company=None
    )
    result = webinar.import_viewers(world.alice, s.event, GOOD.encode())
    assert (result.created, result.updated) == (3, 1)
    registration.refresh_from_db()
    assert registration.source == Registration.Source.PORTAL
    assert registration.attendance == Registration.Attendance.PRESENT
    assert registration.viewing_minutes == 45
    assert registration.company == s.brink  # linked now
    assert Registration.objects.filter(email="anna@brink.example").count() == 1


def test_a_broken_file_writes_nothing_and_names_row_and_column(world, s):
    before = _state()
    result = webinar.import_viewers(world.alice, s.event, BROKEN.encode())
    assert not result.ok
    assert not result.written
    assert [(p.row, p.column) for p in result.problems] == [(3, "E-mail"), (4, "Duur (minuten)")]
    assert _state() == before


def test_a_choice_that_is_not_a_candidate_writes_nothing(world, s):
    before = _state()
    other = f.CompanyFactory(region=world.region, name="Iets Anders")
    result = webinar.import_viewers(world.alice, s.event, GOOD.encode(), {4: other.pk})
    assert [(p.row, p.message) for p in result.problems] == [
        (4, "Kies een van de voorgestelde bedrijven, of geen bedrijf.")
    ]
    result = webinar.import_viewers(world.alice, s.event, GOOD.encode(), {2: s.brink.pk})
    assert [p.row for p in result.problems] == [2]  # Anna's row has no choice to make
    assert _state()[0] == before[0]


@pytest.mark.parametrize("change", ["future", "cancelled", "final"])
def test_an_event_that_cannot_take_viewers(world, s, change):
    now = timezone.now()
    if change == "future":
        Event.objects.filter(pk=s.event.pk).update(
            starts_at=now + timezone.timedelta(days=1), ends_at=now + timezone.timedelta(days=2)
        )
    elif change == "cancelled":
        Event.objects.filter(pk=s.event.pk).update(status=Event.Status.CANCELLED)
    else:
        Event.objects.filter(pk=s.event.pk).update(attendance_final_at=now)
    s.event.refresh_from_db()
    result = webinar.import_viewers(world.alice, s.event, GOOD.encode())
    assert not result.ok
    assert result.problems[0].row is None
    assert not Registration.objects.exists()


def test_only_who_manages_the_event_may_import(world, s):
    with pytest.raises(PermissionDenied):
        webinar.import_viewers(world.bob, s.event, GOOD.encode())  # co-organiser: sees only
    assert webinar.preview(world.pam, s.event, GOOD.encode()).ok
    assert not Registration.objects.exists()
