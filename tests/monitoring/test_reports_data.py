"""The report's data on a small hand-made programme (tests/monitoring/reports_world.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from loket.monitoring import report_data
from loket.monitoring.models import Report
from loket.monitoring.services import reports as services
from loket.programmes.models import PlanLineFunding
from tests import factories as f
from tests.monitoring.reports_world import build_world, moment


@pytest.fixture
def rw(world):
    return build_world(world)


def _row(data, name="Contactmomenten digitalisering"):
    return next(r for r in data["indicators"] if r["name"] == name)


def test_merged_report_counts_the_whole_programme(rw):
    data = report_data.build(rw.merged, fresh=True)
    row = _row(data)
    assert (row["quarter"], row["cumulative"], row["percent"]) == ("5", "5", "50.0")
    assert row["target"]["text"] == "10"
    assert row["status"] in ("on_track", "behind")
    assert data["title"] == "Kwartaalrapportage 2026 K1 - IBDO 2025-2028"
    assert data["organisation"] is None
    assert data["period"] == {"start": "2026-01-01", "end": "2026-03-31", "label": "2026 K1"}
    series = data["series"][0]["points"]
    assert {"label": "2025 K4", "value": "1"} in series
    assert series[-1] == {"label": "2026 K1", "value": "5"}
    json.dumps(data)  # frozen as JSON


def test_organisation_report_counts_only_its_share(rw, world):
    data = report_data.build(rw.assen, fresh=True)
    row = _row(data)
    assert (row["quarter"], row["cumulative"], row["percent"]) == ("2", "2", "20.0")
    assert data["organisation"] == {"id": world.gem_assen.pk, "name": "Gemeente Assen"}
    assert data["title"].endswith(" - Gemeente Assen")
    assert "samengevoegde rapportage" in data["financing"]["note"]


def test_merged_report_contains_the_organisations_texts(rw, world):
    services.save_narrative(world.bob, rw.assen, rw.line, "<p>Assen deed veel.</p>")
    services.save_narrative(world.pam, rw.merged, rw.line, "<p>Het programma loopt.</p>")
    item = report_data.build(rw.merged)["narratives"][0]
    assert item["action_line"] == "Digitalisering"
    assert item["html"] == "<p>Het programma loopt.</p>"
    assert item["parts"] == [{"organisation": "Gemeente Assen", "html": "<p>Assen deed veel.</p>"}]
    # An organisation's report has no parts.
    assert report_data.build(rw.assen)["narratives"][0]["parts"] == []


def test_a_submitted_organisation_text_wins_over_its_later_draft(rw, world, monkeypatch):
    monkeypatch.setattr(services, "_render", lambda: _FakeRender)
    services.save_narrative(world.bob, rw.assen, rw.line, "Ingediende tekst")
    services.submit(world.bob, rw.assen)
    services.save_narrative(world.bob, rw.assen, rw.line, "Latere kladtekst")
    parts = report_data.build(rw.merged)["narratives"][0]["parts"]
    assert parts == [{"organisation": "Gemeente Assen", "html": "<p>Ingediende tekst</p>"}]


def test_the_draft_sees_a_new_record_once_it_is_saved(
    rw, world, django_capture_on_commit_callbacks
):
    assert _row(report_data.build(rw.merged))["quarter"] == "5"
    with django_capture_on_commit_callbacks(execute=True):
        moment(world, world.bureau, dt.date(2026, 3, 30))
    # the draft's cached figures are handed out once more, marked stale, while the
    # background task recomputes them; then the new contact moment counts
    with django_capture_on_commit_callbacks(execute=True) as refreshes:
        data, stale = report_data.build_state(rw.merged)
    assert stale
    assert _row(data)["quarter"] == "5"
    assert len(refreshes) == 1
    data, stale = report_data.build_state(rw.merged)
    assert not stale
    assert _row(data)["quarter"] == "6"
    # who will not wait asks for fresh figures ("Cijfers bijwerken")
    with django_capture_on_commit_callbacks(execute=True):
        moment(world, world.bureau, dt.date(2026, 3, 29))
    assert _row(report_data.build(rw.merged, fresh=True))["quarter"] == "7"


def test_the_drafts_financing_follows_a_change_of_the_plan(
    rw, world, django_capture_on_commit_callbacks
):
    """The plan is not a counted record, but the report's financing part reads it."""
    funder = f.FunderFactory(programme=rw.programme, name="Provincie Drenthe")
    with django_capture_on_commit_callbacks(execute=True):
        line = f.PlanLineFactory(
            programme=rw.programme, year=2026, organisation=world.bureau, count=2
        )
        funding = PlanLineFunding.objects.create(
            region=world.region, line=line, funder=funder, hours_share=100
        )

    def planned_hours():
        with django_capture_on_commit_callbacks(execute=True):  # the refresh runs
            data, stale = report_data.build_state(rw.merged)
        row = next(r for r in data["financing"]["rows"] if r[0] == "Provincie Drenthe")
        return stale, row

    stale, before = planned_hours()
    assert not stale
    with django_capture_on_commit_callbacks(execute=True):
        funding.hours_share = 50
        funding.save()
    stale, _row_now = planned_hours()
    assert stale  # the figures say they are being brought up to date
    stale, after = planned_hours()
    assert not stale
    assert after != before


def test_final_report_covers_the_whole_programme(rw, world):
    final = services.create_report(
        world.pam, rw.programme, {"kind": "final", "year": 2026, "quarter": 1, "organisation": None}
    )
    assert (final.year, final.quarter) == (2028, 4)
    data = report_data.build(final, fresh=True)
    assert data["kind"] == "final"
    assert data["period"]["start"] == "2025-01-01"
    assert data["period"]["end"] == "2028-12-31"
    assert data["title"].startswith("Eindrapportage 2025 K1 - 2028 K4")
    assert len(data["series"][0]["points"]) == 16


def test_antenna_satisfaction_and_business_cases_are_in_the_data(rw, world):
    company = f.CompanyFactory(region=world.region)
    f.BusinessCaseFactory(
        programme=rw.programme,
        organisation=world.gem_assen,
        company=company,
        title="Robotisering",
        started_on=dt.date(2026, 2, 1),
    )
    data = report_data.build(rw.merged, fresh=True)
    assert set(data["antenna"]) >= {"needs", "signals"}
    assert data["satisfaction"]["answers"] == 0
    assert data["satisfaction"]["suppressed"] is True
    assert data["business_cases"]["count"] == 1
    assert [r["title"] for r in data["business_cases"]["rows"]] == ["Robotisering"]
    # Gemeente Assen's own report holds its business case; another share would not.
    assert report_data.build(rw.assen, fresh=True)["business_cases"]["count"] == 1


class _FakeRender:
    @staticmethod
    def to_pdf(data):
        return b"%PDF " + data["title"].encode()

    @staticmethod
    def to_xlsx(data):
        return b"PK " + data["title"].encode()


def test_reports_kind_values():
    assert set(Report.Kind.values) == {"quarter", "final"}
