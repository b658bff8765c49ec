"""The events API from the staff side: create per role (with partners), read, PATCH,
publish, cancel, the list's filters and its constant queries, and garbage everywhere
answered 422 on the field (never a 500, nothing half-saved)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loket.accounts.models import ApiToken
from loket.core.models import Theme
from loket.events.models import Event, Registration
from tests import factories as f
from tests.events.manage_helpers import in_days, setup


@pytest.fixture
def data(world):
    return setup(world)


@pytest.fixture
def api(world):
    def client_for(user):
        _, raw = ApiToken.issue(user, "test")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return client_for


def _body(world, data, **changes):
    body = {
        "programme": data.programme.pk,
        "kind": "network",
        "title": "Ondernemerscafé",
        "starts_at": in_days(21, 15).isoformat(),
        "ends_at": in_days(21, 17).isoformat(),
        "address": "De Haar 1, Assen",
        "municipality": world.assen.pk,
        "capacity": 40,
        "partners": [world.gem_emmen.pk],
    }
    body.update(changes)
    return body


def _send(client, method, url, body=None):
    payload = json.dumps(body) if body is not None else ""
    return client.generic(method, url, payload, content_type="application/json")


def test_create_per_role(world, data, api):
    def create(user, **changes):
        return _send(api(user), "POST", "/api/events", _body(world, data, **changes))

    theme = Theme.objects.filter(active=True).first()
    response = create(world.alice, plan_line=data.plan_line.pk, themes=[theme.slug])
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["themes"] == [theme.slug]
    assert out["plan_line"] == data.plan_line.pk
    assert out["status"] == "draft"
    assert out["organiser"] == world.bureau.pk
    assert out["partners"] == [world.gem_emmen.pk]
    assert out["confirmed_count"] == 0
    # bob organises for Gemeente Assen
    response = create(world.bob)
    assert response.status_code == 201
    assert response.json()["organiser"] == world.gem_assen.pk
    # charlie's only partner would be his own organisation
    response = create(world.charlie)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "partners"]
    # bob may not name the bureau as organiser; olga may not use a programme of Drenthe
    response = create(world.bob, organiser=world.bureau.pk)
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "organiser"]
    response = create(world.olga)
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "programme"]
    assert Event.objects.count() == 2


def test_read_patch_publish_cancel(
    world, data, api, mailoutbox, django_capture_on_commit_callbacks
):
    event = f.EventFactory(
        programme=data.programme,
        organiser=world.bureau,
        partners=[world.gem_assen],
        status=Event.Status.DRAFT,
    )
    f.RegistrationFactory(event=event, email="anna@bakker.example")
    alice = api(world.alice)
    url = f"/api/events/{event.pk}"
    assert _send(alice, "GET", url).json()["confirmed_count"] == 1
    response = _send(
        alice,
        "PATCH",
        url,
        {
            "title": "Nieuw",
            "capacity": None,
            "online": True,
            "online_url": "https://meet.example/x",
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Nieuw"
    assert response.json()["capacity"] is None
    response = _send(alice, "PATCH", url, {"partners": []})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "partners"]
    assert _send(api(world.bob), "PATCH", url, {"title": "x"}).status_code == 403
    assert _send(api(world.charlie), "PATCH", url, {"title": "x"}).status_code == 404

    assert _send(alice, "POST", f"{url}/publish").json()["status"] == "published"
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(alice, "POST", f"{url}/cancel", {"reason": "Ziek."})
    assert response.json()["status"] == "cancelled"
    assert [m.to for m in mailoutbox] == [["anna@bakker.example"]]
    response = _send(alice, "POST", f"{url}/cancel", {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Dit evenement is al afgelast."
    response = _send(alice, "PATCH", url, {"title": "Toch"})
    assert response.status_code == 422


def test_the_list_filters_and_runs_constant_queries(world, data, api):
    client = api(world.alice)
    theme = Theme.objects.filter(active=True).first()

    def make(n, **kw):
        for _ in range(n):
            event = f.EventFactory(
                programme=data.programme,
                organiser=world.bureau,
                partners=[world.gem_assen, world.gem_emmen],
                **kw,
            )
            event.themes.set([theme])
            f.RegistrationFactory.create_batch(2, event=event)

    make(1, kind="webinar", title="Webinar")
    make(2)

    def count():
        _send(client, "GET", "/api/events")  # the token's last use is written once a minute
        with CaptureQueriesContext(connection) as queries:
            response = _send(client, "GET", "/api/events?limit=100")
        assert response.status_code == 200
        return len(queries), response.json()

    few, body = count()
    assert len(body["items"]) == 3
    make(7)
    many, body = count()
    assert len(body["items"]) == 10
    assert many == few
    titles = [e["title"] for e in _send(client, "GET", "/api/events?kind=webinar").json()["items"]]
    assert titles == ["Webinar"]
    response = _send(client, "GET", f"/api/events?theme={theme.pk}&sort=title&status=published")
    assert len(response.json()["items"]) == 10
    assert _send(api(world.olga), "GET", "/api/events").json()["items"] == []


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ("kind=feest", ["query", "kind"]),
        ("status=1", ["query", "status"]),
        ("theme=abc", ["query", "theme"]),
        ("municipality=99999999999999999999999", ["query", "municipality"]),
        ("start=2026-02-31", ["query", "start"]),
        ("end=99999-01-01", ["query", "end"]),
        ("sort=nonsense", ["query", "sort"]),
        ("q=%00", ["query", "q"]),
        ("limit=0", ["query", "limit"]),
    ],
)
def test_garbage_filters_answer_422(world, data, api, query, loc):
    response = _send(api(world.alice), "GET", f"/api/events?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "feest"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": None}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"starts_at": "gisteren"}, "starts_at"),
        ({"starts_at": 1700000000}, "starts_at"),
        ({"starts_at": "0001-01-01T10:00"}, "starts_at"),
        ({"ends_at": in_days(21, 14).isoformat()}, "ends_at"),
        ({"registration_deadline": in_days(25).isoformat()}, "registration_deadline"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10**12}, "capacity"),
        ({"capacity": "veel"}, "capacity"),
        ({"partners": "abc"}, "partners"),
        ({"partners": [0]}, "partners"),
        ({"partners": [2**63]}, "partners"),
        ({"partners": [999999]}, "partners"),
        ({"themes": ["bestaat-niet"]}, "themes"),
        ({"municipality": 999999}, "municipality"),
        ({"host_company": 999999}, "host_company"),
        ({"plan_line": 999999}, "plan_line"),
        ({"kind": "masterclass"}, "host_company"),
        ({"online": True, "address": ""}, "online_url"),
        ({"online_url": "x" * 501}, "online_url"),
        ({"online_url": "ftp://x"}, "online_url"),
        ({"address": ""}, "address"),
        ({"address": "x" * 301}, "address"),
        ({"programme": "abc"}, "programme"),
        ({"programme": None}, "programme"),
        ({"public": "misschien"}, "public"),
        ({"onbekend": 1}, "onbekend"),
    ],
)
def test_garbage_bodies_answer_422_on_the_field_and_save_nothing(world, data, api, changes, field):
    response = _send(api(world.alice), "POST", "/api/events", _body(world, data, **changes))
    assert response.status_code == 422, response.content
    locs = [error["loc"] for error in response.json()["detail"]]
    assert any(field in loc for loc in locs), locs
    assert all(error["msg"] for error in response.json()["detail"])
    assert Event.objects.count() == 0


@pytest.mark.parametrize("body", ["", "[]", "{", '"x"', "null", '{"title": {"a": 1}}'])
def test_broken_json_answers_422(world, data, api, body):
    event = f.EventFactory(programme=data.programme, organiser=world.bureau)
    client = api(world.alice)
    for method, url in (
        ("POST", "/api/events"),
        ("PATCH", f"/api/events/{event.pk}"),
        ("POST", f"/api/events/{event.pk}/cancel"),
    ):
        response = client.generic(method, url, body, content_type="application/json")
        assert response.status_code == 422, (method, url, response.content)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_unknown_or_huge_ids_in_the_path_are_404_or_422(world, api):
    client = api(world.alice)
    assert _send(client, "GET", "/api/events/999999").status_code == 404
    assert _send(client, "GET", f"/api/events/{2**64}").status_code == 422
    assert _send(client, "POST", "/api/events/0/publish").status_code == 422
    assert Registration.objects.count() == 0
