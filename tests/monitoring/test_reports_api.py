"""Reports API: create, text, submit, versions and differences; garbage gets a 422 on
the field and saves nothing."""

from __future__ import annotations

import pytest

from loket.monitoring.models import Narrative, Report, ReportVersion
from tests.api.conftest import ApiClient
from tests.monitoring.reports_world import build_world


@pytest.fixture
def rw(world):
    return build_world(world)


def test_bob_writes_and_submits_his_report(rw, world):
    api = ApiClient(world.bob)
    put = api._send(
        "put",
        f"/reports/{rw.assen.pk}/narratives/{rw.line.pk}",
        {"text": "<p>Goed</p><script>x()</script>"},
    )
    assert put.status_code == 200
    assert put.json() == {"action_line_id": rw.line.pk, "html": "<p>Goed</p>"}
    live = api.get(f"/reports/{rw.assen.pk}").json()
    assert live["data"]["indicators"][0]["quarter"] == "2"
    assert live["report"]["organisation"]["name"] == "Gemeente Assen"
    one = api.post(f"/reports/{rw.assen.pk}/submit", {"note": "v1"})
    assert one.status_code == 201
    assert one.json()["number"] == 1
    api._send("put", f"/reports/{rw.assen.pk}/narratives/{rw.line.pk}", {"text": "Anders"})
    assert api.post(f"/reports/{rw.assen.pk}/submit", {}).json()["number"] == 2
    versions = api.get(f"/reports/{rw.assen.pk}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    data = api.get(f"/reports/{rw.assen.pk}/versions/1").json()["data"]
    assert data["narratives"][0]["html"] == "<p>Goed</p>"
    changes = api.get(f"/reports/{rw.assen.pk}/diff").json()
    assert {"section": "Toelichting", "item": "Digitalisering", "field": "tekst"}.items() <= (
        changes[0].items()
    )
    listing = api.get(f"/programmes/{rw.programme.pk}/reports").json()
    assert {r["id"]: r["latest_version"] for r in listing}[rw.assen.pk] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "weekly", "year": 2026, "quarter": 1}, "kind"),
        ({"year": "twintig", "quarter": 1}, "year"),
        ({"year": 2026, "quarter": 5}, "quarter"),
        ({"year": 2024, "quarter": 4}, "quarter"),
        ({"year": 2026, "quarter": 1, "organisation": 999999}, "organisation"),
        ({"year": 2026, "quarter": 1, "organisation": "@gem_emmen"}, "organisation"),
        ({"year": 2026, "quarter": 1, "extra": 1}, "extra"),
        ({"year": 2026, "quarter": 1}, "organisation"),  # the merged report exists already
    ],
)
def test_garbage_creating_a_report(rw, world, body, field):
    if body.get("organisation") == "@gem_emmen":
        body = {**body, "organisation": world.gem_emmen.pk}
    before = Report.objects.count()
    response = ApiClient(world.pam).post(f"/programmes/{rw.programme.pk}/reports", body)
    assert response.status_code == 422
    assert field in [str(part) for error in response.json()["detail"] for part in error["loc"]]
    assert Report.objects.count() == before


@pytest.mark.parametrize(
    "body", [{"text": "a\x00b"}, {"text": "x" * 60_000}, {"text": 5}, {}, "niet json"]
)
def test_garbage_in_a_text(rw, world, body):
    response = ApiClient(world.bob)._send(
        "put", f"/reports/{rw.assen.pk}/narratives/{rw.line.pk}", body
    )
    assert response.status_code == 422
    assert not Narrative.objects.exists()


@pytest.mark.parametrize("body", [{"note": "x" * 3000}, {"note": "\x00"}, {"note": ["a"]}])
def test_garbage_submitting(rw, world, body):
    response = ApiClient(world.bob).post(f"/reports/{rw.assen.pk}/submit", body)
    assert response.status_code == 422
    assert not ReportVersion.objects.exists()


@pytest.mark.parametrize("query", [{"old": "x"}, {"old": 0}, {"new": 7}, {}])
def test_garbage_in_the_differences(rw, world, query):
    response = ApiClient(world.bob).get(f"/reports/{rw.assen.pk}/diff", query)
    assert response.status_code == 422


def test_an_action_line_of_another_programme_is_404(rw, world):
    from tests import factories as f

    other = f.ActionLineFactory(programme=f.ProgrammeFactory(region=world.region))
    response = ApiClient(world.bob)._send(
        "put", f"/reports/{rw.assen.pk}/narratives/{other.pk}", {"text": "x"}
    )
    assert response.status_code == 404
