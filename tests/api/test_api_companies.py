"""The API for companies, persons and consent: same services, scoping and audit as pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from loket.accounts.models import ApiToken, Organisation
from loket.companies.models import Company, Consent, Person
from loket.core.models import AuditEvent
from tests import factories as f


def ids(response):
    return [row["id"] for row in response.json()["items"]]


# --- authentication ------------------------------------------------------------------


def test_it_requires_a_token_or_session(data, api_as):
    response = api_as(None).get("/companies")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "API-sleutel" in response.json()["detail"]


def test_it_refuses_revoked_expired_and_malformed_tokens(data):
    token, raw = ApiToken.issue(data.w.alice, "oud")
    token.revoked_at = timezone.now()
    token.save()
    _, expired = ApiToken.issue(
        data.w.alice, "verlopen", expires_at=timezone.now() - dt.timedelta(days=1)
    )
    for header in (
        f"Bearer {raw}",
        f"Bearer {expired}",
        "Bearer lkt_doesnotexist",
        "Bearer " + "x" * 5000,
        "Basic YWxpY2U6cGFzcw==",
        "Bearer",
    ):
        response = Client(headers={"Authorization": header}).get("/api/companies")
        assert response.status_code == 401, header


def test_it_records_token_use_at_most_once_a_minute(data):
    token, raw = ApiToken.issue(data.w.alice, "script")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/me").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=2)


def test_it_accepts_the_session_with_csrf_for_changes(data, login):
    client = login(data.w.alice)
    assert client.get("/api/companies").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(data.w.alice)
    body = {"name": "Sessie B.V."}
    refused = strict.post("/api/companies", body, content_type="application/json")
    assert refused.status_code == 403
    strict.get("/api/docs")  # sets the CSRF cookie, as the docs page does
    token = strict.cookies["csrftoken"].value
    accepted = strict.post(
        "/api/companies", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201


def test_it_refuses_a_session_that_still_needs_two_factor(data):
    client = Client()
    client.force_login(data.w.pam)  # a programme manager without TOTP or MFA flag
    assert client.get("/api/companies").status_code == 401


def test_it_serves_the_docs_and_schema(data, login):
    client = login(data.w.alice)
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Loket API"
    tags = {tag for op in schema["paths"].values() for o in op.values() for tag in o["tags"]}
    assert {"bedrijven", "contactpersonen", "contactmomenten", "hulpvragen"} <= tags
    assert "verwijzingen" in tags


def test_unknown_api_paths_answer_404_in_json(data, api_as):
    for path in ("/companies/abc", "/companies/", "/no-such-thing", "/companies/1/x"):
        response = api_as(data.w.alice).get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"] == "Niet gevonden."
    assert api_as(None).post("/bestaat/niet").status_code == 404
    # a real path with another method is still "method not allowed"
    assert api_as(data.w.alice).get("/companies/search").status_code == 405


def test_it_tells_me_who_i_am(data, api_as):
    body = api_as(data.w.bob).get("/me").json()
    assert body["roles"] == ["partner"]
    assert [m["organisation"] for m in body["memberships"]] == ["Gemeente Assen"]
    assert [r["slug"] for r in body["regions"]] == ["drenthe"]


# --- lists ---------------------------------------------------------------------------


def test_it_lists_the_companies_each_user_may_see(data, api_as):
    w = data.w
    assert sorted(ids(api_as(w.alice).get("/companies"))) == sorted(
        [data.assen_co.pk, data.emmen_co.pk, data.quiet_co.pk]
    )
    assert ids(api_as(w.bob).get("/companies")) == [data.assen_co.pk]
    assert ids(api_as(w.charlie).get("/companies")) == [data.emmen_co.pk]
    assert ids(api_as(w.olga).get("/companies")) == [data.twente_co.pk]


def test_it_pages_with_limit_and_offset(data, api_as):
    client = api_as(data.w.alice)
    first = client.get("/companies", {"limit": 2}).json()
    assert len(first["items"]) == 2
    assert first["next_offset"] == 2
    second = client.get("/companies", {"limit": 2, "offset": 2}).json()
    assert len(second["items"]) == 1
    assert second["next_offset"] is None
    assert client.get("/companies", {"limit": 101}).status_code == 422


def test_companies_filter_and_sort_like_the_list_page(data, api_as):
    client = api_as(data.w.alice)
    data.emmen_co.employees = 120
    data.emmen_co.save()
    assert ids(client.get("/companies", {"municipality": data.w.emmen.pk})) == [data.emmen_co.pk]
    assert ids(client.get("/companies", {"size_class": "medium"})) == [data.emmen_co.pk]
    with_open_case = ids(client.get("/companies", {"open_case": "true"}))
    assert sorted(with_open_case) == sorted([data.assen_co.pk, data.quiet_co.pk])
    assert ids(client.get("/companies", {"sort": "employees"}))[0] == data.emmen_co.pk
    assert ids(client.get("/companies", {"sort": "-name"}))[0] == data.quiet_co.pk
    unknown = client.get("/companies", {"municipality": data.w.twente_bureau.pk + 1000})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "municipality"]
    # The filter never widens what the user sees.
    bob = api_as(data.w.bob)
    assert ids(bob.get("/companies", {"municipality": data.w.emmen.pk})) == []


@pytest.mark.parametrize("size", [5, 40])
def test_company_list_runs_a_constant_number_of_queries(
    data, api_as, django_assert_num_queries, size
):
    theme = f.OrganisationFactory(
        region=data.w.region, name="OV Assen", kind=Organisation.Kind.BUSINESS_ASSOCIATION
    )
    for company in f.CompanyFactory.create_batch(
        40, region=data.w.region, municipality=data.w.assen
    ):
        company.business_associations.add(theme)
    client = api_as(data.w.alice)
    client.get("/me")  # the token's first use is recorded; later requests do not write
    # token, scope, page, sbi codes, themes, business associations
    with django_assert_num_queries(6):
        response = client.get("/companies", {"limit": size})
    assert len(response.json()["items"]) == size


# --- create, change, delete ------------------------------------------------------------


def test_it_creates_a_company_with_references(data, api_as):
    response = api_as(data.w.alice).post(
        "/companies",
        {
            "name": "  Kaasmakerij Drenthe ",
            "kvk_number": "1234.5678",
            "postcode": "9401ab",
            "house_number": 12,
            "municipality": data.w.assen.pk,
            "sbi_codes": ["10", "A"],
            "themes": ["innovation"],
            "legal_form": "bv",
            "employees": 12,
            "trade_names": ["De Kaas", ""],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Kaasmakerij Drenthe"
    assert body["kvk_number"] == "12345678"
    assert body["postcode"] == "9401 AB"
    assert body["municipality"] == {"id": data.w.assen.pk, "name": "Assen"}
    assert sorted(body["sbi_codes"]) == ["10", "A"]
    assert body["themes"] == ["innovation"]
    assert body["size_class"] == "small"
    assert body["trade_names"] == ["De Kaas"]
    assert AuditEvent.objects.filter(
        action="create", object_type="companies.company", object_id=body["id"]
    ).exists()


def test_it_warns_about_a_probable_duplicate_until_confirmed(data, api_as):
    client = api_as(data.w.alice)
    payload = {
        "name": "Bakkerij de Brink",
        "postcode": data.assen_co.postcode,
        "house_number": data.assen_co.house_number,
    }
    warned = client.post("/companies", payload)
    assert warned.status_code == 409
    assert [c["id"] for c in warned.json()["candidates"]] == [data.assen_co.pk]
    confirmed = client.post("/companies", {**payload, "confirm_duplicate": True})
    assert confirmed.status_code == 201


def test_a_duplicate_warning_names_only_companies_i_may_see(data, api_as):
    payload = {
        "name": data.quiet_co.name,
        "postcode": data.quiet_co.postcode,
        "house_number": data.quiet_co.house_number,
    }
    warned = api_as(data.w.bob).post("/companies", payload)
    assert warned.status_code == 409
    assert warned.json()["candidates"] == []


def test_the_same_kvk_number_is_refused_on_its_field(data, api_as):
    response = api_as(data.w.alice).post(
        "/companies", {"name": "Ander bedrijf", "kvk_number": data.assen_co.kvk_number}
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "kvk_number"]
    assert "KvK-nummer" in error["msg"]


def test_related_rows_must_be_in_my_region(data, api_as):
    twente_assoc = f.OrganisationFactory(
        region=data.w.other_region, name="OV Enschede", kind=Organisation.Kind.BUSINESS_ASSOCIATION
    )
    other_muni = f.MunicipalityFactory(region=data.w.other_region, name="Enschede")
    response = api_as(data.w.alice).post(
        "/companies",
        {
            "name": "Grensgeval",
            "municipality": other_muni.pk,
            "business_associations": [twente_assoc.pk],
            "account_manager": data.w.olga.pk,
            "themes": ["no-such-theme"],
            "sbi_codes": ["ZZ"],
        },
    )
    assert response.status_code == 422
    # the first unknown reference is reported on its field
    assert response.json()["detail"][0]["loc"][:2] == ["body", "payload"]
    for field, value in (
        ("municipality", other_muni.pk),
        ("business_associations", [twente_assoc.pk]),
        ("account_manager", data.w.olga.pk),
        ("themes", ["no-such-theme"]),
        ("sbi_codes", ["ZZ"]),
    ):
        response = api_as(data.w.alice).post("/companies", {"name": "Grensgeval", field: value})
        assert response.status_code == 422, field
        assert response.json()["detail"][0]["loc"] == ["body", "payload", field]


def test_it_asks_which_region_when_i_work_in_two(data, api_as):
    f.MembershipFactory(user=data.w.alice, organisation=data.w.twente_bureau, role="advisor")
    client = api_as(data.w.alice)
    response = client.post("/companies", {"name": "Twee regio's"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "region"]
    created = client.post("/companies", {"name": "Twee regio's", "region": "twente"})
    assert created.status_code == 201
    assert created.json()["region"] == "twente"


def test_it_changes_only_the_fields_sent(data, api_as):
    response = api_as(data.w.alice).patch(
        f"/companies/{data.assen_co.pk}", {"employees": 300, "themes": ["finance"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["employees"] == 300
    assert body["size_class"] == "large"
    assert body["themes"] == ["finance"]
    assert body["name"] == data.assen_co.name
    event = AuditEvent.objects.get(action="change", object_id=data.assen_co.pk)
    assert set(event.changes) == {"employees", "themes"}


def test_a_partner_may_not_set_the_account_manager(data, api_as):
    response = api_as(data.w.bob).patch(
        f"/companies/{data.assen_co.pk}", {"account_manager": data.w.alice.pk}
    )
    assert response.status_code == 403
    assert response.json()["detail"]


def test_only_managers_delete_a_company(data, api_as):
    assert api_as(data.w.alice).delete(f"/companies/{data.quiet_co.pk}").status_code == 403
    adam = api_as(data.w.adam)
    assert adam.delete(f"/companies/{data.quiet_co.pk}").status_code == 204
    assert not Company.objects.filter(pk=data.quiet_co.pk).exists()
    assert adam.get(f"/companies/{data.quiet_co.pk}").status_code == 404


def test_it_merges_a_duplicate(data, api_as):
    dup = f.CompanyFactory(region=data.w.region, name="Bakkerij Brink", kvk_number="")
    f.PersonFactory(company=dup, name="Piet Brink")
    response = api_as(data.w.alice).post(
        f"/companies/{data.assen_co.pk}/merge", {"duplicate": dup.pk}
    )
    assert response.status_code == 200
    assert "Bakkerij Brink" in response.json()["trade_names"]
    assert not Company.objects.filter(pk=dup.pk).exists()
    assert Person.objects.filter(company=data.assen_co, name="Piet Brink").exists()


def test_merging_with_itself_or_an_invisible_company_is_refused(data, api_as):
    client = api_as(data.w.alice)
    same = client.post(f"/companies/{data.assen_co.pk}/merge", {"duplicate": data.assen_co.pk})
    assert same.status_code == 422
    other = client.post(f"/companies/{data.assen_co.pk}/merge", {"duplicate": data.twente_co.pk})
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["body", "payload", "duplicate"]


# --- search and timeline ---------------------------------------------------------------


def test_search_is_a_post_and_scoped(data, api_as):
    from loket.companies.search import reindex_companies

    # The services reindex after the commit; the fixture's companies were made directly.
    reindex_companies([data.assen_co.pk, data.emmen_co.pk, data.quiet_co.pk])
    hits = api_as(data.w.alice).post("/companies/search", {"q": "bakkerij brnk"}).json()
    assert hits[0]["company"]["id"] == data.assen_co.pk
    assert api_as(data.w.charlie).post("/companies/search", {"q": "bakkerij"}).json() == []
    invalid = api_as(data.w.alice).post("/companies/search", {"q": "  "})
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "payload", "q"]


def test_the_timeline_hides_what_a_partner_may_not_see(data, api_as):
    path = f"/companies/{data.assen_co.pk}/timeline"
    mine = api_as(data.w.alice).get(path).json()
    theirs = api_as(data.w.bob).get(path).json()
    contact_ids = lambda body: {  # noqa: E731
        e["contact_moment"]["id"] for e in body["entries"] if e["kind"] == "contact"
    }
    assert data.moment_secret.pk in contact_ids(mine)
    assert data.moment_secret.pk not in contact_ids(theirs)
    assert api_as(data.w.charlie).get(path).status_code == 404


# --- persons and consent ---------------------------------------------------------------


def test_it_adds_a_person_with_consent(data, api_as):
    response = api_as(data.w.alice).post(
        f"/companies/{data.assen_co.pk}/persons",
        {
            "name": "Jan Jansen",
            "role": "eigenaar",
            "email": "jan@bakkerij.example",
            "consent": {"purpose": "delen met partners", "method": "verbal"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["consents"][0]["purpose"] == "delen met partners"
    assert body["consents"][0]["recorded_by"]["id"] == data.w.alice.pk


def test_reading_a_person_is_audited(data, api_as):
    response = api_as(data.w.bob).get(f"/persons/{data.person.pk}")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="view", object_type="companies.person", object_id=data.person.pk, actor=data.w.bob
    ).exists()


def test_it_changes_and_deletes_a_person(data, api_as):
    client = api_as(data.w.alice)
    changed = client.patch(f"/persons/{data.person.pk}", {"phone": "0592-123456"})
    assert changed.status_code == 200
    assert changed.json()["phone"] == "0592-123456"
    assert changed.json()["name"] == data.person.name
    assert AuditEvent.objects.filter(action="view", object_id=data.person.pk).count() == 1
    invalid = client.patch(f"/persons/{data.person.pk}", {"email": "geen-adres"})
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "payload", "email"]
    assert client.delete(f"/persons/{data.person.pk}").status_code == 204
    assert client.get(f"/persons/{data.person.pk}").status_code == 404


def test_it_records_and_withdraws_consent(data, api_as):
    client = api_as(data.w.alice)
    given = client.post(
        f"/persons/{data.person.pk}/consents",
        {"purpose": "nieuwsbrief", "method": "email", "given_on": "2026-01-15"},
    )
    assert given.status_code == 201
    consent_id = given.json()["id"]
    withdrawn = client.post(f"/persons/{data.person.pk}/consents/{consent_id}/withdraw", {})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_on"] == timezone.localdate().isoformat()
    again = client.post(f"/persons/{data.person.pk}/consents/{consent_id}/withdraw", {})
    assert again.status_code == 422
    assert Consent.objects.get(pk=consent_id).withdrawn_on is not None


@pytest.mark.parametrize("size", [3, 30])
def test_person_list_runs_a_constant_number_of_queries(
    data, api_as, django_assert_num_queries, size
):
    for person in f.PersonFactory.create_batch(30, company=data.assen_co):
        Consent.objects.create(
            person=person, purpose="delen", method="verbal", recorded_by=data.w.bob
        )
    client = api_as(data.w.alice)
    client.get("/me")
    # token, scope, company, page
    with django_assert_num_queries(4):
        response = client.get(f"/companies/{data.assen_co.pk}/persons", {"limit": size})
    assert len(response.json()["items"]) == size


def test_a_person_list_shows_no_contact_details_and_is_not_a_view(data, api_as):
    response = api_as(data.w.bob).get(f"/companies/{data.assen_co.pk}/persons")
    [row] = response.json()["items"]
    assert row == {
        "id": data.person.pk,
        "company_id": data.assen_co.pk,
        "name": data.person.name,
        "role": data.person.role,
    }
    assert not AuditEvent.objects.filter(action="view").exists()


# --- language ------------------------------------------------------------------------


def test_messages_follow_accept_language(data, api_as):
    dutch = api_as(data.w.alice).post("/companies", {"name": ""})
    english = api_as(data.w.alice, language="en").post("/companies", {"name": ""})
    assert dutch["Content-Language"] == "nl"
    assert dutch.json()["detail"][0]["msg"] == "Dit veld mag niet leeg zijn."
    assert english["Content-Language"] == "en"
    with translation.override("en"):
        assert english.json()["detail"][0]["msg"] == gettext("Dit veld mag niet leeg zijn.")
