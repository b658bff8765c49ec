"""The company list: filters, sorting, pagination, CSV and XLSX export of the filtered set,
a constant number of queries per page, garbage parameters, and who sees what."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from loket.casework.models import Case
from loket.companies.models import SbiCode
from loket.core.models import Theme
from tests import factories as f

URL = "/bedrijven/"


@pytest.fixture(autouse=True)
def dutch():
    """Labels are checked in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


def company(world, name, **kw):
    kw.setdefault("municipality", world.assen)
    return f.CompanyFactory(region=world.region, name=name, **kw)


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
def data(world):
    theme = Theme.objects.filter(active=True).order_by("slug").first()
    c = {
        "alpha": company(
            world, "Alpha Bouw", employees=1, founded_on=years_ago(2), account_manager=world.alice
        ),
        "bravo": company(
            world,
            "Bravo Bakkerij",
            employees=8,
            founded_on=years_ago(10),
            municipality=world.emmen,
            city="Emmen",
        ),
        "charlie": company(world, "Charlie Metaal", employees=120, founded_on=None),
        "delta": company(world, "Delta Advies", employees=None, municipality=world.emmen),
        "echo": company(world, "Echo Installatie", employees=30, founded_on=years_ago(5, 1)),
        "other": f.CompanyFactory(region=world.other_region, name="Foxtrot Twente"),
    }
    c["alpha"].sbi_codes.set(SbiCode.objects.filter(code__in=["41", "43"]))  # both section F
    c["charlie"].sbi_codes.set(SbiCode.objects.filter(code__in=["F"]))
    c["bravo"].sbi_codes.set(SbiCode.objects.filter(code__in=["47"]))
    c["bravo"].themes.set([theme])
    f.CaseFactory(company=c["alpha"], organisation=world.bureau, owner=world.alice)
    f.CaseFactory(
        company=c["bravo"],
        organisation=world.bureau,
        owner=world.alice,
        status=Case.Status.CLOSED,
    )
    c["theme"] = theme
    return c


def listed(response):
    """Company names in the table, in order."""
    html = response.content.decode()
    body = html.split('<tbody class="utrecht-table__body">', 1)[1].split("</tbody>", 1)[0]
    names = []
    for chunk in body.split('<th scope="row"')[1:]:
        names.append(chunk.split("</a>", 1)[0].rsplit(">", 1)[1])
    return names


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


# --- filters ---------------------------------------------------------------------------


def test_it_lists_the_region_by_name(world, login, data):
    response = get(login(world.alice))
    assert listed(response) == [
        "Alpha Bouw",
        "Bravo Bakkerij",
        "Charlie Metaal",
        "Delta Advies",
        "Echo Installatie",
    ]
    assert "5 bedrijven" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"municipality": "emmen"}, ["Bravo Bakkerij", "Delta Advies"]),
        ({"size_class": "zzp"}, ["Alpha Bouw"]),
        ({"size_class": "micro"}, ["Bravo Bakkerij"]),
        ({"size_class": "small"}, ["Echo Installatie"]),
        ({"size_class": "medium"}, ["Charlie Metaal"]),
        ({"size_class": "large"}, []),
        ({"sbi_section": "F"}, ["Alpha Bouw", "Charlie Metaal"]),
        ({"sbi_section": "G"}, ["Bravo Bakkerij"]),
        ({"theme": "THEME"}, ["Bravo Bakkerij"]),
        ({"account_manager": "alice"}, ["Alpha Bouw"]),
        ({"starter": "true"}, ["Alpha Bouw"]),
        (
            {"starter": "false"},
            ["Bravo Bakkerij", "Charlie Metaal", "Delta Advies", "Echo Installatie"],
        ),
        ({"open_case": "true"}, ["Alpha Bouw"]),
        (
            {"open_case": "false"},
            ["Bravo Bakkerij", "Charlie Metaal", "Delta Advies", "Echo Installatie"],
        ),
        ({"municipality": "emmen", "sbi_section": "G"}, ["Bravo Bakkerij"]),
    ],
)
def test_it_filters(world, login, data, params, expected):
    values = {
        "emmen": str(world.emmen.pk),
        "alice": str(world.alice.pk),
        "THEME": data["theme"].slug,
    }
    params = {k: values.get(v, v) for k, v in params.items()}
    assert listed(get(login(world.alice), **params)) == expected


def test_a_company_with_two_divisions_of_a_section_is_listed_once(world, login, data):
    names = listed(get(login(world.alice), sbi_section="F"))
    assert names.count("Alpha Bouw") == 1


