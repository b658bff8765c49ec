"""The dashboard's figures on a small hand-made programme (tests/monitoring/dashboard_data.py
says what is counted and why): reach per municipality, new versus known, the top needs,
the satisfaction trend with its threshold, and bob's share."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest

from loket.monitoring.dashboard import compute, dashboard_data
from loket.monitoring.queries import share_of
from tests.monitoring.dashboard_data import dashboard_world, moment, need


@pytest.fixture
def setup(world):
    return dashboard_world(world)


def _reach(data):
    return {row["municipality"]: (row["quarter"], row["year"]) for row in data["reach"]["rows"]}


def test_reach_per_municipality_in_the_quarter_and_the_year(world, setup):
    data = compute(setup.programme, 2026, 2, None)
    assert _reach(data) == {"Assen": ("2", "3"), "Emmen": ("1", "1")}
    first = data["reach"]["rows"][0]
    assert first["municipality"] == "Assen"  # most reached this year first
    assert f"gemeente={world.assen.pk}" in first["quarter_url"]
    assert "van=2026-04-01" in first["quarter_url"]
    assert "tot=2026-06-30" in first["quarter_url"]
    assert "van=2026-01-01" in first["year_url"]


def test_new_and_known_companies_per_quarter_of_the_year(setup):
    data = compute(setup.programme, 2026, 2, None)
    assert [(r["label"], r["new"], r["known"], r["reached"]) for r in data["newness"]] == [
        ("2026 K1", "2", "1", "3"),
        ("2026 K2", "1", "2", "3"),
    ]
    assert "nieuw=new" in data["newness"][1]["new_url"]
    assert "nieuw=known" in data["newness"][1]["known_url"]


def test_top_needs_in_order_with_counts(setup):
    data = compute(setup.programme, 2026, 2, None)
    assert [(r["need"], r["count"]) for r in data["needs"]] == [
        ("Financiering", 3),
        ("Export", 1),
        ("Innovatie", 1),
    ]
    assert f"behoefte={setup.needs.financing.pk}" in data["needs"][0]["url"]
    assert "meting=contact_moments" in data["needs"][0]["url"]


def test_top_needs_stop_at_five(world, setup):
    extra = [need(f"Behoefte {n}") for n in range(5)]
    moment(world, setup.companies.a, dt.date(2026, 6, 1), needs=extra)
    data = compute(setup.programme, 2026, 2, None)
    assert len(data["needs"]) == 5
    assert data["needs"][0] == {**data["needs"][0], "need": "Financiering", "count": 3}


def test_satisfaction_is_not_shown_below_five_answers(setup):
    data = compute(setup.programme, 2026, 2, None)
    by_label = {r["label"]: r for r in data["satisfaction"]}
    assert by_label["2026 K1"]["average"] == "8.0"
    assert by_label["2026 K1"]["answers"] == 5
    assert by_label["2026 K2"]["average"] is None
    assert by_label["2026 K2"]["answers"] == 4
    assert by_label["2026 K2"]["suppressed"] is True
    assert by_label["2025 K4"] == {**by_label["2025 K4"], "answers": 0, "suppressed": False}


def test_realisation_has_the_series_and_the_target(setup):
    data = compute(setup.programme, 2026, 2, None)
    [line] = data["realisation"]
    assert line["name"] == "Digitalisering"
    [indicator] = line["indicators"]
    assert indicator["target"]["text"] == "10"
    series = {p["label"]: p["value"] for p in indicator["series"]}
    assert len(series) == 6  # 2025 K1 up to 2026 K2
    assert series["2025 K4"] == "1"
    assert series["2026 K1"] == "3"
    assert series["2026 K2"] == "3"  # A, B, C (bob's org executes); not F (Emmen's)
    assert indicator["quarter"] == "3"
    assert indicator["cumulative"] == "6"  # the year's target: 2026 K1 and K2
    assert indicator["percent"] == "60.0"
    assert indicator["status"] == "on_track"  # half the year gone, 60 % of the target


def test_bob_sees_his_organisations_share_only(world, setup):
    share = share_of(world.bob, setup.programme)
    assert share == frozenset({world.gem_assen.pk})
    data = compute(setup.programme, 2026, 2, sorted(share))
    assert _reach(data) == {"Emmen": ("1", "1")}
    assert [(r["new"], r["known"]) for r in data["newness"]] == [("0", "0"), ("1", "0")]
    assert [(r["need"], r["count"]) for r in data["needs"]] == [
        ("Export", 1),
        ("Financiering", 1),
    ]
    assert data["realisation"][0]["indicators"][0]["quarter"] == "1"
    # the survey answers were given to the bureau: none are bob's organisation's
    assert all(r["answers"] == 0 for r in data["satisfaction"])


def test_the_data_is_plain(setup):
    data = dashboard_data(setup.programme, 2026, 2, None)
    assert pickle.loads(pickle.dumps(data))  # noqa: S301 (our own bytes) == data
    assert json.loads(json.dumps(data)) == data
