"""The carousel API: create and read rounds, students, teams, the proposals and matches;
garbage in every body is a 422 on the field (never a 500, nothing saved); one team per
company and one company per team; outsiders get 404."""

from __future__ import annotations

import pytest

from loket.collectives.models import CarouselRound, Match, Student, StudentTeam
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.collectives.carousels_setup import setup

HUGE = 10**30


@pytest.fixture
def c(world):
    return setup(world)


@pytest.fixture
def api_as(db):
    return ApiClient


def _fields(response):
    return {tuple(e["loc"][2:3]) and e["loc"][2] for e in response.json()["detail"]}


def test_round_student_team_and_match_through_the_api(c, world, api_as):
    api = api_as(world.alice)
    response = api.post(
        f"/collectives/{c.carousel.pk}/rounds",
        {
            "name": "Najaar",
            "school": c.school.pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 201, response.json()
    round_id = response.json()["id"]
    response = api.post(
        f"/rounds/{round_id}/students",
        {"name": "Eva", "study_programme": "IB", "year_of_study": 3},
    )
    assert response.status_code == 201
    assert response.json()["school"] == "Hanzehogeschool"
    student = response.json()["id"]
    response = api.post(
        f"/rounds/{round_id}/teams",
        {"name": "Team Kaas", "themes": ["export"], "languages": "Duits", "students": [student]},
    )
    assert response.status_code == 201
    assert response.json()["students"] == [student]
    team = response.json()["id"]
    proposals = api.get(f"/rounds/{round_id}/proposals").json()
    kaas = next(p for p in proposals if p["company"] == c.kaas.pk)
    assert kaas["proposals"] == [
        {
            "team": team,
            "team_name": "Team Kaas",
            "score": 3,
            "themes": ["export en internationalisering"],
            "languages": ["Duits"],
            "countries": [],
        }
    ]
    response = api.post(
        f"/rounds/{round_id}/matches",
        {"company": c.kaas.pk, "team": team, "research_question": "Welke markt?"},
    )
    assert response.status_code == 201
    assert response.json()["starts_on"] == "2026-09-01"
    match = response.json()["id"]
    response = api.post(
        f"/rounds/{round_id}/matches",
        {"company": c.metaal.pk, "team": team, "research_question": "Welke markt?"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == (
        "Dit team is in deze ronde al aan een bedrijf gekoppeld."
    )
    response = api.patch(f"/matches/{match}", {"rating": 7, "status": "completed"})
    assert (response.json()["rating"], response.json()["status"]) == (7, "completed")
    assert [m["id"] for m in api.get(f"/rounds/{round_id}/matches").json()] == [match]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"school": HUGE}, "school"),
        ({"school": "abc"}, "school"),
        ({"broker": -1}, "broker"),
        ({"starts_on": 20260101}, "starts_on"),
        ({"starts_on": "9999-01-01"}, "starts_on"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"extra": 1}, "extra"),
    ],
)
def test_round_garbage(c, world, api_as, body, field):
    api = api_as(world.alice)
    good = {"name": "N", "school": c.school.pk, "starts_on": "2026-09-01", "ends_on": "2026-12-31"}
    before = CarouselRound.objects.count()
    response = api.post(f"/collectives/{c.carousel.pk}/rounds", {**good, **body})
    assert response.status_code == 422
    assert field in _fields(response)
    assert CarouselRound.objects.count() == before
    response = api.patch(f"/rounds/{c.round.pk}", body)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"year_of_study": 0}, "year_of_study"),
        ({"year_of_study": HUGE}, "year_of_study"),
        ({"year_of_study": "drie"}, "year_of_study"),
        ({"email": "geen"}, "email"),
        ({"team": HUGE}, "team"),
        ({"team": 999999}, "team"),
        ({"study_programme": "x" * 201}, "study_programme"),
    ],
)
def test_student_garbage(c, world, api_as, body, field):
    api = api_as(world.alice)
    good = {"name": "Eva", "study_programme": "IB", "year_of_study": 3}
    before = Student.objects.count()
    response = api.post(f"/rounds/{c.round.pk}/students", {**good, **body})
    assert response.status_code == 422, response.json()
    assert field in _fields(response)
    assert Student.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "Team Duits"}, "name"),
        ({"themes": ["bestaat-niet"]}, "themes"),
        ({"themes": "export"}, "themes"),
        ({"students": [HUGE]}, "students"),
        ({"students": [999999]}, "students"),
        ({"languages": "x" * 201}, "languages"),
    ],
)
def test_team_garbage(c, world, api_as, body, field):
    api = api_as(world.alice)
    before = StudentTeam.objects.count()
    response = api.post(f"/rounds/{c.round.pk}/teams", {"name": "Nieuw", **body})
    assert response.status_code == 422, response.json()
    assert field in _fields(response)
    assert StudentTeam.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"company": None}, "company"),
        ({"company": HUGE}, "company"),
        ({"team": "x"}, "team"),
        ({"research_question": ""}, "research_question"),
        ({"starts_on": "2020-01-01"}, "starts_on"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-03-01"}, "ends_on"),
    ],
)
def test_match_garbage(c, world, api_as, body, field):
    api = api_as(world.alice)
    good = {"company": c.kaas.pk, "team": c.duits.pk, "research_question": "Vraag"}
    response = api.post(f"/rounds/{c.round.pk}/matches", {**good, **body})
    assert response.status_code == 422, response.json()
    assert field in _fields(response)
    assert not Match.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 11}, "rating"),
        ({"rating": HUGE}, "rating"),
        ({"status": "weg"}, "status"),
        ({"status": None}, "status"),
        ({"research_question": None}, "research_question"),
        ({"ends_on": "2027-01-01"}, "ends_on"),
    ],
)
def test_match_patch_garbage(c, world, api_as, body, field):
    match = f.MatchFactory(round=c.round, company=c.kaas, team=c.duits)
    response = api_as(world.alice).patch(f"/matches/{match.pk}", body)
    assert response.status_code == 422, response.json()
    assert field in _fields(response)
    match.refresh_from_db()
    assert (match.rating, match.status) == (None, "confirmed")


def test_garbage_json_and_outsiders(c, world, api_as):
    api = api_as(world.alice)
    assert api.post(f"/rounds/{c.round.pk}/teams", "{nope").status_code == 422
    for user in (world.bob, world.charlie, world.olga):
        outsider = api_as(user)
        assert outsider.get(f"/rounds/{c.round.pk}").status_code == 404
        assert outsider.get(f"/rounds/{c.round.pk}/proposals").status_code == 404
        assert (
            outsider.post(
                f"/rounds/{c.round.pk}/matches",
                {"company": c.kaas.pk, "team": c.duits.pk, "research_question": "Vraag"},
            ).status_code
            == 404
        )
    assert not Match.objects.exists()