def test_filter_choices_come_from_small_tables_of_the_users_regions(world, login, data):
    client = login(world.alice)
    with CaptureQueriesContext(connection) as ctx:
        html = get(client).content.decode()
    assert "Assen" in html
    assert "Emmen" in html
    assert ">Bouwnijverheid" in html or "F Bouwnijverheid" in html
    assert world.alice.full_name in html
    assert not [
        q
        for q in ctx.captured_queries
        if "DISTINCT" in q["sql"].upper() and "companies_company" in q["sql"]
    ]
    # olga (Twente) is not offered Drenthe's municipalities or advisors
    html = get(login(world.olga)).content.decode()
    assert f'value="{world.assen.pk}"' not in html
    assert world.alice.full_name not in html


# --- sorting and pagination ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "name",
            ["Alpha Bouw", "Bravo Bakkerij", "Charlie Metaal", "Delta Advies", "Echo Installatie"],
        ),
        (
            "-name",
            ["Echo Installatie", "Delta Advies", "Charlie Metaal", "Bravo Bakkerij", "Alpha Bouw"],
        ),
        (
            "municipality",
            ["Alpha Bouw", "Charlie Metaal", "Echo Installatie", "Bravo Bakkerij", "Delta Advies"],
        ),
        (
            "employees",
            ["Charlie Metaal", "Echo Installatie", "Bravo Bakkerij", "Alpha Bouw", "Delta Advies"],
        ),
        (
            "newest",
            ["Echo Installatie", "Delta Advies", "Charlie Metaal", "Bravo Bakkerij", "Alpha Bouw"],
        ),
        (
            "'; DROP TABLE x",
            ["Alpha Bouw", "Bravo Bakkerij", "Charlie Metaal", "Delta Advies", "Echo Installatie"],
        ),
    ],
)
def test_it_sorts_by_a_whitelisted_key(world, login, data, sort, expected):
    assert listed(get(login(world.alice), sorteer=sort)) == expected


def test_the_sort_links_keep_the_filters_and_reverse(world, login, data):
    html = get(login(world.alice), municipality=world.emmen.pk, sorteer="name").content.decode()
    assert f'href="?municipality={world.emmen.pk}&amp;sorteer=-name"' in html
    assert 'aria-sort="ascending"' in html


def test_it_pages_and_keeps_the_filters(world, login):
    for i in range(23):
        company(world, f"Bedrijf {i:02d}", municipality=world.emmen)
    company(world, "Zulu Assen")
    client = login(world.alice)
    first = get(client, municipality=world.emmen.pk, per_pagina=10)
    assert len(listed(first)) == 10
    html = first.content.decode()
    assert f"municipality={world.emmen.pk}&amp;per_pagina=10&amp;pagina=2" in html
    last = get(client, municipality=world.emmen.pk, per_pagina=10, pagina=3)
    assert listed(last) == ["Bedrijf 20", "Bedrijf 21", "Bedrijf 22"]


@pytest.mark.parametrize(
    ("page", "size", "rows"),
    [
        ("abc", "10", 10),  # not a number: the first page
        ("-1", "10", 3),  # out of range: the last page
        ("999", "10", 3),
        ("2", "1000", 23),  # not an offered size: the default (25), so one page
        ("1", "x", 23),
    ],
)
def test_garbage_pages_and_sizes_fall_back(world, login, page, size, rows):
    for i in range(23):
        company(world, f"Bedrijf {i:02d}")
    assert len(listed(get(login(world.alice), pagina=page, per_pagina=size))) == rows


def test_queries_are_constant_whatever_the_page_size(world, login):
    theme = Theme.objects.filter(active=True).first()
    for i in range(110):
        c = company(
            world,
            f"Bedrijf {i:03d}",
            account_manager=world.alice,
            municipality=world.emmen if i % 2 else world.assen,
        )
        if i % 3 == 0:
            f.CaseFactory(company=c, organisation=world.bureau, owner=world.alice)
        c.themes.set([theme])
    client = login(world.alice)
    get(client)  # warm up the session
    counts = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = get(client, per_pagina=size, open_case="false", sorteer="municipality")
        assert len(listed(response)) == (10 if size == 10 else 73)
        counts[size] = len(ctx.captured_queries)
    assert counts[10] == counts[100], counts
    assert counts[10] <= 12, counts


def test_list_pages_are_bounded_in_queries(world, login, data, django_assert_max_num_queries):
    client = login(world.alice)
    get(client)
    for size in (10, 100):
        with django_assert_max_num_queries(12):
            get(client, per_pagina=size)


# --- export ----------------------------------------------------------------------------


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


