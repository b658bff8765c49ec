"""API of the instrument catalogue: list with filters, read, create, change, verify,
delete, import (multipart) and export; garbage gets a 422 on the field, never a 500."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from loket.accounts.models import ApiToken
from loket.catalogue.models import Instrument
from tests import factories as f
from tests.catalogue.importfiles import counts, csv_bytes, good_rows, xlsx_bytes

NEW = {
    "name": "Groeiversneller",
    "summary": "Begeleiding bij groei.",
    "kind": "advice",
    "provider_kind": "programme",
}


def client_of(user) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def upload(user, content, name="catalogus.csv", **form):
    data = {"file": io.BytesIO(content), **form}
    data["file"].name = name
    return client_of(user).post("/api/instruments/import", data)


def fields(response):
    return [(e["loc"][-1], e["msg"]) for e in response.json()["detail"]]


@pytest.fixture
def cat(world):
    w = world
    w.voucher = f.InstrumentFactory(
        region=w.region, name="Innovatievoucher", provider_organisation=w.bureau
    )
    w.loan = f.InstrumentFactory(
        region=w.region,
        name="Starterslening Assen",
        kind="loan",
        provider_kind="partner",
        provider_organisation=w.gem_assen,
        phases=["start"],
    )
    w.wbso = f.InstrumentFactory(
        region=None, name="WBSO", provider_kind="national", provider_name="RVO", kind="subsidy"
    )
    w.twente = f.InstrumentFactory(region=w.other_region, name="Twentse voucher")
    return w


# --- list and read ------------------------------------------------------------------------


def test_the_list_shows_the_region_and_the_shared_instruments(api_as, cat):
    body = api_as(cat.charlie).get("/instruments").json()
    assert [i["name"] for i in body["items"]] == [
        "Innovatievoucher",
        "Starterslening Assen",
        "WBSO",
    ]
    assert body["next_offset"] is None
    wbso = body["items"][2]
    assert wbso["region"] is None
    assert wbso["provider_name"] == "RVO"
    assert api_as(cat.olga).get("/instruments").json()["items"][0]["name"] == "Twentse voucher"


def test_the_list_filters(api_as, cat):
    api = api_as(cat.alice)

    def names(**params):
        response = api.get("/instruments", params)
        assert response.status_code == 200, response.json()
        return [i["name"] for i in response.json()["items"]]

    assert names(q="voucher") == ["Innovatievoucher"]
    assert names(kind="loan") == ["Starterslening Assen"]
    assert names(phase="start") == ["Starterslening Assen"]
    Instrument.objects.filter(pk=cat.voucher.pk).update(budget_exhausted=True)
    assert names(current="false") == ["Innovatievoucher"]
    assert "Innovatievoucher" not in names(current="true")
    Instrument.objects.filter(pk=cat.wbso.pk).update(last_verified=None)
    assert names(stale="true") == ["WBSO"]
    assert names(limit=1, offset=1) == ["Starterslening Assen"]


def test_the_list_runs_a_constant_number_of_queries(api_as, cat, django_assert_num_queries):
    api = api_as(cat.alice)
    api.get("/instruments")  # the token's first use is recorded once
    # token, scope, instruments, themes, municipalities, regions
    with django_assert_num_queries(6):
        assert api.get("/instruments", {"limit": 2}).status_code == 200
    for n in range(10):
        f.InstrumentFactory(region=cat.region, name=f"Extra {n}", provider_organisation=cat.bureau)
    with django_assert_num_queries(6):
        assert len(api.get("/instruments", {"limit": 20}).json()["items"]) == 13


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "banana"},
        {"phase": "sleeping"},
        {"current": "maybe"},
        {"stale": "1"},
        {"theme": "x" * 300},
        {"limit": "-1"},
        {"q": "a\x00b"},
        {"sort": "price"},
    ],
)
def test_garbage_filters_are_422(api_as, cat, params):
    response = api_as(cat.alice).get("/instruments", params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


def test_an_instrument_of_another_region_is_404(api_as, cat):
    api = api_as(cat.alice)
    assert api.get(f"/instruments/{cat.voucher.pk}").status_code == 200
    for path in (f"/instruments/{cat.twente.pk}", "/instruments/999999", "/instruments/0"):
        assert api.get(path).status_code in (404, 422), path
    assert api.get(f"/instruments/{cat.twente.pk}").status_code == 404
    assert api.patch(f"/instruments/{cat.twente.pk}", {"summary": "x"}).status_code == 404
    assert api.post(f"/instruments/{cat.twente.pk}/verify").status_code == 404
    assert api.delete(f"/instruments/{cat.twente.pk}").status_code == 404
    assert Instrument.objects.filter(pk=cat.twente.pk, version=1).exists()


# --- create, change, verify, delete --------------------------------------------------------


def test_programme_staff_create_an_instrument_in_their_region(api_as, cat):
    response = api_as(cat.alice).post(
        "/instruments",
        {
            **NEW,
            "provider_organisation": cat.bureau.pk,
            "themes": ["growth"],
            "municipalities": [cat.assen.pk],
            "amount_max": "2500.50",
            "description": "<p>Goed</p><script>alert(1)</script>",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == cat.region.slug
    assert body["themes"] == ["growth"]
    assert body["municipalities"] == [{"id": cat.assen.pk, "name": "Assen"}]
    assert body["description"] == "<p>Goed</p>"
    assert body["amount_max"] == "2500.50"
    assert body["version"] == 1
    assert body["editor"]["id"] == cat.alice.pk


def test_shared_instruments_are_for_managers(api_as, cat):
    shared = {**NEW, "provider_kind": "national", "provider_name": "RVO"}
    assert api_as(cat.alice).post("/instruments", shared).status_code == 403
    response = api_as(cat.pam).post("/instruments", shared)
    assert response.status_code == 201
    assert response.json()["region"] is None


def test_a_partner_without_rights_is_403(api_as, cat):
    assert (
        api_as(cat.bob)
        .post(
            "/instruments",
            {**NEW, "provider_kind": "partner", "provider_organisation": cat.gem_assen.pk},
        )
        .status_code
        == 403
    )
    # charlie may read bob's municipality's loan, not change it
    charlie = api_as(cat.charlie)
    assert charlie.get(f"/instruments/{cat.loan.pk}").status_code == 200
    assert charlie.patch(f"/instruments/{cat.loan.pk}", {"summary": "x"}).status_code == 403
    assert charlie.delete(f"/instruments/{cat.loan.pk}").status_code == 403
    # bob works at the provider: he may
    response = api_as(cat.bob).patch(f"/instruments/{cat.loan.pk}", {"amount_max": "10000"})
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_verify_and_delete(api_as, cat):
    Instrument.objects.filter(pk=cat.voucher.pk).update(last_verified=None)
    api = api_as(cat.alice)
    body = api.post(f"/instruments/{cat.voucher.pk}/verify").json()
    assert body["is_stale"] is False
    assert body["version"] == 2
    case = f.CaseFactory(
        company=f.CompanyFactory(region=cat.region), owner=cat.alice, organisation=cat.bureau
    )
    f.ReferralFactory(case=case, to_organisation=cat.gem_assen, instrument=cat.loan)
    response = api.delete(f"/instruments/{cat.loan.pk}")
    assert response.status_code == 422  # referred to: unpublish instead
    assert api.delete(f"/instruments/{cat.voucher.pk}").status_code == 204
    assert not Instrument.objects.filter(pk=cat.voucher.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "kind": "banana"}, "kind"),
        ({**NEW, "provider_kind": 3}, "provider_kind"),
        ({**NEW, "name": ""}, "name"),
        ({**NEW, "name": "x" * 201}, "name"),
        ({**NEW, "summary": None}, "summary"),
        ({**NEW, "amount_max": "veel"}, "amount_max"),
        ({**NEW, "amount_max": "-1"}, "amount_max"),
        ({**NEW, "amount_max": "NaN"}, "amount_max"),
        ({**NEW, "amount_max": "1.234"}, "amount_max"),
        ({**NEW, "employees_min": -1}, "employees_min"),
        ({**NEW, "company_age_max": 10**9}, "company_age_max"),
        ({**NEW, "phases": ["sleeping"]}, 0),
        ({**NEW, "themes": ["no-such-theme"]}, "themes"),
        ({**NEW, "provider_organisation": 999999}, "provider_organisation"),
        ({**NEW, "provider_organisation": 10**30}, "provider_organisation"),
        ({**NEW, "municipalities": ["Assen"]}, 0),
        ({**NEW, "open_from": "2026-06-01", "open_until": "2026-01-01"}, "open_until"),
        ({**NEW, "open_from": 1767225600}, "open_from"),
        ({**NEW, "sbi_included": ["ZZ"]}, "sbi_included"),
        ({**NEW, "contact_email": "geen adres"}, "contact_email"),
        ({**NEW, "name": "a\x00b"}, "name"),
        ({**NEW, "colour": "red"}, "colour"),
        ({**NEW, "region": "twente"}, "region"),
    ],
)
def test_garbage_in_a_new_instrument_is_422_on_the_field(api_as, cat, body, field):
    body = dict(body)
    body.setdefault("provider_organisation", cat.bureau.pk)
    before = counts()
    response = api_as(cat.alice).post("/instruments", body)
    assert response.status_code == 422, response.json()
    assert field in [e["loc"][-1] for e in response.json()["detail"]], response.json()
    assert counts() == before


@pytest.mark.parametrize("body", ["not json", "[]", '{"summary": 5}', '{"kind": null}'])
def test_garbage_changes_are_422(api_as, cat, body):
    response = api_as(cat.alice).patch(f"/instruments/{cat.voucher.pk}", body)
    assert response.status_code == 422
    cat.voucher.refresh_from_db()
    assert cat.voucher.version == 1


# --- import ----------------------------------------------------------------------------


def test_a_good_file_is_imported(cat):
    response = upload(cat.pam, csv_bytes(good_rows()))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["written"]
    assert (body["created"], body["updated"]) == (18, 2)  # the loan and WBSO existed
    assert body["rows"][0] == {
        "row": 2,
        "name": "Innovatievoucher Drenthe",
        "action": "create",
        "id": Instrument.objects.get(name="Innovatievoucher Drenthe").pk,
    }


def test_a_dry_run_reports_and_writes_nothing(cat):
    before = counts()
    rows = [
        {
            **good_rows()[1],
            "naam": "Innovatievoucher",
            "aanbieder": "programme",
            "aanbiedende_organisatie": "Programmabureau IBDO",
        },
        good_rows()[0],
    ]
    response = upload(cat.alice, csv_bytes(rows), dry_run="true")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"]
    assert not body["written"]
    assert [(r["action"], r["id"]) for r in body["rows"]] == [
        ("update", cat.voucher.pk),
        ("create", None),
    ]
    assert counts() == before


def test_a_bad_file_is_422_with_rows_and_columns(cat):
    before = counts()
    rows = [
        {
            "naam": "Een",
            "korte_omschrijving": "K",
            "soort": "advice",
            "aanbieder": "programme",
            "aanbiedende_organisatie": "Programmabureau IBDO",
            "bedrag_max": "veel",
        },
        {
            "naam": "Een",
            "korte_omschrijving": "K",
            "soort": "advice",
            "aanbieder": "programme",
            "aanbiedende_organisatie": "Programmabureau IBDO",
            "sbi_alleen": "ZZ",
        },
    ]
    response = upload(cat.alice, xlsx_bytes(rows), "catalogus.xlsx")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(e["row"], e["column"]) for e in detail] == [(2, "bedrag_max"), (3, "naam")]
    assert detail[0]["loc"] == ["file", 2, "bedrag_max"]
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("leeg.csv", b""),
        ("plaatje.csv", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("catalogus.xlsx", b"geen zip"),
        ("catalogus.exe", b"MZ\x90\x00"),
    ],
)
def test_files_that_are_no_catalogue_are_422(cat, name, content):
    response = upload(cat.alice, content, name)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["row"] is None
    assert detail[0]["loc"] == ["file"]
    assert detail[0]["msg"]


def test_import_garbage_form_fields(cat):
    assert upload(cat.alice, csv_bytes(good_rows()), dry_run="misschien").status_code == 422
    response = upload(cat.alice, csv_bytes(good_rows()), region="twente")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "region"
    response = client_of(cat.alice).post("/api/instruments/import", {"dry_run": "true"})
    assert response.status_code == 422
    assert Instrument.objects.count() == 4


def test_partners_may_not_import(cat):
    assert upload(cat.bob, csv_bytes(good_rows())).status_code == 403
    assert upload(cat.charlie, csv_bytes(good_rows())).status_code == 403
    assert Instrument.objects.count() == 4


# --- export ----------------------------------------------------------------------------


def test_export_csv_and_reimport_changes_nothing(cat):
    client = client_of(cat.pam)
    response = client.get("/api/instruments/export", {"format": "csv", "region": "drenthe"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    names = [
        r["naam"] for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    ]
    assert names == ["Innovatievoucher", "Starterslening Assen", "WBSO"]
    before = counts()
    result = upload(cat.pam, content, "export.csv")
    assert result.status_code == 200, result.json()
    assert result.json()["unchanged"] == 3
    assert counts() == before


def test_export_xlsx_with_filters(cat):
    response = client_of(cat.alice).get(
        "/api/instruments/export", {"format": "xlsx", "kind": "loan"}
    )
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Starterslening Assen"
    ]


@pytest.mark.parametrize(
    "params",
    [{}, {"format": "pdf"}, {"format": "csv", "region": "twente"}, {"format": "csv", "kind": "x"}],
)
def test_export_garbage_is_422(cat, params):
    response = client_of(cat.alice).get("/api/instruments/export", params)
    assert response.status_code == 422
    assert json.loads(response.content)["detail"]


def test_export_runs_a_constant_number_of_queries(cat, django_assert_num_queries):
    client = client_of(cat.alice)
    client.get("/api/instruments")  # the token's first use is recorded once
    # token, scope, instruments, themes, municipalities, regions
    with django_assert_num_queries(6):
        b"".join(client.get("/api/instruments/export", {"format": "csv"}).streaming_content)
    for n in range(10):
        f.InstrumentFactory(region=cat.region, name=f"Extra {n}", provider_organisation=cat.bureau)
    with django_assert_num_queries(6):
        b"".join(client.get("/api/instruments/export", {"format": "csv"}).streaming_content)
