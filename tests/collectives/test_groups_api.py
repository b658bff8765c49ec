"""The collectives API: list with filters and the rule's state, create with the fields of
the kind, change, phase, marked formed (422 with what is missing), members added, changed
and leaving under the rules; garbage in every body answered 422 on its field."""

from __future__ import annotations

import datetime as dt

import pytest

from loket.collectives.models import Collective, Member
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.collectives.groups_setup import inside, members, outside, setup


@pytest.fixture
def data(world):
    return setup(world)


@pytest.fixture
def alice(world):
    return ApiClient(world.alice)


def test_the_list_says_whether_the_rule_holds(data, world, alice):
    members(data.cluster, [inside(world), outside(world, data)])
    response = alice.get("/collectives", {"kind": "cluster"})
    assert response.status_code == 200
    (cluster,) = response.json()["items"] if "items" in response.json() else response.json()
    assert cluster["rule"] == {
        "members": 2,
        "from_outside_region": 1,
        "holds": False,
        "problems": ["Een cluster heeft minstens 3 bedrijven; er zijn er 2."],
    }
    assert alice.get("/collectives", {"kind": "tafel"}).status_code == 422
    assert alice.get("/collectives", {"sort": "drop"}).status_code == 422


def test_the_list_runs_a_constant_number_of_queries(
    data, world, alice, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    members(data.cluster, [inside(world)])
    alice.get("/collectives")
    with CaptureQueriesContext(connection) as few:
        alice.get("/collectives")
    for n in range(6):
        cluster = f.CollectiveFactory(
            programme=data.programme, organisation=world.bureau, name=f"C{n}"
        )
        members(cluster, [inside(world), outside(world, data)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert alice.get("/collectives").status_code == 200


def test_a_cluster_through_its_life(data, world, alice):
    response = alice.post(
        "/collectives",
        {
            "kind": "cluster",
            "name": "Cluster Zorg",
            "programme": data.programme.pk,
            "organisation": world.bureau.pk,
            "opportunity": "Zorg dichtbij.",
            "themes": [],
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["phase"] == "discover"
    companies = [inside(world), inside(world)]
    for company in companies:
        response = alice.post(f"/collectives/{pk}/members", {"company": company.pk})
        assert response.status_code == 201, response.json()
        assert response.json()["from_region"] is True
    response = alice.post(f"/collectives/{pk}/formed", {})
    assert response.status_code == 422
    assert "Een cluster heeft minstens 3 bedrijven; er zijn er 2." in str(response.json())
    third = alice.post(f"/collectives/{pk}/members", {"company": inside(world).pk, "role": "lead"})
    assert third.status_code == 201
    response = alice.post(f"/collectives/{pk}/formed", {"formed_on": "2025-02-03"})
    assert response.status_code == 200
    assert response.json()["formed_on"] == "2025-02-03"
    response = alice.post(f"/members/{third.json()['id']}/leave", {})
    assert response.status_code == 422
    assert "er zijn er 2" in str(response.json())
    assert alice.post(f"/collectives/{pk}/phase", {"phase": "develop"}).json()["phase"] == (
        "develop"
    )
    response = alice.patch(f"/members/{third.json()['id']}", {"interests": "Duits"})
    assert response.json()["interests"] == "Duits"
    response = alice.get(f"/collectives/{pk}/members")
    assert len(response.json()["items"]) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "planet"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"programme": 0}, "programme"),
        ({"programme": "OTHER_REGION"}, "programme"),
        ({"programme": 2**70}, "programme"),
        ({"organisation": "TWENTE_ORG"}, "organisation"),
        ({"organisation": None}, "organisation"),
        ({"coordinator": "OLGA"}, "coordinator"),
        ({"themes": ["geen-thema"]}, "themes"),
        ({"opportunity": ""}, "opportunity"),
        ({"phase": "zomer"}, "phase"),
        ({"service_level_days": 0}, "service_level_days"),
        ({"ended_on": "31-12-2025"}, "ended_on"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_garbage_in_a_collective_is_refused_on_its_field(data, world, alice, body, field):
    names = {
        "OTHER_REGION": f.ProgrammeFactory(region=world.other_region).pk,
        "TWENTE_ORG": world.twente_bureau.pk,
        "OLGA": world.olga.pk,
    }
    payload = {
        "kind": "cluster",
        "name": "Nieuw cluster",
        "programme": data.programme.pk,
        "organisation": world.bureau.pk,
        "opportunity": "Samen.",
        **{k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()},
    }
    before = Collective.objects.count()
    response = alice.post("/collectives", payload)
    assert response.status_code == 422, response.json()
    assert any(e["loc"][-1] == field for e in response.json()["detail"]), response.json()
    assert Collective.objects.count() == before
    response = alice.patch(f"/collectives/{data.cluster.pk}", {**body, **{}})
    if field != "kind":
        assert response.status_code == 422


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("members", {"company": "TWENTE"}, "company"),
        ("members", {"company": "MEMBER"}, "company"),
        ("members", {"company": -1}, "company"),
        ("members", {"company": "ASSEN", "role": "chef"}, "role"),
        ("members", {"company": "ASSEN", "interests": "x" * 301}, "interests"),
        ("formed", {"formed_on": "morgen"}, "formed_on"),
        ("formed", {"formed_on": "2999-01-01"}, "formed_on"),
        ("phase", {"phase": ""}, "phase"),
        ("phase", {}, "phase"),
    ],
)
def test_garbage_in_members_formed_and_phase(data, world, alice, path, body, field):
    (member,) = members(data.cluster, [inside(world)])
    names = {
        "TWENTE": f.CompanyFactory(region=world.other_region).pk,
        "ASSEN": inside(world).pk,
        "MEMBER": member.company.pk,
    }
    payload = {k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response = alice.post(f"/collectives/{data.cluster.pk}/{path}", payload)
    assert response.status_code == 422, response.json()
    assert any(e["loc"][-1] == field for e in response.json()["detail"]), response.json()
    assert Member.objects.filter(collective=data.cluster).count() == 1
    data.cluster.refresh_from_db()
    assert data.cluster.formed_on is None


def test_garbage_in_a_member_change_and_leaving(data, world, alice):
    (member,) = members(data.cluster, [inside(world)])
    for body, field in [
        ({"role": "chef"}, "role"),
        ({"role": None}, "role"),
        ({"interests": "x" * 301}, "interests"),
        ({"extra": 1}, "extra"),
    ]:
        response = alice.patch(f"/members/{member.pk}", body)
        assert response.status_code == 422, body
        assert any(e["loc"][-1] == field for e in response.json()["detail"]), response.json()
    response = alice.post(f"/members/{member.pk}/leave", {"left_on": "2000-01-01"})
    assert response.status_code == 422
    assert any(e["loc"][-1] == "left_on" for e in response.json()["detail"])
    member.refresh_from_db()
    assert (member.role, member.left_on) == ("member", None)
    assert alice.post(f"/members/{member.pk}/leave", {}).status_code == 200
    assert alice.post(f"/members/{member.pk}/leave", {}).status_code == 422
    member.refresh_from_db()
    assert member.left_on == dt.date.today()
