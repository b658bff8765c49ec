"""The municipality view in the API: figures, who may ask, garbage in the period."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from tests.api.conftest import ApiClient
from tests.monitoring.municipality_data import EXPECTED, build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as(db):
    return ApiClient


def path(municipality):
    return f"/municipalities/{municipality.pk}/programme-figures"


def test_it_answers_the_hand_counted_figures(world, api_as):
    build(world)
    response = api_as(world.bob).get(path(world.assen), {"year": 2025, "quarter": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["municipality"] == "Assen"
    assert body["label"] == "2025 K2"
    (programme,) = body["programmes"]
    got = {
        row["key"]: (Decimal(str(row["quarter"])), Decimal(str(row["year_to_date"])))
        for row in programme["figures"]
    }
    assert got == {key: (Decimal(q), Decimal(y)) for key, (q, y) in EXPECTED.items()}
    assert programme["needs"] == [
        {"need": "innovatie", "contact_moments": 2},
        {"need": "internationalisering", "contact_moments": 1},
    ]
    assert "Assen 1 B.V." not in response.content.decode()


def test_english_labels_and_needs(world, api_as):
    build(world)
    response = api_as(world.pam, language="en").get(path(world.assen), {"year": 2025, "quarter": 2})
    assert response.json()["programmes"][0]["needs"][0]["need"] == "innovation"


@pytest.mark.parametrize(("role", "status"), [("charlie", 404), ("olga", 404), ("pam", 200)])
def test_only_ones_own_municipality_or_the_programme_staff(world, api_as, role, status):
    assert api_as(getattr(world, role)).get(path(world.assen)).status_code == status


def test_an_unknown_municipality_is_404(world, api_as):
    assert api_as(world.pam).get("/municipalities/999999/programme-figures").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": 1999}, "year"),
        ({"year": 99999999999999999999}, "year"),
        ({"quarter": 5}, "quarter"),
        ({"quarter": 0}, "quarter"),
        ({"quarter": "x"}, "quarter"),
        ({"year": "2025\x00"}, "year"),
    ],
)
def test_garbage_in_the_period_is_refused_at_the_field(world, api_as, params, field):
    response = api_as(world.bob).get(path(world.assen), params)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])


def test_without_a_period_it_answers_the_current_quarter(world, api_as):
    from django.utils import timezone

    today = timezone.localdate()
    body = api_as(world.bob).get(path(world.assen)).json()
    assert (body["year"], body["quarter"]) == (today.year, (today.month - 1) // 3 + 1)
