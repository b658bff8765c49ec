"""The API of the day: the check-in list, ticking, walk-ins, finalising, follow-up and
figures, with the same rules as the pages, and garbage answered with 422 on the field."""

from __future__ import annotations

import pytest

from loket.casework.models import Case, ContactMoment
from loket.core.models import AuditEvent
from loket.events.models import Registration
from tests.api.conftest import ApiClient
from tests.events.day_helpers import setup, started_event

P = Registration.Attendance


@pytest.fixture
def day(world):
    data = setup(world)
    data.bakery.account_manager = world.alice
    data.bakery.save()
    return data


@pytest.fixture
def alice(world):
    return ApiClient(world.alice)


def _field(response):
    """The field names a 422 points at (the part of each location after the body)."""
    return [str(part) for e in response.json()["detail"] for part in e["loc"][2:3] or e["loc"]]


def test_the_whole_day_through_the_api(world, day, alice):
    listing = alice.get(f"/events/{day.event.pk}/attendance")
    assert listing.status_code == 200
    assert [r["name"] for r in listing.json()["items"]] == [
        "Anna Jansen",
        "Bert de Vries",
        "Carla Smit",
    ]
    viewed = AuditEvent.objects.get(object_id=day.event.pk, action=AuditEvent.Action.VIEW)
    assert (viewed.actor, viewed.changes) == (world.alice, {"checkin_list": 3})
    ticked = alice.post(f"/registrations/{day.anna.pk}/check-in", {"present": True})
    assert ticked.status_code == 200
    assert ticked.json()["attendance"] == "present"
    walk_in = alice.post(
        f"/events/{day.event.pk}/walk-ins",
        {"name": "Fatima Bouali", "company_name": "Garage Emmen", "municipality": world.emmen.pk},
    )
    assert walk_in.status_code == 201
    assert walk_in.json()["outcome"] == "matched"
    assert walk_in.json()["registration"]["company"] == day.garage.pk
    final = alice.post(f"/events/{day.event.pk}/finalise")
    assert final.status_code == 200
    assert final.json()["no_shows"] == 2
    assert final.json()["contact_moments"] == 2
    assert final.json()["already"] is False
    assert alice.post(f"/events/{day.event.pk}/finalise").json()["already"] is True
    assert ContactMoment.objects.filter(kind="event").count() == 2
    refused = alice.post(f"/registrations/{day.bert.pk}/check-in", {"present": True})
    assert refused.status_code == 422
    assert "aanvinken kan niet meer" in refused.json()["detail"][0]["msg"]
    follow = alice.post(
        f"/events/{day.event.pk}/follow-up",
        {"registrations": [day.anna.pk], "note": "Wil groeien."},
    )
    assert follow.status_code == 201
    case = Case.objects.get()
    assert follow.json()["cases"][0] == {
        "id": case.pk,
        "reference": case.reference,
        "company": day.bakery.pk,
        "owner": world.alice.pk,
        "channel": "event",
    }
    figures = alice.get(f"/events/{day.event.pk}/figures").json()
    assert figures["attended"] == 2
    assert figures["walk_ins"] == 1
    assert figures["final"] is True
    assert {r["label"] for r in figures["by_municipality"]} == {"Assen", "Emmen"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "present"),
        ({"present": "misschien"}, "present"),
        ({"present": True, "extra": 1}, "extra"),
        ([], "payload"),
    ],
)
def test_garbage_to_check_in(day, alice, body, field):
    response = alice.post(f"/registrations/{day.anna.pk}/check-in", body)
    assert response.status_code == 422
    assert field in [str(part) for e in response.json()["detail"] for part in e["loc"]]
    day.anna.refresh_from_db()
    assert day.anna.attendance == P.UNKNOWN


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"name": "Iris", "email": "geen-adres"}, "email"),
        ({"name": "Iris", "kvk_number": "12ab"}, "kvk_number"),
        ({"name": "Iris", "municipality": 0}, "municipality"),
        ({"name": "Iris", "municipality": 2**63}, "municipality"),
        ({"name": "Iris", "municipality": 99999}, "municipality"),
        ({"name": "Anna", "email": "__ANNA__"}, "email"),
    ],
)
def test_garbage_to_walk_ins(day, alice, body, field):
    if body.get("email") == "__ANNA__":
        body = {**body, "email": day.anna.email}
    before = Registration.objects.count()
    response = alice.post(f"/events/{day.event.pk}/walk-ins", body)
    assert response.status_code == 422, response.content
    assert field in _field(response)
    assert Registration.objects.count() == before


def test_a_walk_in_for_a_municipality_of_another_region_is_refused(world, day, alice):
    from tests import factories as f

    other = f.MunicipalityFactory(region=world.other_region, name="Hengelo", cbs_code="GM0164")
    response = alice.post(
        f"/events/{day.event.pk}/walk-ins", {"name": "I", "municipality": other.pk}
    )
    assert response.status_code == 422
    assert _field(response) == ["municipality"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "Bellen"}, "registrations"),
        ({"registrations": [], "note": "Bellen"}, "registrations"),
        ({"registrations": ["x"], "note": "Bellen"}, "registrations"),
        ({"registrations": [2**63], "note": "Bellen"}, "registrations"),
        ({"registrations": [999999], "note": "Bellen"}, "registrations"),
        ({"registrations": ["__ANNA__"]}, "note"),
        ({"registrations": ["__ANNA__"], "note": ""}, "note"),
        ({"registrations": ["__ANNA__"], "note": "x" * 2001}, "note"),
        ({"registrations": ["__CARLA__"], "note": "Bellen"}, "registrations"),  # absent
    ],
)
def test_garbage_to_follow_up(world, day, alice, body, field):
    alice.post(f"/registrations/{day.anna.pk}/check-in", {"present": True})
    alice.post(f"/events/{day.event.pk}/finalise")
    ids = {"__ANNA__": day.anna.pk, "__CARLA__": day.carla.pk}
    if "registrations" in body:
        body = {**body, "registrations": [ids.get(r, r) for r in body["registrations"]]}
    response = alice.post(f"/events/{day.event.pk}/follow-up", body)
    assert response.status_code == 422, response.content
    assert field in _field(response)
    assert not Case.objects.exists()


def test_follow_up_before_finalising_says_why(day, alice):
    alice.post(f"/registrations/{day.anna.pk}/check-in", {"present": True})
    response = alice.post(
        f"/events/{day.event.pk}/follow-up", {"registrations": [day.anna.pk], "note": "B"}
    )
    assert response.status_code == 422
    assert "Stel eerst de aanwezigheid vast" in response.json()["detail"][0]["msg"]


def test_finalising_before_the_start_is_refused(world, alice):
    event = started_event(world, hours_ago=-3)
    response = alice.post(f"/events/{event.pk}/finalise")
    assert response.status_code == 422
    assert "begonnen" in response.json()["detail"][0]["msg"]


def test_paths_with_impossible_ids_are_404_or_422(day, alice):
    assert alice.get("/events/999999/attendance").status_code == 404
    assert alice.get(f"/events/{2**64}/figures").status_code == 422
    assert alice.post("/registrations/0/check-in", {"present": True}).status_code == 422
    assert alice.post("/events/999999/finalise").status_code == 404
