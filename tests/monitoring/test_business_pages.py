"""Business case pages: the list with totals (hand-counted), filters, export and a
constant number of queries; the forms with their rules and garbage; scoping (a partner
of another organisation: not in the list, 404 on the pages); the company page section."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from loket.monitoring.models import BusinessCase
from tests.monitoring.business_data import bw_fixture, make_case  # noqa: F401

D = Decimal


def _list(bw):
    return reverse("monitoring:business_case_list", args=[bw.programme.pk])


def _create(bw):
    return reverse("monitoring:business_case_create", args=[bw.programme.pk])


def _edit(bw, case):
    return reverse("monitoring:business_case_edit", args=[bw.programme.pk, case.pk])


@pytest.fixture
def three(bw):
    """Two of NOM (one measured), one of Gemeente Assen."""
    a = make_case(
        bw,
        title="Productielijn",
        started_on=dt.date(2025, 6, 1),
        expected_turnover=D("250000"),
        expected_value=D("100000"),
        expected_fte=D("3"),
        realised_turnover=D("90000"),
        realised_value=D("30000"),
        realised_fte=D("1.5"),
        realised_on=dt.date(2026, 1, 15),
    )
    b = make_case(
        bw,
        title="Export Duitsland",
        started_on=dt.date(2026, 1, 10),
        expected_turnover=D("80000"),
        expected_value=D("20000"),
        expected_fte=D("0.5"),
    )
    c = make_case(
        bw,
        organisation=bw.w.gem_assen,
        company=bw.smid,
        title="Smederij groeit",
        started_on=dt.date(2026, 2, 1),
        expected_turnover=D("10000"),
        expected_value=D("5000"),
        expected_fte=D("1"),
    )
    return a, b, c


def test_the_list_shows_the_totals_hand_counted(bw, three, login):
    html = login(bw.w.pam).get(_list(bw)).content.decode()
    assert "Verwacht en gerealiseerd over 3 businesscases (1 met een meting)" in html
    assert "€ 340.000,00" in html  # 250.000 + 80.000 + 10.000 expected turnover
    assert "€ 90.000,00" in html  # realised turnover (only the first was measured)
    assert "€ 125.000,00" in html  # expected value
    assert "4,5" in html  # expected FTE
    for title in ("Productielijn", "Export Duitsland", "Smederij groeit"):
        assert title in html


def test_filters_narrow_the_list_and_the_totals(bw, three, login):
    client = login(bw.w.pam)
    html = client.get(_list(bw), {"organisation": bw.w.gem_assen.pk}).content.decode()
    assert "Smederij groeit" in html
    assert "Productielijn" not in html
    assert "€ 10.000,00" in html
    html = client.get(_list(bw), {"year": 2025}).content.decode()
    assert "Productielijn" in html
    assert "Export Duitsland" not in html
    assert "Verwacht en gerealiseerd over 1 businesscase" in html
    # Garbage filters: the page still answers, showing everything.
    for garbage in ({"year": "abc"}, {"organisation": "99999999999999999999"}, {"year": "-1"}):
        response = client.get(_list(bw), garbage)
        assert response.status_code == 200


def test_a_partner_sees_only_the_business_cases_of_their_organisation(bw, three, login):
    a, _b, c = three
    client = login(bw.w.bob)  # Gemeente Assen
    html = client.get(_list(bw)).content.decode()
    assert "Smederij groeit" in html
    assert "Productielijn" not in html
    assert "Export Duitsland" not in html
    assert client.get(_edit(bw, a)).status_code == 404
    assert client.post(_edit(bw, a), {"title": "x"}).status_code == 404
    assert client.get(_edit(bw, c)).status_code == 200
    # charlie's Gemeente Emmen does not execute the programme: no page at all.
    assert login(bw.w.charlie).get(_list(bw)).status_code == 404


def test_seen_but_not_theirs_is_403(bw, three, login):
    a, _b, _c = three
    client = login(bw.w.alice)  # bureau advisor: sees every case of the programme
    assert "Productielijn" in client.get(_list(bw)).content.decode()
    assert client.get(_edit(bw, a)).status_code == 403
    delete = reverse("monitoring:business_case_delete", args=[bw.programme.pk, a.pk])
    assert client.post(delete).status_code == 403
    assert BusinessCase.objects.filter(pk=a.pk).exists()


def test_a_case_under_another_programme_url_is_404(bw, three, login):
    a, _b, _c = three
    other = type(bw.programme).objects.create(
        region=bw.w.region,
        name="Ander",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    url = reverse("monitoring:business_case_edit", args=[other.pk, a.pk])
    assert login(bw.w.pam).get(url).status_code == 404


def test_the_list_runs_a_constant_number_of_queries(bw, login, django_assert_max_num_queries):
    client = login(bw.w.pam)
    make_case(bw)
    client.get(_list(bw))  # warm up (session, scope)
    with django_assert_max_num_queries(14) as one:
        client.get(_list(bw))
    for n in range(12):
        make_case(bw, title=f"Project {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_list(bw), {"per_pagina": 25})
    assert response.content.decode().count("Project ") >= 12


def test_export_csv_and_xlsx(bw, three, login):
    client = login(bw.w.pam)
    response = client.get(_list(bw), {"export": "csv", "organisation": bw.nom.pk})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Productielijn" in text
    assert "Smederij" not in text
    assert "250000,00" in text
    assert "15-01-2026" in text
    response = client.get(_list(bw), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Project"
    assert {row[0] for row in rows[1:]} == {"Productielijn", "Export Duitsland", "Smederij groeit"}


def _form(**changes):
    data = {
        "title": "Robotisering",
        "company": "12345678",
        "started_on": "2026-03-01",
        "expected_turnover": "400.000",
        "expected_value": "150.000,50",
        "expected_fte": "2,5",
        "realised_turnover": "",
        "realised_value": "",
        "realised_fte": "",
        "realised_on": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_nom_staff_add_a_business_case_by_kvk_number(bw, login):
    client = login(bw.nina)
    page = client.get(_create(bw)).content.decode()
    assert "Bedrijf (KvK- of Loket-nummer)" in page
    response = client.post(_create(bw), _form(organisation=bw.nom.pk))
    assert response.status_code == 302
    case = BusinessCase.objects.get()
    assert (case.company, case.organisation) == (bw.brink, bw.nom)
    assert case.expected_value == D("150000.50")
    assert case.expected_fte == D("2.5")
    # The company page lists it.
    html = client.get(reverse("companies:detail", args=[bw.brink.pk])).content.decode()
    assert "Robotisering" in html
    assert "Businesscases" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Vul de naam van het project in."),
        ({"company": "87654321"}, "Geen bedrijf gevonden"),
        ({"company": "abc\x00"}, ""),
        ({"expected_turnover": "veel"}, ""),
        ({"expected_turnover": "-5"}, ""),
        ({"expected_turnover": "1" * 30}, ""),
        ({"expected_fte": "1,25"}, ""),
        ({"started_on": "31-02-2026"}, ""),
        ({"started_on": "0001-01-01"}, ""),
        ({"realised_turnover": "1000"}, "op welke datum"),
        ({"realised_fte": "1", "realised_on": "2026-02-01"}, "niet vóór de start"),
        ({"realised_on": "2026-04-01"}, "Vul ook de gerealiseerde"),
        ({"organisation": "99999999999999999999999"}, ""),
    ],
)
def test_garbage_in_the_form_gets_a_message_and_saves_nothing(bw, login, changes, message):
    client = login(bw.nina)
    data = _form(organisation=bw.nom.pk)
    data.update(changes)
    response = client.post(_create(bw), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Niet alles is goed ingevuld" in html
    assert message in html
    assert not BusinessCase.objects.exists()


def test_nom_staff_cannot_add_for_the_bureau(bw, login):
    response = login(bw.nina).post(_create(bw), _form(organisation=bw.w.bureau.pk))
    assert response.status_code == 422
    assert not BusinessCase.objects.exists()


def test_edit_records_the_realisation_and_delete_removes_it(bw, login):
    case = make_case(bw)
    client = login(bw.nina)
    page = client.get(_edit(bw, case)).content.decode()
    assert 'value="250000"' in page  # shown back the Dutch way, without ",00"
    response = client.post(
        _edit(bw, case),
        _form(
            organisation=bw.nom.pk,
            company=str(bw.brink.pk),  # the Loket number works too
            realised_turnover="120.000",
            realised_fte="1,5",
            realised_on="2026-06-30",
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.realised_turnover == D("120000.00")
    assert case.realised_on == dt.date(2026, 6, 30)
    delete = reverse("monitoring:business_case_delete", args=[bw.programme.pk, case.pk])
    assert "verwijderen?" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not BusinessCase.objects.exists()


def test_the_company_section_shows_only_what_the_user_sees(bw, three, login):
    url = reverse("companies:detail", args=[bw.brink.pk])
    html = login(bw.w.pam).get(url).content.decode()
    assert "Productielijn" in html
    # bob sees the company (after a contact of his organisation) but not NOM's cases.
    from tests import factories as f

    f.ContactMomentFactory(company=bw.brink, author=bw.w.bob, organisation=bw.w.gem_assen)
    html = login(bw.w.bob).get(url).content.decode()
    assert "Productielijn" not in html
    assert 'id="businesscases"' not in html
