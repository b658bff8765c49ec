"""API for registrations: register someone (confirmed or on the waiting list), list,
read, cancel (the first of the waiting list moves up), and garbage that gets a 422 on the
field without anything saved."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loket.core.models import AuditEvent
from loket.events.models import Registration
from tests import factories as f
from tests.events.registration_helpers import event_of, mails_to


def test_register_list_read_and_cancel(
    world, api_as, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_of(world, capacity=1, title="Innovatiecafé")
    api = api_as(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(
            f"/events/{event.pk}/registrations",
            {
                "name": "Anna de Bakker",
                "email": "Anna@Brink.example",
                "company_name": "Bakkerij De Brink",
                "kvk_number": "1234 5678",
                "municipality": world.assen.pk,
                "consent": True,
            },
        )
        second = api.post(
            f"/events/{event.pk}/registrations",
            {"name": "Bert Bel", "email": "bert@bel.example", "company_name": "Belwinkel"},
        )
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "confirmed"
    assert body["email"] == "anna@brink.example"
    assert body["kvk_number"] == "12345678"
    assert body["source"] == "staff"
    assert body["company"] is not None
    assert body["person"] is not None
    assert second.json()["status"] == "waiting"
    assert [m.subject for m in mails_to(mailoutbox, "anna@brink.example")] == [
        "Aangemeld: Innovatiecafé"
    ]

    listed = api.get(f"/events/{event.pk}/registrations").json()
    assert [r["name"] for r in listed["items"]] == ["Anna de Bakker", "Bert Bel"]
    # reading who registered is in the audit trail, as on the event page
    viewed = AuditEvent.objects.get(object_id=event.pk, action=AuditEvent.Action.VIEW)
    assert (viewed.actor, viewed.changes) == (world.alice, {"registrations": 2})
    assert api.get(f"/registrations/{body['id']}").json()["name"] == "Anna de Bakker"

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = api.post(f"/registrations/{body['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert api.get(f"/registrations/{second.json()['id']}").json()["status"] == "confirmed"
    assert mails_to(mailoutbox, "bert@bel.example")[-1].subject.startswith("Er is plaats")
    again = api.post(f"/registrations/{body['id']}/cancel")
    assert again.status_code == 422
    assert again.json()["detail"][0]["msg"] == "Deze aanmelding is al afgemeld."


def test_the_list_runs_a_constant_number_of_queries(world, api_as):
    event = event_of(world)
    api = api_as(world.alice)
    f.RegistrationFactory.create_batch(2, event=event)
    api.get("/me")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(f"/events/{event.pk}/registrations").json()["items"]) == 2
    f.RegistrationFactory.create_batch(10, event=event)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(f"/events/{event.pk}/registrations").json()["items"]) == 12
    assert len(many) == len(few)


GARBAGE = [
    ({}, "name", "Dit veld is verplicht."),
    ({"name": ""}, "name", "Dit veld mag niet leeg zijn."),
    ({"name": "x" * 201}, "name", "Vul hoogstens 200 tekens in."),
    ({"name": "A\x00"}, "name", "Tekst mag geen NUL-teken bevatten."),
    ({"name": 12}, "name", "Vul tekst in."),
    ({"name": "A", "email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
    ({"name": "A", "kvk_number": "12"}, "kvk_number", "precies 8 cijfers"),
    ({"name": "A", "municipality": 0}, "municipality", "Vul minstens 1 in."),
    ({"name": "A", "municipality": 2**70}, "municipality", "Vul hoogstens"),
    ({"name": "A", "municipality": 999999}, "municipality", "Onbekend of niet toegankelijk"),
    ({"name": "A", "consent": "misschien"}, "consent", "Vul true of false in."),
    ({"name": "A", "status": "confirmed"}, "status", "Onbekend veld."),
]


@pytest.mark.parametrize(("body", "field", "message"), GARBAGE)
def test_garbage_gets_a_422_on_the_field_and_nothing_is_saved(world, api_as, body, field, message):
    event = event_of(world)
    response = api_as(world.alice).post(f"/events/{event.pk}/registrations", body)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert any(d["loc"][-1] == field and message in d["msg"] for d in detail), detail
    assert not Registration.objects.exists()


def test_not_json_and_bad_ids_answer_422_or_404(world, api_as):
    event = event_of(world)
    api = api_as(world.alice)
    assert api.post(f"/events/{event.pk}/registrations", "{nee").status_code == 422
    assert api.post(f"/events/{2**70}/registrations", {"name": "A"}).status_code == 422
    assert api.post("/events/999999/registrations", {"name": "A"}).status_code == 404
    assert api.post("/registrations/999999/cancel").status_code == 404
    other = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    response = api.post(
        f"/events/{event.pk}/registrations", {"name": "A", "municipality": other.pk}
    )
    assert response.status_code == 422
    assert not Registration.objects.exists()


def test_a_cancelled_event_refuses_with_a_reason(world, api_as):
    event = event_of(world, status="cancelled")
    response = api_as(world.alice).post(f"/events/{event.pk}/registrations", {"name": "A"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == (
        "Dit evenement is afgelast; aanmelden kan niet meer."
    )