def test_csv_exports_the_whole_filtered_set(world, login, data):
    response = login(world.alice).get(
        URL, {"municipality": world.emmen.pk, "per_pagina": 10, "pagina": 1, "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bedrijven-')
    rows = _csv_rows(response)
    header = rows[0]
    assert header[:3] == ["Naam", "Handelsnamen", "KvK-nummer"]
    assert {"Gemeente", "Opgericht op", "Starter"} <= set(header)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Bravo Bakkerij", "Delta Advies"}
    bravo = by_name["Bravo Bakkerij"]
    assert bravo["Gemeente"] == "Emmen"
    assert bravo["Opgericht op"] == years_ago(10).strftime("%d-%m-%Y")
    assert bravo["Starter"] == "nee"
    assert bravo["SBI-codes"] == "47"
    assert bravo["Grootte"] == "micro (2-9)"


def test_export_is_not_paginated(world, login):
    for i in range(30):
        company(world, f"Bedrijf {i:02d}")
    response = login(world.alice).get(URL, {"per_pagina": 10, "pagina": 2, "export": "csv"})
    assert len(_csv_rows(response)) == 31


def test_export_is_safe_from_formula_injection(world, login):
    company(world, '=HYPERLINK("http://evil.example","klik")', trade_names=["+31 tricks"])
    company(world, "@SUM(1+1)")
    company(world, "-2+3")
    response = login(world.alice).get(URL, {"export": "csv"})
    names = {row[0] for row in _csv_rows(response)[1:]}
    assert names == {'\'=HYPERLINK("http://evil.example","klik")', "'@SUM(1+1)", "'-2+3"}
    rows = _csv_rows(login(world.alice).get(URL, {"export": "csv"}))
    assert any(row[1] == "'+31 tricks" for row in rows)

    response = login(world.alice).get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil.example","klik")' in values
    assert all(row[0].data_type != "f" for row in sheet.iter_rows(min_row=2))


def test_xlsx_exports_the_filtered_set_with_dutch_dates(world, login, data):
    response = login(world.alice).get(URL, {"starter": "true", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=False))
    header = [cell.value for cell in rows[0]]
    assert header[0] == "Naam"
    assert rows[0][0].font.bold
    assert [r[0].value for r in rows[1:]] == ["Alpha Bouw"]
    founded = rows[1][header.index("Opgericht op")]
    assert founded.value.date() == years_ago(2)
    assert founded.number_format == "DD-MM-YYYY"
    assert rows[1][header.index("Werkzame personen")].value == 1
    assert rows[1][header.index("Starter")].value == "ja"
    assert rows[1][header.index("Accountmanager")].value == world.alice.full_name
    assert rows[1][header.index("Open hulpvragen")].value == 1
    assert rows[1][header.index("SBI-codes")].value == "41, 43"


def test_export_of_garbage_format_shows_the_page(world, login, data):
    response = get(login(world.alice), export="pdf")
    assert response["Content-Type"].startswith("text/html")


# --- garbage and scope -----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"municipality": "abc"},
        {"municipality": "999999"},
        {"municipality": "-1"},
        {"size_class": "huge"},
        {"sbi_section": "ZZ"},
        {"sbi_section": "41"},
        {"theme": "<script>alert(1)</script>"},
        {"account_manager": "1e10"},
        {"starter": "banana"},
        {"open_case": "\x00"},
        {"municipality": ["1", "2"], "pagina": ["1", "x"]},
        {"sorteer": "-", "per_pagina": "-5", "pagina": "1e9"},
    ],
)
def test_garbage_filters_never_answer_500(world, login, data, params):
    client = login(world.alice)
    response = client.get(URL, params)
    assert response.status_code == 200
    export = client.get(URL, {**params, "export": "csv"})
    assert export.status_code == 200


def test_an_invalid_choice_is_explained_on_its_field(world, login, data):
    html = get(login(world.alice), municipality="abc", size_class="huge").content.decode()
    assert html.count("utrecht-form-field--invalid") == 2
    assert "Selecteer een geldige keuze" in html


def test_a_partner_sees_only_the_companies_his_organisation_works_with(world, login, data):
    f.ContactMomentFactory(company=data["bravo"], organisation=world.gem_assen, author=world.bob)
    f.ReferralFactory(
        case=f.CaseFactory(company=data["delta"], organisation=world.bureau, owner=world.alice),
        to_organisation=world.gem_assen,
    )
    client = login(world.bob)
    assert listed(get(client)) == ["Bravo Bakkerij", "Delta Advies"]
    rows = _csv_rows(client.get(URL, {"export": "csv"}))
    assert {row[0] for row in rows[1:]} == {"Bravo Bakkerij", "Delta Advies"}
    assert listed(get(login(world.charlie))) == []


def test_outsiders_see_no_companies(world, login, data):
    assert listed(get(login(world.olga))) == ["Foxtrot Twente"]
    nobody = f.UserFactory(email="nobody@example.org")
    client = login(nobody)
    assert listed(get(client)) == []
    assert _csv_rows(client.get(URL, {"export": "csv"}))[1:] == []


def test_the_list_needs_a_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert client.post(URL).status_code in {302, 405}
