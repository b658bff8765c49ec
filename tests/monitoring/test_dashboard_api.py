"""GET /api/programmes/{id}/dashboard: the page's data, the partner's share, and garbage
periods answered with 422 at the parameter."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.api.conftest import ApiClient
from tests.monitoring.dashboard_data import dashboard_world


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(world):
    return dashboard_world(world)


def test_it_returns_the_dashboard(world, setup):
    response = ApiClient(world.pam).get(
        f"/programmes/{setup.programme.pk}/dashboard", {"year": 2026, "quarter": 2}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["label"] == "2026 K2"
    assert body["share"] is None
    reach = {r["municipality"]: (r["quarter"], r["year"]) for r in body["reach"]["rows"]}
    assert reach == {"Assen": ("2", "3"), "Emmen": ("1", "1")}
    assert [(r["new"], r["known"]) for r in body["newness"]] == [("2", "1"), ("1", "2")]
    assert (body["needs"][0]["need"], body["needs"][0]["count"]) == ("Financiering", 3)
    by_label = {r["label"]: r for r in body["satisfaction"]}
    assert by_label["2026 K1"]["average"] == "8.0"
    assert by_label["2026 K2"]["average"] is None
    assert by_label["2026 K2"]["suppressed"] is True
    [indicator] = body["realisation"][0]["indicators"]
    assert indicator["target"]["text"] == "10"
    assert indicator["status"] == "on_track"
    assert indicator["series"][-1] == {**indicator["series"][-1], "label": "2026 K2", "value": "3"}


def test_bob_gets_his_share(world, setup):
    body = (
        ApiClient(world.bob)
        .get(f"/programmes/{setup.programme.pk}/dashboard", {"year": 2026, "quarter": 2})
        .json()
    )
    assert body["share"] == [world.gem_assen.pk]
    assert [r["municipality"] for r in body["reach"]["rows"]] == ["Emmen"]


def test_outsiders_get_404(world, setup):
    for user in (world.charlie, world.olga):
        response = ApiClient(user).get(f"/programmes/{setup.programme.pk}/dashboard")
        assert response.status_code == 404


def test_without_a_period_it_takes_the_default(world, setup):
    response = ApiClient(world.pam).get(f"/programmes/{setup.programme.pk}/dashboard")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"quarter": 9}, "quarter"),
        ({"quarter": "x"}, "quarter"),
        ({"year": 1999}, "year"),
        ({"year": 2030, "quarter": 1}, "year"),
        ({"year": "9" * 40}, "year"),
    ],
)
def test_garbage_gets_422_at_the_parameter(world, setup, params, field):
    response = ApiClient(world.pam).get(f"/programmes/{setup.programme.pk}/dashboard", params)
    assert response.status_code == 422
    body = response.json()
    assert field in str(body), body
