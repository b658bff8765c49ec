"""The realisation page, its XLSX and PDF downloads and its API endpoint show the figures
computed by hand in test_realisation.py (report Q2 2025 of realisation_factories.py)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from loket.programmes.periods import default_period
from tests import factories as f
from tests.programmes.realisation_factories import realisation_data


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def data(world):
    return realisation_data(world)


def url(data, **params):
    base = reverse("programmes:realisation", args=[data.programme.pk])
    if not params:
        return base
    return base + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_planned_and_realised_per_funder_and_plan_line(world, data, login):
    response = login(world.pam).get(url(data, year=2025, quarter=2))
    assert response.status_code == 200
    html = text_of(response)
    assert "Realisatie IBDO Realisatie: Q2 2025" in html
    assert "01-04-2025 t/m 30-06-2025" in html
    # Totals: planned 178 h / 42,400.00; Q2 35,25 h / 11,390.00; cumulative 45,75 h / 12,440.00.
    for figure in ("178", "€ 42.400,00", "35,25", "€ 11.390,00", "45,75", "€ 12.440,00"):
        assert figure in html, figure
    # Per funder.
    for figure in ("€ 30.370,00", "€ 8.275,00", "€ 8.800,00", "27,5", "€ 1.525,00", "€ 1.815,00"):
        assert figure in html, figure
    assert "Geen financier" in html
    # Per plan line: L2's euros, its counts, L1's percentage.
    for figure in ("€ 29.000,00", "€ 9.090,00", "€ 7.865,00", "30,5 %", "31,3 %", "75,0 %"):
        assert figure in html, figure
    assert "niet in het plan" in html
    # The rule, and the flags as colour and word.
    assert "10 procentpunt" in html
    assert "voor Q2 2025 is dat 50,0 % van het jaarplan" in html
    assert 'loket-badge--danger loket-flag loket-flag--over">overschreden' not in html
    assert 'loket-flag--over">niet gepland, overschreden</span>' in html
    assert 'loket-flag--under">achter</span>' in html
    assert "4 regels van Q2 2025 hebben een signaal." in html


def test_the_page_flags_over_spend(world, data, login):
    html = text_of(login(world.pam).get(url(data, year=2025, quarter=4)))
    assert "105,3 %" in html  # 105.25 h of 100
    assert 'loket-flag--over">overschreden</span>' in html
    assert "€ 10.525,00" in html


def test_every_header_has_a_scope_and_headings_are_in_order(world, data, login):
    html = login(world.pam).get(url(data, year=2025, quarter=2)).content.decode()
    assert "<th>" not in html
    assert "<th class" not in html
    assert html.count("<h1") == 1
    assert "<h3" not in html
    assert html.count('<caption class="utrecht-table__caption" id=') == 4


def test_without_a_period_the_current_quarter_within_the_programme(world, data, login):
    response = login(world.pam).get(url(data))
    assert response.status_code == 200
    year, quarter = default_period(data.programme, timezone.localdate())
    assert (response.context["result"].year, response.context["result"].quarter) == (
        year,
        quarter,
    )


def test_a_year_without_a_quarter_takes_that_years_nearest_quarter(world, data, login):
    response = login(world.pam).get(url(data, year=2025))
    assert response.status_code == 200
    assert response.context["result"].year == 2025


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc", "quarter": "2"}, "year"),
        ({"year": "2030", "quarter": "1"}, "year"),  # outside the programme
        ({"year": "2024", "quarter": "4"}, "year"),
        ({"year": "-2025", "quarter": "1"}, "year"),
        ({"year": "99999999999999999999999", "quarter": "1"}, "year"),
        ({"year": "2025", "quarter": "5"}, "quarter"),
        ({"year": "2025", "quarter": "0"}, "quarter"),
        ({"year": "2025", "quarter": "-1"}, "quarter"),
        ({"year": "2025", "quarter": "één"}, "quarter"),
        ({"year": "2025", "quarter": "2", "format": "exe"}, "format"),
    ],
)
def test_garbage_gets_a_message_at_the_field_and_the_default_period(
    world, data, login, params, field
):
    response = login(world.pam).get(url(data), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = text_of(response)
    assert "Deze periode kan niet: u ziet" in html
    assert response.context["form"].errors[field]
    year, quarter = default_period(data.programme, timezone.localdate())
    assert (response.context["result"].year, response.context["result"].quarter) == (
        year,
        quarter,
    )


def test_a_quarter_before_a_programme_starts_is_refused(world, login):
    programme = f.ProgrammeFactory(
        region=world.region,
        starts_on=timezone.datetime(2014, 5, 1).date(),
        ends_on=timezone.datetime(2015, 12, 31).date(),
    )
    response = login(world.pam).get(
        reverse("programmes:realisation", args=[programme.pk]), {"year": 2014, "quarter": 1}
    )
    assert response.status_code == 200
    assert "buiten de looptijd" in text_of(response)
    assert response.context["result"].quarter_ends_on.year == 2015


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("adam", 200), ("bob", 200)])
def test_whoever_sees_the_programme_sees_its_realisation(world, data, login, role, status):
    assert login(getattr(world, role)).get(url(data, year=2025, quarter=2)).status_code == status


@pytest.mark.parametrize("role", ["charlie", "olga"])
def test_an_outsider_gets_404(world, data, login, role):
    client = login(getattr(world, role))
    assert client.get(url(data, year=2025, quarter=2)).status_code == 404
    assert client.get(url(data, year=2025, quarter=2, format="xlsx")).status_code == 404
    assert client.get(f"/api/programmes/{data.programme.pk}/realisation").status_code == 404


def test_anonymous_is_sent_to_login(client, data):
    response = client.get(url(data))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_page_runs_a_constant_number_of_queries(world, data, login):
    client = login(world.pam)
    address = url(data, year=2025, quarter=4)
    before = _queries(client, address)
    for n in range(3):
        activity = f.ActivityTypeFactory(programme=data.programme, name=f"Extra {n}")
        f.PlanLineFactory(
            programme=data.programme,
            year=2025,
            activity_type=activity,
            organisation=world.bureau,
            funders={data.chamber: (100, 0)},
        )
        for month in (1, 5, 9):
            f.HourEntryFactory(
                programme=data.programme,
                user=world.alice,
                organisation=world.gem_assen,
                date=timezone.datetime(2025, month, 3).date(),
                activity_type=activity,
            )
    assert _queries(client, address) == before


# --- downloads -----------------------------------------------------------------------------


def test_xlsx_keeps_the_figures_as_numbers_with_the_flags_in_words(world, data, login):
    response = login(world.pam).get(url(data, year=2025, quarter=2, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:4] == [
        "Per financier 2025",
        "Per financier sinds de start",
        "Planregels 2025",
        "Trajecten en vouchers 2025",
    ]
    rows = {row[0]: row for row in workbook["Planregels 2025"].iter_rows(values_only=True)}
    talks = rows["Gesprekken"]
    assert talks[1] == "Programmabureau IBDO"
    assert [float(v) for v in talks[2:10]] == [100, 20, 30.5, 0.305, 10000, 2000, 3050, 0]
    assert talks[11] == "uren: achter; bedrag: achter"
    unplanned = rows["Evenementen (niet in het plan)"]
    assert unplanned[5] == "niet gepland"
    assert unplanned[11] == "uren: overschreden; bedrag: overschreden"
    total = rows["Totaal"]
    assert [float(v) for v in (total[2], total[4], total[6], total[8])] == [
        178,
        45.75,
        42400,
        12440,
    ]
    funders = {row[0]: row for row in workbook["Per financier 2025"].iter_rows(values_only=True)}
    assert [float(v) for v in funders["Provincie Drenthe"][1:9]] == [
        98,
        22.25,
        27.5,
        pytest.approx(27.5 / 98),
        30370,
        8275,
        8800,
        pytest.approx(8800 / 30370),
    ]
    counts = {
        row[0]: row for row in workbook["Trajecten en vouchers 2025"].iter_rows(values_only=True)
    }
    scheme = counts["Innovatietraject"]
    assert [float(v) for v in scheme[2:5]] == [4, 2, 3]
    assert scheme[12] == "afgerond: achter"
    # The flagged percentage is coloured and says so in its number format as well.
    sheet = workbook["Planregels 2025"]
    cell = next(c for c in sheet["F"] if c.value == pytest.approx(0.305))
    assert cell.fill.fgColor.rgb.endswith("FFF3CD")
    assert cell.number_format == '0.0%" (achter)"'


def test_pdf_shows_the_figures_and_the_flags_in_words(world, data, login):
    response = login(world.pam).get(url(data, year=2025, quarter=2, format="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Realisatie IBDO Realisatie Q2 2025" in text
    for figure in ("€ 12.440,00", "€ 42.400,00", "€ 9.090,00", "45,75", "Geen financier"):
        assert figure in text, figure
    assert "30,5 % (achter)" in text
    assert "niet gepland (overschreden)" in text
    assert "10 procentpunt" in text


# --- API -----------------------------------------------------------------------------------


def api_url(data) -> str:
    return f"/api/programmes/{data.programme.pk}/realisation"


def test_the_api_gives_the_figures_with_money_as_strings(world, data, login):
    response = login(world.pam).get(api_url(data), {"year": 2025, "quarter": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["cumulative"]["total"] == "12440.00"
    assert body["totals"]["planned"]["hours"] == "178.00"
    assert body["quarter_ends_on"] == "2025-06-30"
    l2 = body["lines"][1]
    assert l2["scheme"] == "Innovatietraject"
    assert l2["quarter"]["total"] == "9090.00"
    assert l2["cumulative"]["trajectories_started"] == 3
    assert l2["measures"]["hours"]["status"] == "under"
    assert [r["name"] for r in body["per_funder"]] == [
        "Provincie Drenthe",
        "Kamer van Koophandel",
        "Ondernemers",
        "Geen financier",
    ]
    assert body["per_funder"][0]["cumulative"]["total"] == "8800.00"


def test_the_api_defaults_to_the_current_quarter(world, data, login):
    body = login(world.bob).get(api_url(data)).json()
    assert (body["year"], body["quarter"]) == default_period(data.programme, timezone.localdate())


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "2030"}, "year"),
        ({"year": "1999"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"year": "2025", "quarter": "5"}, "quarter"),
        ({"year": "2025", "quarter": "0"}, "quarter"),
        ({"year": "2025", "quarter": "x"}, "quarter"),
        ({"year": "2025", "quarter": "2.5"}, "quarter"),
    ],
)
def test_the_api_refuses_garbage_with_422_on_the_field(world, data, login, params, field):
    response = login(world.pam).get(api_url(data), params)
    assert response.status_code == 422
    assert any(error["loc"][-1] == field for error in response.json()["detail"])


def test_the_api_refuses_an_unknown_programme_with_404(world, login):
    client = login(world.pam)
    assert client.get("/api/programmes/999999/realisation").status_code == 404
    assert client.get("/api/programmes/99999999999999999999999/realisation").status_code in (
        404,
        422,
    )
