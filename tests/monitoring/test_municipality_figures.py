"""The municipality view's figures on a hand-counted data set (``municipality_data``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from loket.monitoring.municipality import compute, municipality_data
from tests import factories as f
from tests.monitoring.municipality_data import EXPECTED, at, build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _figures(data, index=0):
    return {
        row["key"]: (row["quarter"], row["ytd"]) for row in data["programmes"][index]["figures"]
    }


def test_it_counts_what_the_programme_did_in_assen_by_hand(world):
    build(world)
    data = municipality_data(world.assen, 2025, 2)
    assert data["label"] == "2025 K2"
    assert [p["name"] for p in data["programmes"]] == ["IBDO 2025-2028"]
    got = _figures(data)
    assert got == {key: (Decimal(q), Decimal(y)) for key, (q, y) in EXPECTED.items()}
    needs = [(row["name_nl"], row["count"]) for row in data["programmes"][0]["needs"]]
    assert needs == [("innovatie", 2), ("internationalisering", 1)]


def test_emmen_sees_only_its_own_companies_and_events(world):
    build(world)
    got = _figures(municipality_data(world.emmen, 2025, 2))
    assert got["companies_helped"] == (1, 1)
    assert got["cases"] == (1, 1)
    assert got["events_held"] == (1, 1)
    assert got["event_visits"] == (1, 1)  # a2 of Assen visited the Emmen event
    assert got["event_visitors"] == (0, 0)  # no company of Emmen visited anything
    assert got["trajectories_started"] == (1, 1)
    assert got["euros_paid"] == (Decimal("500.00"), Decimal("500.00"))


def test_a_quarter_without_activity_counts_zero_and_rows_outside_stay_out(world):
    build(world)
    got = _figures(municipality_data(world.assen, 2025, 3))
    # a6's contact moment and trajectory of July; year to date includes Q1 and Q2.
    assert got["companies_helped"] == (1, 5)
    assert got["trajectories_started"] == (1, 3)
    assert got["events_held"] == (0, 2)


def test_no_programme_running_gives_no_programmes(world):
    build(world)
    assert municipality_data(world.assen, 2024, 4)["programmes"] == []


def test_a_programme_of_another_region_is_not_shown(world):
    build(world)
    f.ProgrammeFactory(region=world.other_region, name="Twente 2025")
    names = [p["name"] for p in municipality_data(world.assen, 2025, 2)["programmes"]]
    assert names == ["IBDO 2025-2028"]


def test_the_queries_are_a_fixed_number_whatever_the_data(world, django_assert_num_queries):
    build(world)
    with django_assert_num_queries(12):
        compute(world.assen, 2025, 2)
    for _ in range(5):
        company = f.CompanyFactory(region=world.region, municipality=world.assen)
        f.ContactMomentFactory(company=company, organisation=world.bureau, author=world.alice)
    with django_assert_num_queries(12):
        compute(world.assen, 2025, 2)


def test_the_result_is_cached_until_a_counted_record_changes(
    world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    data = build(world)
    first = municipality_data(world.assen, 2025, 2)
    with django_assert_num_queries(1):  # the region's stamp only
        assert municipality_data(world.assen, 2025, 2) == first
    with django_capture_on_commit_callbacks(execute=True):
        f.CaseFactory(
            company=data.a1,
            owner=world.alice,
            organisation=world.bureau,
            opened_at=at("2025-06-10"),
        )
    # the next read gets the figures as they were, marked stale, and enqueues one
    # refresh; once the worker ran it, the new case counts
    with django_capture_on_commit_callbacks(execute=True) as refreshes:
        stale = municipality_data(world.assen, 2025, 2)
    assert stale["stale"]
    assert _figures(stale) == _figures(first)
    assert len(refreshes) == 1
    again = municipality_data(world.assen, 2025, 2)
    assert not again["stale"]
    assert _figures(again)["cases"] == (3, 3)


def test_the_data_names_no_company(world):
    data = build(world)
    text = repr(municipality_data(world.assen, 2025, 2))
    for company in (data.a1, data.a2, data.a3, data.e1):
        assert company.name not in text
