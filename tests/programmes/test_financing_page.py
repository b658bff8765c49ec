"""The financing overview page, its XLSX and PDF downloads and its API: the figures of the
example plan (tests/programmes/test_financing.py computes them by hand) as users see
them, the year filter, garbage input, who sees it, and a constant number of queries."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.programmes.financing_factories import example_plan

D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def plan(world):
    return example_plan(world)


def url(plan, **params):
    base = reverse("programmes:financing", args=[plan.programme.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def text(response) -> str:
    """The page's visible text, whitespace collapsed (no tags)."""
    html = response.content.decode()
    html = html.split('<main id="main"', 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", " ")


def section(response, heading: str) -> str:
    page = text(response)
    return page.split(heading, 1)[1].strip()


def test_the_page_shows_the_figures_formatted_the_dutch_way(world, plan, login):
    response = login(world.alice).get(url(plan))
    assert response.status_code == 200
    page = text(response)
    assert "Financieringsoverzicht IBDO 2025-2028: 2025-2028" in page
    # Grand totals.
    totals = section(response, "Totaal Uren")
    assert totals.startswith(
        "301,5 Bedrag uren (excl. btw) € 30.492,75 Out-of-pocket (incl. btw) € 19.860,00 "
        "Totaal € 50.352,75"
    )
    # Per funder: hours, share of hours, amount, out-of-pocket, total, share of total.
    funders = section(response, "Aandeel in het totaal")
    assert (
        "Provincie Drenthe provincie 164,5 54,6 % € 17.184,22 € 1.210,00 € 18.394,22 36,5 %"
        in funders
    )
    assert (
        "Kamer van Koophandel Kamer van Koophandel 133,5 44,3 % € 12.974,21 € 500,00 "
        "€ 13.474,21 26,8 %" in funders
    )
    assert (
        "Regio Deal Rijk / landelijke regeling 3,5 1,2 % € 334,32 € 15.427,50 € 15.761,82 31,3 %"
        in funders
    )
    assert (
        "Ondernemers ondernemers (eigen bijdragen) 0 0,0 % € 0,00 € 2.722,50 € 2.722,50 5,4 %"
        in funders
    )
    assert "Totaal 301,5 100,0 % € 30.492,75 € 19.860,00 € 50.352,75 100,0 %" in funders
    # Per line: the 50/50 line, the scheme line and the awkward shares.
    lines = section(response, "5 planregels, 2025-2028")
    assert (
        "2025 Gesprekken Programmabureau IBDO 40 2,5 100 € 100,00 € 10.000,00 "
        "50 50,00 % € 5.000,00 € 1.210,00 50 50,00 % € 5.000,00 € 0,00 "
        "0 € 0,00 € 0,00 0 € 0,00 € 0,00 € 11.210,00" in lines
    )
    assert (
        "2025 Innovatietrajecten regeling Innovatietraject Programmabureau IBDO 3 12 36 "
        "€ 100,00 € 3.600,00 36 100,00 % € 3.600,00 € 0,00 0 € 0,00 € 0,00 "
        "0 € 0,00 € 15.427,50 0 € 0,00 € 2.722,50 € 21.750,00" in lines
    )
    assert "2025 Projectmanagement KvK Noord 1 80 (vast) 80 € 95,50 € 7.640,00" in lines
    assert (
        "3,5 33,33 % € 334,22 € 0,00 3,5 33,33 % € 334,21 € 0,00 3,5 33,34 % € 334,32 € 0,00"
        in lines
    )
    assert "2026 Gesprekken Programmabureau IBDO 30 2,5 75 € 110,00 € 8.250,00" in lines
    assert (
        "Totaal 301,5 € 30.492,75 164,5 € 17.184,22 € 1.210,00 133,5 € 12.974,21 € 500,00 "
        "3,5 € 334,32 € 15.427,50 0 € 0,00 € 2.722,50 € 50.352,75" in lines
    )
    assert "niet compleet" not in page


def test_the_wide_table_is_readable(world, plan, login):
    html = login(world.alice).get(url(plan)).content.decode()
    assert html.count('<div class="loket-table-wrap"') == 2
    assert 'role="region" aria-labelledby="lines-caption" tabindex="0"' in html
    assert '<caption class="utrecht-table__caption" id="lines-caption">' in html
    assert html.count('<th scope="colgroup" colspan="3"') == 4  # one per funder
    # Every header cell has a scope.
    assert "<th>" not in html
    assert "<th class" not in html
    assert html.count('<th scope="row"') == 4 + 1 + 5 + 1  # funders, total, lines, total


def test_the_year_filter_shows_one_year(world, plan, login):
    client = login(world.alice)
    response = client.get(url(plan, year=2026))
    assert response.status_code == 200
    page = text(response)
    assert "Financieringsoverzicht IBDO 2025-2028: 2026" in page
    assert "1 planregel, 2026" in page
    assert "2026 Gesprekken Programmabureau IBDO 30 2,5 75 € 110,00 € 8.250,00" in page
    assert "Innovatietrajecten" not in page
    assert "Totaal € 8.250,00" in page
    assert '<option value="2026" selected>' in response.content.decode()
    empty = text(client.get(url(plan, year=2028)))
    assert "Het plan heeft nog geen regels voor 2028." in empty


@pytest.mark.parametrize(
    "year", ["abc", "2031", "2024", "-1", "99999999999999999999999", "2026.5", "%00"]
)
def test_a_year_that_is_not_the_programmes_gets_a_message_and_the_whole_period(
    world, plan, login, year
):
    response = login(world.alice).get(url(plan, year=year))
    assert response.status_code == 200
    page = text(response)
    assert "Kies een jaar van het programma (2025 tot en met 2028), of alle jaren." in page
    assert 'id="id_year_error"' in response.content.decode()
    assert "5 planregels, 2025-2028" in page


def test_a_bad_format_gets_a_message_not_a_download(world, plan, login):
    response = login(world.alice).get(url(plan, year=2025, format="docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Dit formaat kan niet: kies Excel (XLSX) of PDF." in text(response)
    assert "4 planregels, 2025" in text(response)


def test_xlsx_has_the_figures_as_numbers(world, plan, login):
    response = login(world.alice).get(url(plan, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Per financier", "Per planregel"]
    funders = read(book["Per financier"])
    header = funders.index(
        [
            "Financier",
            "Soort",
            "Uren",
            "Aandeel in de uren",
            "Bedrag uren (excl. btw)",
            "Out-of-pocket (incl. btw)",
            "Totaal",
            "Aandeel in het totaal",
        ]
    )
    province, chamber, deal, companies, total = funders[header + 1 : header + 6]
    assert province[:3] == ["Provincie Drenthe", "provincie", D("164.5")]
    assert province[4:7] == [D("17184.22"), D("1210"), D("18394.22")]
    # Shares are fractions shown with the 0.0% format: 164.5 / 301.5.
    assert province[3].quantize(D("0.000001")) == D("0.545605")
    assert chamber[4:7] == [D("12974.21"), D("500"), D("13474.21")]
    assert deal[4:7] == [D("334.32"), D("15427.5"), D("15761.82")]
    assert companies[4:7] == [D("0"), D("2722.5"), D("2722.5")]
    assert total[0] == "Totaal"
    assert total[2] == D("301.5")
    assert total[4:7] == [D("30492.75"), D("19860"), D("50352.75")]
    sheet = book["Per financier"]
    assert sheet.cell(row=header + 2, column=5).number_format == "€ #,##0.00"
    assert sheet.cell(row=header + 2, column=4).number_format == "0.0%"
    lines = read(book["Per planregel"])
    head = next(i for i, row in enumerate(lines) if row[0] == "Jaar")
    columns = lines[head]
    assert columns[10:13] == [
        "Provincie Drenthe: uren",
        "Provincie Drenthe: bedrag uren",
        "Provincie Drenthe: out-of-pocket",
    ]
    first = dict(zip(columns, lines[head + 1], strict=True))
    assert [
        first[name]
        for name in (
            "Jaar",
            "Aantal",
            "Urennorm per eenheid",
            "Uren",
            "Uurtarief",
            "Bedrag uren",
            "Provincie Drenthe: out-of-pocket",
            "Totaal",
        )
    ] == [D("2025"), D("40"), D("2.5"), D("100"), D("100"), D("10000"), D("1210"), D("11210")]
    evaluation = dict(zip(columns, lines[head + 4], strict=True))
    assert [
        evaluation[f"{name}: bedrag uren"]
        for name in ("Provincie Drenthe", "Kamer van Koophandel", "Regio Deal")
    ] == [D("334.22"), D("334.21"), D("334.32")]
    totals = dict(zip(columns, lines[head + 6], strict=True))
    assert totals["Jaar"] == "Totaal"
    assert totals["Totaal"] == D("50352.75")
    assert totals["Regio Deal: out-of-pocket"] == D("15427.5")


def read(sheet) -> list[list]:
    """The sheet's values; numbers (which openpyxl reads as int or float) as Decimal of
    their shortest text, so no float enters a comparison of money."""
    rows = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            value = cell.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = D(str(value))
            values.append(value)
        rows.append(values)
    return rows


def test_pdf_contains_the_figures(world, plan, login):
    response = login(world.alice).get(url(plan, year=2025, format="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    content = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Financieringsoverzicht IBDO 2025-2028" in content
    assert "Plan 2025." in content
    for figure in (
        "€ 42.102,75",  # the grand total of 2025
        "€ 10.144,22",  # the province's total in 2025
        "€ 15.427,50",  # three trajectories granted incl. VAT
        "€ 2.722,50",  # three own contributions incl. VAT
        "€ 334,22",
        "€ 334,21",
        "€ 334,32",
        "24,1 %",
    ):
        assert figure in content, figure
    assert "Per planregel: Regio Deal" in content


def test_problems_are_shown_as_warnings_and_in_the_downloads(world, plan, login):
    cluster = f.ActivityTypeFactory(programme=plan.programme, name="Clusterbijeenkomst")
    f.PlanLineFactory(
        programme=plan.programme,
        activity_type=cluster,
        organisation=world.gem_assen,
        funders={plan.province: (60, 0)},
    )
    client = login(world.alice)
    page = text(client.get(url(plan)))
    assert "Het overzicht is niet compleet: Geen uurtarief voor Gemeente Assen in 2025." in page
    assert "de aandelen in de uren tellen op tot 60,00 % in plaats van 100 %." in page
    assert "geen tarief" in page
    assert "Niet verdeeld aandelen onder 100 % 4 " in page  # 40 % of 10 hours
    book = load_workbook(io.BytesIO(client.get(url(plan, format="xlsx")).content))
    notes = [row[0].value for row in book["Toelichting"].iter_rows()]
    assert "Geen uurtarief voor Gemeente Assen in 2025." in notes


def test_bob_sees_it_because_his_municipality_executes_the_programme(world, plan, login):
    assert login(world.bob).get(url(plan)).status_code == 200


@pytest.mark.parametrize("role", ["charlie", "olga"])
def test_outsiders_get_404(world, plan, login, role):
    client = login(getattr(world, role))
    assert client.get(url(plan)).status_code == 404
    assert client.get(url(plan, format="xlsx")).status_code == 404


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(url(plan))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_post_is_not_allowed(world, plan, login):
    assert login(world.alice).post(url(plan)).status_code == 405


def _queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_constant_number_of_queries(world, plan, login):
    client = login(world.alice)
    client.get(url(plan))  # warm the session
    small = _queries(client, url(plan))
    small_xlsx = _queries(client, url(plan, format="xlsx"))
    for n in range(30):
        f.PlanLineFactory(
            programme=plan.programme,
            year=2027,
            organisation=world.bureau,
            scheme=plan.scheme if n % 3 == 0 else None,
            funders={plan.province: (50, 10), plan.chamber: (50, 0)},
        )
    assert _queries(client, url(plan)) == small
    assert _queries(client, url(plan, format="xlsx")) == small_xlsx
    assert small <= 12


# --- the API ----------------------------------------------------------------------------


def api_url(plan):
    return f"/programmes/{plan.programme.pk}/financing"


def test_api_returns_the_overview_with_money_as_strings(world, plan):
    response = ApiClient(world.pam).get(api_url(plan))
    assert response.status_code == 200
    data = response.json()
    assert data["totals"] == {
        "hours": "301.50",
        "hours_amount": "30492.75",
        "out_of_pocket_incl_vat": "19860.00",
        "total": "50352.75",
        "unassigned_hours": "0.00",
        "unassigned_hours_amount": "0.00",
    }
    assert [(ft["name"], ft["total"]) for ft in data["per_funder"]] == [
        ("Provincie Drenthe", "18394.22"),
        ("Kamer van Koophandel", "13474.21"),
        ("Regio Deal", "15761.82"),
        ("Ondernemers", "2722.50"),
    ]
    assert D(data["per_funder"][0]["hours_share"]).quantize(D("0.0001")) == D("54.5605")
    scheme_line = data["lines"][1]
    assert scheme_line["scheme"] == "Innovatietraject"
    assert [part["out_of_pocket_incl_vat"] for part in scheme_line["funders"]] == [
        "0.00",
        "0.00",
        "15427.50",
        "2722.50",
    ]
    assert data["year"] is None
    assert data["problems"] == []
    # No number without quotes for money, hours or shares anywhere in the body.
    body = response.content.decode()
    assert re.search(r'"total":\s*"50352.75"', body)
    assert not re.search(
        r'"(hours|hours_amount|out_of_pocket_incl_vat|total|rate|hours_share|total_share)":\s*[\d-]',
        body,
    )


def test_api_year_filter(world, plan):
    data = ApiClient(world.alice).get(api_url(plan), {"year": 2026}).json()
    assert data["year"] == 2026
    assert [line["year"] for line in data["lines"]] == [2026]
    assert data["totals"]["total"] == "8250.00"


@pytest.mark.parametrize("year", ["abc", "2031", "1999", "-5", "1e3", "99999999999999999999"])
def test_api_refuses_a_bad_year(world, plan, year):
    response = ApiClient(world.alice).get(api_url(plan), {"year": year})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", "year"]
    assert detail[0]["msg"]


def test_api_outsiders_and_unknown_programmes_get_404(world, plan):
    assert ApiClient(world.charlie).get(api_url(plan)).status_code == 404
    assert ApiClient(world.olga).get(api_url(plan)).status_code == 404
    assert ApiClient(world.alice).get("/programmes/999999/financing").status_code == 404
    assert ApiClient(world.bob).get(api_url(plan)).status_code == 200


def test_api_constant_number_of_queries(world, plan):
    client = ApiClient(world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(api_url(plan)).status_code == 200
        return len(ctx.captured_queries)

    count()
    small = count()
    for _n in range(20):
        f.PlanLineFactory(
            programme=plan.programme,
            year=2028,
            organisation=world.bureau,
            funders={plan.province: (100, 0)},
        )
    assert count() == small
