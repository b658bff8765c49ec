"""The business case API: a round trip, the rules and garbage (422 on the field, nothing
saved), and scoping (a partner of another organisation: 404, not in the list)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from loket.monitoring.models import BusinessCase
from tests.api.conftest import ApiClient
from tests.monitoring.business_data import bw_fixture, make_case  # noqa: F401


def _body(bw, **changes):
    body = {
        "title": "Robotisering",
        "organisation": bw.nom.pk,
        "company": bw.brink.pk,
        "started_on": "2026-03-01",
        "expected_turnover": "400000",
        "expected_value": "150000.50",
        "expected_fte": "2.5",
    }
    body.update(changes)
    return body


def test_create_read_change_delete(bw):
    api = ApiClient(bw.nina)
    path = f"/programmes/{bw.programme.pk}/business-cases"
    response = api.post(path, _body(bw))
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["company"] == {"id": bw.brink.pk, "name": "Bakkerij De Brink"}
    assert out["expected_turnover"] == "400000.00"
    assert out["expected_fte"] == "2.5"
    assert out["realised_turnover"] is None
    assert out["may_change"] is True
    case_id = out["id"]

    response = api.patch(
        f"/business-cases/{case_id}",
        {"realised_turnover": "120000", "realised_on": "2026-06-30"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["realised_turnover"] == "120000.00"
    assert response.json()["title"] == "Robotisering"  # untouched

    listed = api.get(path).json()
    assert [row["id"] for row in listed["items"]] == [case_id]
    assert api.get(f"/business-cases/{case_id}").json()["realised_on"] == "2026-06-30"

    assert api.delete(f"/business-cases/{case_id}").status_code == 204
    assert not BusinessCase.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expected_turnover": "-1"}, "expected_turnover"),
        ({"expected_turnover": "12.345"}, "expected_turnover"),
        ({"expected_turnover": "1" * 20}, "expected_turnover"),
        ({"expected_fte": "abc"}, "expected_fte"),
        ({"expected_value": "NaN"}, "expected_value"),
        ({"expected_value": "Infinity"}, "expected_value"),
        ({"started_on": "31-02-2026"}, "started_on"),
        ({"started_on": 20260301}, "started_on"),
        ({"title": ""}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"company": 99999999}, "company"),
        ({"company": 2**70}, "company"),
        ({"organisation": "NOM"}, "organisation"),
        ({"realised_turnover": "100"}, "realised_on"),
        ({"realised_fte": "1", "realised_on": "2026-01-01"}, "realised_on"),
        ({"realised_on": "2026-04-01"}, "realised_on"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_garbage_is_422_on_the_field_and_nothing_is_saved(bw, changes, field):
    response = ApiClient(bw.nina).post(
        f"/programmes/{bw.programme.pk}/business-cases", _body(bw, **changes)
    )
    assert response.status_code == 422, response.json()
    locations = [error["loc"] for error in response.json()["detail"]]
    assert any(field in loc for loc in locations), locations
    assert all(error["msg"] for error in response.json()["detail"])
    assert not BusinessCase.objects.exists()


def test_a_body_that_is_not_json_is_422(bw):
    response = ApiClient(bw.nina).post(f"/programmes/{bw.programme.pk}/business-cases", "{oops")
    assert response.status_code == 422


def test_the_company_must_be_one_the_user_sees(bw):
    response = ApiClient(bw.nina).post(
        f"/programmes/{bw.programme.pk}/business-cases", _body(bw, company=bw.smid.pk)
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "company"


def test_a_partner_of_another_organisation_does_not_see_them(bw):
    nom_case = make_case(bw)
    assen_case = make_case(bw, organisation=bw.w.gem_assen, title="Van Assen")
    bob = ApiClient(bw.w.bob)
    listed = bob.get(f"/programmes/{bw.programme.pk}/business-cases").json()
    assert [row["id"] for row in listed["items"]] == [assen_case.pk]
    assert bob.get(f"/business-cases/{nom_case.pk}").status_code == 404
    assert bob.patch(f"/business-cases/{nom_case.pk}", {"title": "x"}).status_code == 404
    assert bob.delete(f"/business-cases/{nom_case.pk}").status_code == 404
    # The bureau's advisor sees both but changes neither.
    alice = ApiClient(bw.w.alice)
    listed = alice.get(f"/programmes/{bw.programme.pk}/business-cases").json()
    assert {row["id"]: row["may_change"] for row in listed["items"]} == {
        nom_case.pk: False,
        assen_case.pk: False,
    }
    assert alice.patch(f"/business-cases/{nom_case.pk}", {"title": "x"}).status_code == 403
    nom_case.refresh_from_db()
    assert nom_case.title == "Nieuwe productielijn"


def test_list_filters_and_sort(bw):
    make_case(bw, title="Oud", started_on=dt.date(2025, 5, 1))
    make_case(bw, title="Nieuw", started_on=dt.date(2026, 5, 1), expected_turnover=Decimal("1"))
    make_case(bw, organisation=bw.w.gem_assen, title="Assen", started_on=dt.date(2026, 1, 1))
    api = ApiClient(bw.w.pam)
    path = f"/programmes/{bw.programme.pk}/business-cases"
    titles = [r["title"] for r in api.get(path).json()["items"]]
    assert titles == ["Nieuw", "Assen", "Oud"]  # newest start first
    titles = [r["title"] for r in api.get(path, {"year": 2026, "sort": "title"}).json()["items"]]
    assert titles == ["Assen", "Nieuw"]
    titles = [r["title"] for r in api.get(path, {"organisation": bw.nom.pk}).json()["items"]]
    assert titles == ["Nieuw", "Oud"]
    assert api.get(path, {"year": "abc"}).status_code == 422
    assert api.get(path, {"sort": "nonsense"}).status_code == 422


def test_the_list_is_a_constant_number_of_queries(bw, django_assert_max_num_queries):
    api = ApiClient(bw.w.pam)
    path = f"/programmes/{bw.programme.pk}/business-cases"
    make_case(bw)
    api.get(path)
    with django_assert_max_num_queries(8) as one:
        api.get(path)
    for n in range(10):
        make_case(bw, title=f"Project {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(path).json()["items"]) == 11
