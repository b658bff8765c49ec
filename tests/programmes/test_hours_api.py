"""The hours API: registering, the cap as a 422, warnings, changing and deleting one's own
entry, where a company stands, permission for more hours, and garbage everywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from loket.programmes.models import CapOverride, HourEntry
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.programmes.hours_factories import entry, fill, setup, week_ago

D = Decimal


@pytest.fixture
def h(world):
    return setup(world)


def api(user) -> ApiClient:
    return ApiClient(user)


def body(h, **kw):
    values = {
        "date": week_ago(0).isoformat(),
        "activity_type": h.talk.pk,
        "hours": "2",
        "company": h.bakker.pk,
    }
    values.update(kw)
    return {k: v for k, v in values.items() if v is not None}


def create_url(h) -> str:
    return f"/programmes/{h.programme.pk}/hours"


def test_registering_returns_the_entry_and_the_warning(h):
    entry(h, h.w.alice, "18", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    response = api(h.sam).post(
        create_url(h), body(h, company=None, trajectory=h.running.pk, hours="1.5", note="oven")
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["hours"] == "1.50"
    assert data["company"] == {"id": h.bakker.pk, "name": "Bakkerij De Brink"}
    assert data["trajectory"] == {"id": h.running.pk, "title": "Nieuwe oven"}
    assert data["organisation"]["name"] == "Programmabureau IBDO"
    assert data["user"]["name"] == "Sam Specialist"
    [warning] = data["warnings"]
    assert (warning["cap"], warning["used"], warning["share"]) == ("24.00", "19.50", "81.25")
    assert warning["message"].startswith("Let op: voor Bakkerij De Brink is nu 19,5 van de 24 uur")


def test_over_the_cap_is_a_422_with_the_reason(h):
    entry(h, h.w.alice, "23", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    response = api(h.sam).post(create_url(h), body(h, company=None, trajectory=h.running.pk))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "hours"]
    assert error["msg"].startswith(
        "Niet opgeslagen: voor Bakkerij De Brink geldt een maximum van 24 uur op trajecten van "
        "de regeling Innovatietraject. Er is al 23 uur geregistreerd; met deze uren komt het "
        "totaal op 25 uur."
    )
    assert "vraag toestemming aan Pam Programma" in error["msg"]
    assert not HourEntry.objects.filter(user=h.sam).exists()


def test_the_message_follows_the_language(h):
    fill(h, h.bakker, "100")
    response = ApiClient(h.sam, language="en").post(create_url(h), body(h))
    assert response.status_code == 422
    # English where translated, never a 500; the figures are there either way
    assert "102" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "abc"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "0.1"}, "hours"),
        ({"hours": 0.1}, "hours"),
        ({"hours": "1.3"}, "hours"),
        ({"hours": "1e400"}, "hours"),
        ({"hours": None}, "hours"),
        ({"date": "morgen"}, "date"),
        ({"date": 20260101}, "date"),
        ({"date": "2099-01-01"}, "date"),
        ({"date": "2024-12-31"}, "date"),
        ({"date": "tomorrow"}, "date"),
        ({"activity_type": "abc"}, "activity_type"),
        ({"activity_type": 99999999}, "activity_type"),
        ({"activity_type": 2**70}, "activity_type"),
        ({"activity_type": "other_talk"}, "activity_type"),
        ({"company": "twente_co"}, "company"),
        ({"company": -1}, "company"),
        ({"trajectory": "withdrawn"}, "trajectory"),
        ({"trajectory": "applied"}, "trajectory"),
        ({"trajectory": 99999999}, "trajectory"),
        ({"trajectory": "running", "company": "stranger"}, "company"),
        ({"note": "x" * 501}, "note"),
        ({"note": "nul\x00byte"}, "note"),
        ({"organisation": "gem_emmen"}, "organisation"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_garbage_is_a_422_on_its_field_and_nothing_is_saved(h, changes, field):
    stranger = f.CompanyFactory(region=h.w.region, name="Niet deelnemend")
    named = {
        "other_talk": h.other_talk.pk,
        "twente_co": h.twente_co.pk,
        "withdrawn": h.withdrawn.pk,
        "applied": h.applied.pk,
        "running": h.running.pk,
        "stranger": stranger.pk,
        "gem_emmen": h.w.gem_emmen.pk,
    }
    payload = body(h)
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = named.get(value, value) if isinstance(value, str) else value
    if field == "date" and changes["date"] == "tomorrow":
        payload["date"] = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = api(h.sam).post(create_url(h), payload)
    assert response.status_code == 422, response.content
    locs = [error["loc"][-1] for error in response.json()["detail"]]
    assert field in locs, response.json()
    assert not HourEntry.objects.exists()


def test_a_trajectory_the_user_does_not_see_is_a_422(h):
    response = api(h.w.bob).post(create_url(h), body(h, trajectory=h.running.pk))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "trajectory"
    response = api(h.w.bob).post(create_url(h), body(h, company=h.smid.pk))
    assert response.json()["detail"][0]["loc"][-1] == "company"


def test_a_programme_one_sees_but_does_not_execute_is_a_403(h):
    response = api(h.w.alice).post(
        f"/programmes/{f.ProgrammeFactory(region=h.w.region).pk}/hours", body(h)
    )
    assert response.status_code == 403


def test_the_list_filters(h):
    entry(h, h.sam, "2", company=h.bakker)
    entry(h, h.sam, "3", date=week_ago(1), activity_type=h.coaching)
    entry(h, h.w.alice, "4", date=week_ago(2))
    client = api(h.sam)
    assert [e["hours"] for e in client.get("/hours").json()["items"]] == ["3.00", "2.00"]
    assert len(client.get("/hours", {"company": "bakkerij"}).json()["items"]) == 1
    assert len(client.get("/hours", {"activity_type": h.coaching.pk}).json()["items"]) == 1
    assert len(api(h.w.pam).get("/hours", {"sort": "-hours"}).json()["items"]) == 3
    assert api(h.w.pam).get("/hours", {"sort": "hours"}).json()["items"][0]["hours"] == "4.00"
    for params in ({"date_from": "morgen"}, {"user": "abc"}, {"sort": "hack"}, {"limit": 1000}):
        assert client.get("/hours", params).status_code == 422


def test_the_list_runs_a_constant_number_of_queries(h, django_assert_num_queries):
    for i in range(30):
        entry(h, h.sam, "1", date=dt.date(2025, 3, 1) + dt.timedelta(days=i), company=h.bakker)
    client = api(h.sam)
    client.get("/hours")
    # token, memberships, the page
    with django_assert_num_queries(3):
        response = client.get("/hours", {"limit": 100})
    assert len(response.json()["items"]) == 30


def test_changing_and_deleting_ones_own_entry(h):
    mine = entry(h, h.sam, "2", company=h.bakker)
    client = api(h.sam)
    response = client.patch(f"/hours/{mine.pk}", {"hours": "3.25", "note": "langer"})
    assert response.status_code == 200, response.json()
    assert (response.json()["hours"], response.json()["note"]) == ("3.25", "langer")
    response = client.patch(f"/hours/{mine.pk}", {"company": None})
    assert response.json()["company"] is None
    response = client.patch(f"/hours/{mine.pk}", {"trajectory": h.running.pk})
    assert response.json()["company"]["id"] == h.bakker.pk
    for garbage in ({"hours": "24.5"}, {"date": "2099-01-01"}, {"activity_type": None}, {"x": 1}):
        assert client.patch(f"/hours/{mine.pk}", garbage).status_code == 422
    assert api(h.w.pam).patch(f"/hours/{mine.pk}", {"hours": "1"}).status_code == 403
    assert api(h.w.bob).delete(f"/hours/{mine.pk}").status_code == 404
    assert client.delete(f"/hours/{mine.pk}").status_code == 204
    assert not HourEntry.objects.exists()


def test_where_a_company_stands(h):
    entry(h, h.w.alice, "20", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    response = api(h.w.alice).get(f"/programmes/{h.programme.pk}/companies/{h.bakker.pk}/hour-caps")
    assert response.status_code == 200
    caps = response.json()
    assert [(c["scheme"], c["cap"], c["used"]) for c in caps] == [
        (None, "100.00", "0.00"),
        ({"id": h.scheme.pk, "name": "Innovatietraject"}, "24.00", "20.00"),
    ]
    assert caps[1]["message"].startswith("Let op")
    assert (
        api(h.w.alice)
        .get(f"/programmes/{h.programme.pk}/companies/{h.twente_co.pk}/hour-caps")
        .status_code
        == 404
    )


def test_a_manager_allows_more_hours(h):
    url = f"/programmes/{h.programme.pk}/cap-overrides"
    payload = {
        "company": h.bakker.pk,
        "scheme": h.scheme.pk,
        "extra_hours": "12.5",
        "reason": "Oven.",
    }
    response = api(h.w.pam).post(url, payload)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["extra_hours"], data["cap"]["cap"], data["granted_by"]["name"]) == (
        "12.50",
        "36.50",
        "Pam Programma",
    )
    assert api(h.w.alice).post(url, payload).status_code == 403
    for garbage in (
        {"extra_hours": "0"},
        {"extra_hours": "1000.25"},
        {"extra_hours": "0.1"},
        {"extra_hours": "abc"},
        {"reason": ""},
        {"reason": "x" * 2001},
        {"company": h.twente_co.pk},
        {"company": 2**70},
        {"scheme": f.SchemeFactory(programme=h.other).pk},
    ):
        response = api(h.w.pam).post(url, {**payload, **garbage})
        assert response.status_code == 422, (garbage, response.content)
    assert CapOverride.objects.count() == 1
    assert CapOverride.objects.get().extra_hours == D("12.50")
