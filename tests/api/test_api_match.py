"""POST /api/match: a profile (a company or an entrepreneur's answers) in, ranked
instruments with reasons out; every field refuses what it cannot use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from loket.catalogue import matching
from loket.companies.models import SbiCode
from loket.core.models import Theme
from tests import factories as f


@pytest.fixture(autouse=True)
def fresh_index():
    matching.clear_cache()
    with translation.override("nl"):
        yield
    matching.clear_cache()


@pytest.fixture
def cat(data):
    w = data.w
    export = f.InstrumentFactory(
        region=w.region,
        name="Exportvoucher",
        slug="exportvoucher",
        summary="Advies over de eerste stappen naar het buitenland.",
        phases=["export"],
        themes=list(Theme.objects.filter(slug="export")),
        amount_min=Decimal("500"),
        amount_max=Decimal("2500.50"),
        own_contribution=Decimal("250"),
        contact_organisation=w.gem_assen,
    )
    big = f.InstrumentFactory(
        region=w.region,
        name="Groeiversneller",
        summary="Begeleiding voor snelle groeiers.",
        phases=["growth", "export"],
        size_classes=["medium", "large"],
    )
    closed = f.InstrumentFactory(
        region=w.region,
        name="Oude exportregeling",
        phases=["export"],
        open_until=timezone.localdate().replace(year=2020),
    )
    national = f.InstrumentFactory(
        region=None,
        provider_kind="national",
        provider_name="RVO",
        name="Starters International Business",
        summary="Ondersteuning bij de eerste stappen over de grens.",
        phases=["export"],
    )
    twente = f.InstrumentFactory(region=w.other_region, name="Twentse export", phases=["export"])
    return {"export": export, "big": big, "closed": closed, "national": national, "twente": twente}


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["matches"]]


def errors_of(response):
    assert response.status_code == 422, response.content
    return {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}


# --- answers of an entrepreneur ---------------------------------------------------------


def test_it_ranks_instruments_for_answers_with_reasons(data, cat, api_as):
    response = api_as(data.w.bob).post(
        "/match",
        {
            "phases": ["export"],
            "themes": ["export"],
            "question": "Ik wil naar het buitenland",
            "employees": 3,
            "municipality_id": data.w.assen.pk,
        },
    )
    assert names(response) == ["Exportvoucher", "Starters International Business"]
    body = response.json()
    assert body["excluded"] is None
    assert body["considered"] == 4  # the region's three and the national one
    top = body["matches"][0]
    assert top == {
        "id": cat["export"].pk,
        "name": "Exportvoucher",
        "slug": "exportvoucher",
        "kind": "voucher",
        "summary": "Advies over de eerste stappen naar het buitenland.",
        "provider": cat["export"].provider_organisation.name,
        "contact_organisation": "Gemeente Assen",
        "amount_min": "500.00",
        "amount_max": "2500.50",
        "own_contribution": "250.00",
        "url": "/instrumenten/exportvoucher/",
        "score": top["score"],
        "reasons": [
            {"kind": "phase", "text": "Helpt bij: exporteren."},
            {"kind": "theme", "text": "Thema: export en internationalisering."},
            {"kind": "words", "text": "Sluit aan bij uw vraag: buitenland."},
            {"kind": "region", "text": "Aanbod uit uw eigen regio."},
        ],
    }
    assert top["score"] > body["matches"][1]["score"]
    assert body["matches"][1]["provider"] == "RVO"


def test_it_lists_the_excluded_with_their_criterion_on_request(data, cat, api_as):
    response = api_as(data.w.alice).post(
        "/match", {"phases": ["export"], "employees": 3, "include_excluded": True}
    )
    assert names(response) == ["Exportvoucher", "Starters International Business"]
    excluded = {row["name"]: row for row in response.json()["excluded"]}
    assert set(excluded) == {"Groeiversneller", "Oude exportregeling"}
    assert excluded["Groeiversneller"]["criterion"] == "size_classes"
    assert excluded["Groeiversneller"]["id"] == cat["big"].pk
    assert "middelgroot" in excluded["Groeiversneller"]["text"]
    assert excluded["Oude exportregeling"]["criterion"] == "open_until"


def test_an_empty_profile_lists_what_is_open_up_to_the_limit(data, cat, api_as):
    client = api_as(data.w.alice)
    assert len(names(client.post("/match", {}))) == 3
    assert len(names(client.post("/match", {"limit": 1}))) == 1


def test_each_user_matches_in_their_own_region(data, cat, api_as):
    # The region's own offer first, then the shared one.
    assert names(api_as(data.w.olga).post("/match", {"phases": ["export"]})) == [
        "Twentse export",
        "Starters International Business",
    ]
    refused = api_as(data.w.olga).post("/match", {"region": data.w.region.slug})
    assert errors_of(refused) == {("body", "payload", "region"): "U werkt niet in deze regio."}


def test_a_division_also_counts_as_its_section(data, cat, api_as):
    cat["export"].sbi_included = ["C"]
    cat["export"].save()
    client = api_as(data.w.alice)
    assert "Exportvoucher" in names(client.post("/match", {"sbi_codes": ["25"]}))
    assert "Exportvoucher" not in names(client.post("/match", {"sbi_codes": ["47"]}))


# --- a company ---------------------------------------------------------------------------


def test_it_uses_the_client_record_of_a_company(data, cat, api_as):
    company = data.assen_co
    company.employees = 120
    company.save()
    company.themes.set(Theme.objects.filter(slug="growth"))
    company.sbi_codes.set(SbiCode.objects.filter(code="25"))
    response = api_as(data.w.bob).post(
        "/match", {"company_id": company.pk, "include_excluded": True}
    )
    # The growth theme stands for the growth phase; 120 people is a medium-sized company.
    assert names(response) == ["Groeiversneller"]
    reasons = response.json()["matches"][0]["reasons"]
    assert {"kind": "phase", "text": "Helpt bij: groeien."} in reasons
    assert {
        "kind": "criterion",
        "text": "Bedoeld voor bedrijven van uw grootte: middelgroot (50-249).",
    } in reasons
    # Phases and themes of the moment (a case) add to the record.
    response = api_as(data.w.bob).post("/match", {"company_id": company.pk, "phases": ["export"]})
    assert names(response)[0] == "Groeiversneller"
    assert set(names(response)) == {
        "Groeiversneller",
        "Exportvoucher",
        "Starters International Business",
    }


def test_a_company_the_user_may_not_see_is_not_found(data, cat, api_as):
    for user, company in (
        (data.w.alice, data.twente_co),  # another region
        (data.w.charlie, data.assen_co),  # a municipality without contact
        (data.w.alice, 2**40),  # no such company
    ):
        pk = company if isinstance(company, int) else company.pk
        response = api_as(user).post("/match", {"company_id": pk})
        assert response.status_code == 404
        assert response.json() == {"detail": "Niet gevonden."}


def test_company_facts_come_from_the_record_not_the_request(data, cat, api_as):
    response = api_as(data.w.alice).post(
        "/match", {"company_id": data.assen_co.pk, "employees": 300}
    )
    assert errors_of(response) == {
        ("body", "payload", "employees"): (
            "Niet samen met company_id: dit komt uit de klantregistratie."
        )
    }


# --- authentication -----------------------------------------------------------------------


def test_it_needs_a_token_or_a_session(data, cat, api_as, login):
    assert api_as(None).post("/match", {"phases": ["export"]}).status_code == 401
    client = login(data.w.alice)
    response = client.post("/api/match", {"phases": ["export"]}, content_type="application/json")
    assert names(response)[0] == "Exportvoucher"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(data.w.alice)
    refused = strict.post("/api/match", {}, content_type="application/json")
    assert refused.status_code == 403


# --- garbage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"phases": ["vliegen"]}, ("phases", 0), "Kies een van"),
        ({"phases": "export"}, ("phases",), "Vul een lijst in."),
        ({"size_class": "reus"}, ("size_class",), "Kies een van"),
        ({"legal_form": "bvba"}, ("legal_form",), "Kies een van"),
        ({"sbi_codes": ["99X"]}, ("sbi_codes",), "Onbekend of niet toegankelijk: 99X."),
        ({"themes": ["ruimtevaart"]}, ("themes",), "Onbekend of niet toegankelijk: ruimtevaart."),
        ({"employees": -1}, ("employees",), "Vul minstens 0 in."),
        ({"employees": "veel"}, ("employees",), "Vul een geheel getal in."),
        ({"company_age": 501}, ("company_age",), "Vul hoogstens 500 in."),
        ({"limit": 0}, ("limit",), "Vul minstens 1 in."),
        ({"limit": 51}, ("limit",), "Vul hoogstens 50 in."),
        ({"limit": 10**30}, ("limit",), "Vul hoogstens 50 in."),
        ({"question": "x" * 10_001}, ("question",), "Vul hoogstens 10000 tekens in."),
        ({"question": "a\x00b"}, ("question",), "Tekst mag geen NUL-teken bevatten."),
        ({"question": 12}, ("question",), "Vul tekst in."),
        ({"include_excluded": "misschien"}, ("include_excluded",), "Vul true of false in."),
        ({"company_id": 0}, ("company_id",), "Vul minstens 1 in."),
        ({"company_id": "abc"}, ("company_id",), "Vul een geheel getal in."),
        ({"phases": ["export"] * 21}, ("phases",), "Geef hoogstens 20 waarden."),
        ({"zin": "ja"}, ("zin",), "Onbekend veld."),
    ],
)
def test_it_refuses_garbage_on_the_field(data, cat, api_as, body, field, message):
    found = errors_of(api_as(data.w.alice).post("/match", body))
    loc = ("body", "payload", *field)
    assert loc in found, found
    assert message in found[loc]


def test_a_municipality_of_another_region_is_refused(data, cat, api_as):
    twente = f.MunicipalityFactory(region=data.w.other_region, name="Enschede", cbs_code="GM0153")
    response = api_as(data.w.alice).post("/match", {"municipality_id": twente.pk})
    assert errors_of(response) == {
        ("body", "payload", "municipality_id"): f"Onbekend of niet toegankelijk: {twente.pk}."
    }
    fine = api_as(data.w.alice).post("/match", {"municipality_id": data.w.assen.pk})
    assert fine.status_code == 200


def test_messages_follow_the_language_of_the_request(data, cat, api_as):
    response = api_as(data.w.alice, language="en").post("/match", {"limit": 0})
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "limit"]
    with translation.override("en"):
        assert error["msg"] == translation.gettext("Vul minstens %(n)s in.") % {"n": 1}


def test_the_longest_question_is_answered(data, cat, api_as):
    question = ("export naar het buitenland " * 400)[:10_000]
    assert names(api_as(data.w.alice).post("/match", {"question": question}))[0] in {
        "Exportvoucher",
        "Starters International Business",
    }


@pytest.mark.parametrize("raw", ["{niet json", "[]", "null", '"export"'])
def test_a_body_that_is_not_an_object_is_refused(data, api_as, raw):
    response = api_as(data.w.alice).post("/match", raw)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_the_number_of_queries_does_not_grow_with_the_limit(
    data, cat, api_as, django_assert_num_queries
):
    for i in range(30):
        f.InstrumentFactory(region=data.w.region, name=f"Exportregeling {i}", phases=["export"])
    client = api_as(data.w.alice)
    body = {"phases": ["export"], "question": "buitenland", "municipality_id": data.w.assen.pk}
    client.post("/match", body)  # builds the index
    # token, scope, region, municipality, revision check, the instruments shown.
    with django_assert_num_queries(6):
        assert len(names(client.post("/match", {**body, "limit": 1}))) == 1
    with django_assert_num_queries(6):
        assert (
            len(names(client.post("/match", {**body, "limit": 50, "include_excluded": True}))) == 33
        )
