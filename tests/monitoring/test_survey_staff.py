"""The staff side of the survey: settings page and API, the results page, its export,
the satisfaction API, and moving invitations when companies are merged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from loket.companies import services as companies
from loket.monitoring.models import SurveyInvitation, SurveySettings
from tests import factories as f
from tests.api.conftest import ApiClient

S = SurveyInvitation.Status


@pytest.fixture
def api_as(db):
    return ApiClient


@pytest.fixture
def programme(world):
    programme = f.ProgrammeFactory(
        region=world.region, name="IBDO", organisations=[world.bureau, world.gem_assen]
    )
    now = timezone.now()
    year, quarter = now.year, (now.month - 1) // 3 + 1
    marks = (9, 8, 7, 8, 10)
    for n, mark in enumerate(marks):
        f.SurveyInvitationFactory(
            company=f.CompanyFactory(region=world.region),
            programme=programme,
            organisation=world.bureau,
            owner=world.alice,
            year=year,
            quarter=quarter,
            status=S.ANSWERED,
            answered_at=now,
            mark=mark,
            recommend="yes",
            helped=f"Snelle hulp {n}",
            improve="Minder formulieren" if n == 0 else "",
        )
    f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        programme=programme,
        organisation=world.gem_assen,
        owner=world.bob,
        status=S.ANSWERED,
        answered_at=now,
        mark=2,
        recommend="no",
        helped="Geheim van Assen",
        year=year,
        quarter=quarter,
    )
    return programme


# --- settings page -----------------------------------------------------------------------


def test_programme_manager_changes_the_settings(world, login):
    client = login(world.pam)
    url = reverse("monitoring:survey_settings")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"active": "on", "delay_days": "3", "reminder_days": "5", "valid_days": "20"}
    )
    assert response.status_code == 302
    found = SurveySettings.objects.get(region=world.region)
    assert (found.delay_days, found.reminder_days, found.valid_days) == (3, 5, 20)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"delay_days": "-1", "reminder_days": "5", "valid_days": "20"}, "delay_days"),
        ({"delay_days": "acht", "reminder_days": "5", "valid_days": "20"}, "delay_days"),
        ({"delay_days": "9" * 30, "reminder_days": "5", "valid_days": "20"}, "delay_days"),
        ({"delay_days": "3", "reminder_days": "30", "valid_days": "20"}, "reminder_days"),
        ({"delay_days": "3", "reminder_days": "", "valid_days": "20"}, "reminder_days"),
        ({"delay_days": "3", "reminder_days": "5", "valid_days": "1"}, "valid_days"),
    ],
)
def test_garbage_settings_are_refused_on_the_field(world, login, data, field):
    client = login(world.adam)
    response = client.post(reverse("monitoring:survey_settings"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert SurveySettings.objects.get(region=world.region).delay_days == 7


@pytest.mark.parametrize("role", ["alice", "bob", "charlie"])
def test_settings_page_is_404_for_others(world, login, role):
    client = login(getattr(world, role))
    assert client.get(reverse("monitoring:survey_settings")).status_code == 404


# --- results page ------------------------------------------------------------------------


def test_results_page_shows_the_figures_and_hides_small_groups(world, login, programme):
    client = login(world.pam)
    response = client.get(reverse("monitoring:satisfaction", args=[programme.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # 6 answers: 9+8+7+8+10+2 = 44 / 6 = 7.33
    assert "7,3" in html
    assert "Minder formulieren" in html
    # Gemeente Assen has one answer: its average is hidden
    assen = response.context["tables"][0][2]
    assert next(r for r in assen if r["label"] == "Gemeente Assen")["average"] is None
    assert "te weinig antwoorden" in html


def test_results_below_five_answers_show_no_average_or_comments(world, login, programme):
    SurveyInvitation.objects.filter(mark__in=(9, 10)).delete()  # 4 answers left
    response = login(world.alice).get(reverse("monitoring:satisfaction", args=[programme.pk]))
    html = response.content.decode()
    assert response.context["result"]["suppressed"] is True
    assert "Snelle hulp" not in html
    assert "Geheim van Assen" not in html


@pytest.mark.parametrize(
    "query",
    [
        "jaar=acht",
        "jaar=1999",
        "kwartaal=5",
        "kwartaal=2",
        "jaar=2026&kwartaal=x",
        "jaar=" + "9" * 40,
    ],
)
def test_garbage_period_gets_a_message_not_an_error(world, login, programme, query):
    response = login(world.pam).get(
        reverse("monitoring:satisfaction", args=[programme.pk]) + "?" + query
    )
    assert response.status_code == 400
    assert response.context["form"].errors


def test_results_export_as_xlsx_and_csv(world, login, programme):
    client = login(world.pam)
    url = reverse("monitoring:satisfaction", args=[programme.pk])
    book = load_workbook(io.BytesIO(client.get(url + "?export=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Indeling", "Groep", "Antwoorden", "Gemiddeld cijfer")
    by_group = {row[1]: row for row in rows[1:] if row[0] == "Per organisatie"}
    assert by_group["Programmabureau IBDO"][3] == "8.4"  # 42 / 5
    assert by_group["Gemeente Assen"][3] == "te weinig antwoorden"
    csv = b"".join(client.get(url + "?export=csv").streaming_content).decode("utf-8-sig")
    assert "Gemeente Assen;1;te weinig antwoorden" in csv


def test_results_page_permissions(world, login, programme):
    url = reverse("monitoring:satisfaction", args=[programme.pk])
    assert login(world.bob).get(url).status_code == 403  # sees the programme, not the survey
    assert login(world.charlie).get(url).status_code == 404
    assert login(world.olga).get(url).status_code == 404


# --- API ---------------------------------------------------------------------------------


def test_api_settings_read_and_change(world, api_as):
    assert api_as(world.alice).get("/survey/settings").json()["delay_days"] == 7
    response = api_as(world.pam).patch("/survey/settings", {"delay_days": 14})
    assert response.status_code == 200
    assert response.json()["delay_days"] == 14


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"delay_days": -1}, "delay_days"),
        ({"delay_days": "acht"}, "delay_days"),
        ({"delay_days": 10**20}, "delay_days"),
        ({"reminder_days": 0}, "reminder_days"),
        ({"reminder_days": 40}, "reminder_days"),  # after the link expires (30 days)
        ({"valid_days": 1}, "valid_days"),
        ({"active": "misschien"}, "active"),
    ],
)
def test_api_settings_garbage_is_422_on_the_field(world, api_as, body, field):
    response = api_as(world.pam).patch("/survey/settings", body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not SurveySettings.objects.filter(region=world.region, delay_days__lt=7).exists()


def test_api_settings_garbage_body(world, api_as):
    assert api_as(world.pam).patch("/survey/settings", "{niet json").status_code == 422
    assert api_as(world.pam).patch("/survey/settings", [1, 2]).status_code == 422


def test_api_satisfaction(world, api_as, programme):
    year = timezone.localdate().year
    response = api_as(world.pam).get(f"/programmes/{programme.pk}/satisfaction", {"year": year})
    assert response.status_code == 200
    body = response.json()
    assert body["summary"]["answers"] == 6
    assert body["summary"]["average"] == "7.3"
    assen = [r for r in body["breakdowns"]["organisation"] if r["label"] == "Gemeente Assen"]
    assert assen[0]["average"] is None
    assert assen[0]["suppressed"] is True


@pytest.mark.parametrize(
    "params",
    [{"year": "acht"}, {"year": 1999}, {"quarter": 5}, {"quarter": 2}, {"year": 10**30}],
)
def test_api_satisfaction_garbage_is_422(world, api_as, programme, params):
    response = api_as(world.pam).get(f"/programmes/{programme.pk}/satisfaction", params)
    assert response.status_code == 422


# --- merging companies -------------------------------------------------------------------


def test_merge_moves_invitations_and_keeps_the_answered_one_per_quarter(world):
    keep = f.CompanyFactory(region=world.region)
    duplicate = f.CompanyFactory(region=world.region)
    unanswered = f.SurveyInvitationFactory(company=keep, year=2026, quarter=1)
    answered = f.SurveyInvitationFactory(
        company=duplicate,
        year=2026,
        quarter=1,
        status=S.ANSWERED,
        mark=8,
        answered_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    )
    other_quarter = f.SurveyInvitationFactory(company=duplicate, year=2026, quarter=2)
    companies.merge_companies(world.pam, keep, duplicate)
    assert set(SurveyInvitation.objects.filter(company=keep)) == {answered, other_quarter}
    assert not SurveyInvitation.objects.filter(pk=unanswered.pk).exists()


def test_merge_keeps_the_first_when_neither_is_answered(world):
    keep = f.CompanyFactory(region=world.region)
    duplicate = f.CompanyFactory(region=world.region)
    first = f.SurveyInvitationFactory(company=keep, year=2026, quarter=1)
    f.SurveyInvitationFactory(company=duplicate, year=2026, quarter=1)
    companies.merge_companies(world.pam, keep, duplicate)
    assert list(SurveyInvitation.objects.all()) == [first]
