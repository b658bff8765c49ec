"""The API of programmes and their plan: list, detail, the plan as JSON, and replacing
it with PUT (422 with every problem at its place, never a 500, nothing half-saved)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.programmes.models import HourlyRate, PlanLine
from loket.programmes.services import plan_io
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.programmes.plan_io_fixtures import build_plan, minimal_document


@pytest.fixture
def plan(world):
    return build_plan(world)


@pytest.fixture
def api_as(db):
    return ApiClient


def _put(client, programme, body, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.client.put(
        f"/api/programmes/{programme.pk}/plan{'?' + query if query else ''}",
        payload,
        content_type="application/json",
    )


def test_the_list_shows_the_programmes_one_sees(world, plan, api_as):
    f.ProgrammeFactory(region=world.other_region, name="Twente Groeit")
    response = api_as(world.pam).get("/programmes")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["name"] == "IBDO 2025-2028"
    assert item["years"] == [2025, 2026, 2027, 2028]
    assert [o["name"] for o in item["organisations"]] == ["Gemeente Assen", "Programmabureau IBDO"]
    assert item["can_edit_plan"] is True
    assert api_as(world.bob).get("/programmes").json()["items"][0]["can_edit_plan"] is False
    assert api_as(world.charlie).get("/programmes").json()["items"] == []
    assert [p["name"] for p in api_as(world.olga).get("/programmes").json()["items"]] == [
        "Twente Groeit"
    ]


def test_the_list_runs_a_constant_number_of_queries(
    world, plan, api_as, django_assert_max_num_queries
):
    client = api_as(world.pam)
    client.get("/programmes")
    with django_assert_max_num_queries(8) as few:
        client.get("/programmes")
    for n in range(12):
        f.ProgrammeFactory(
            region=world.region,
            name=f"Programma {n}",
            organisations=[world.bureau, world.gem_emmen],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/programmes").json()["items"]) == 13


def test_the_plan_as_json_is_the_documents_structure(world, plan, api_as):
    response = api_as(world.bob).get(f"/programmes/{plan.programme.pk}/plan")
    assert response.status_code == 200
    body = response.json()
    assert body["programme"] == {
        "name": "IBDO 2025-2028",
        "starts_on": "2025-01-01",
        "ends_on": "2028-12-31",
    }
    assert body["funders"][0] == {"name": "Provincie Drenthe", "kind": "province", "position": 1}
    assert body["rates"][0] == {"organisation": "Gemeente Assen", "year": 2025, "rate": "80.00"}
    assert body["plan_lines"][0] == {
        "year": 2025,
        "activity_type": "gesprekken",
        "organisation": "Programmabureau IBDO",
        "description": "Intakes bij ondernemers",
        "count": 150,
        "hours_per_unit": "2.00",
        "fixed_hours": None,
        "scheme": None,
        "funders": [
            {"funder": "Provincie Drenthe", "share": "50.00", "out_of_pocket_incl_vat": "1210.00"},
            {"funder": "KvK", "share": "50.00", "out_of_pocket_incl_vat": "0.00"},
        ],
    }


def test_putting_back_what_one_got_changes_nothing(world, plan, api_as):
    client = api_as(world.pam)
    got = client.get(f"/programmes/{plan.programme.pk}/plan").json()
    response = _put(client, plan.programme, got)
    assert response.status_code == 200
    body = response.json()
    assert body["written"] is True
    assert body["plan_lines"] == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 4}
    assert client.get(f"/programmes/{plan.programme.pk}/plan").json() == got


def test_a_put_replaces_the_plan_and_a_dry_run_only_checks(world, plan, api_as):
    client = api_as(world.adam)
    document = minimal_document()
    document["plan_lines"][0]["hours_per_unit"] = 2.5  # a JSON number: read exactly
    response = _put(client, plan.programme, document, dry_run="true")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["written"] is False
    assert PlanLine.objects.filter(programme=plan.programme).count() == 4
    response = _put(client, plan.programme, document)
    assert response.status_code == 200
    line = PlanLine.objects.get(programme=plan.programme)
    assert (line.count, line.hours_per_unit) == (100, Decimal("2.50"))
    assert HourlyRate.objects.filter(programme=plan.programme).count() == 1


def test_every_problem_is_a_422_at_its_place_and_nothing_is_written(world, plan, api_as):
    before = plan_io.to_document(plan.programme)
    document = minimal_document()
    document["plan_lines"][0]["year"] = 2040
    document["plan_lines"][0]["funders"] = [{"funder": "Onbekend", "share": "100"}]
    document["rates"][0]["organisation"] = "Gemeente Emmen"
    response = _put(api_as(world.pam), plan.programme, document)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "rates", 0, "organisation"],
            "msg": "„Gemeente Emmen” voert dit programma niet uit. Voeg de organisatie eerst "
            "toe aan de uitvoerende organisaties van het programma.",
            "type": "unknown",
        },
        {
            "loc": ["body", "payload", "plan_lines", 0, "year"],
            "msg": "Het jaar valt buiten de looptijd van het programma.",
            "type": "invalid",
        },
        {
            "loc": ["body", "payload", "plan_lines", 0, "funders", 0, "funder"],
            "msg": "Financier „Onbekend” staat niet bij de financiers.",
            "type": "unknown",
        },
    ]
    assert plan_io.to_document(plan.programme) == before


def test_english_messages_on_request(world, plan, api_as):
    document = minimal_document()
    document["plan_lines"][0]["count"] = "veel"
    response = _put(api_as(world.pam, language="en"), plan.programme, document)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "plan_lines", 0, "count"]
    assert error["msg"]


GARBAGE = [
    ("{niet: json", ["body"]),
    ("", ["body"]),
    ("[]", ["body"]),
    ("null", ["body"]),
    ('"tekst"', ["body"]),
    ("1e999999", ["body"]),
    ('{"funders": NaN}', ["body"]),
    ("[" * 100_000 + "]" * 100_000, ["body"]),
    ({"funders": {}, "rates": [], "activity_types": [], "plan_lines": []}, ["funders"]),
    ({"funders": [1], "rates": [], "activity_types": [], "plan_lines": []}, ["funders", 0]),
    (
        minimal_document(rates=[{"organisation": None, "year": 2025, "rate": "1"}]),
        ["rates", 0, "organisation"],
    ),
    (
        minimal_document(rates=[{"organisation": "x" * 201, "year": 2025, "rate": "1"}]),
        ["rates", 0, "organisation"],
    ),
    (
        minimal_document(rates=[{"organisation": "a\x00b", "year": 2025, "rate": "1"}]),
        ["rates", 0, "organisation"],
    ),
    (
        minimal_document(rates=[{"organisation": "\ud800", "year": 2025, "rate": "1"}]),
        ["rates", 0, "organisation"],
    ),
    (
        minimal_document(
            rates=[{"organisation": "Programmabureau IBDO", "year": 10**30, "rate": "1"}]
        ),
        ["rates", 0, "year"],
    ),
    (
        minimal_document(rates=[{"organisation": "Programmabureau IBDO", "year": -1, "rate": "1"}]),
        ["rates", 0, "year"],
    ),
    (
        minimal_document(
            rates=[{"organisation": "Programmabureau IBDO", "year": 2025, "rate": "1e9999"}]
        ),
        ["rates", 0, "rate"],
    ),
    (
        minimal_document(
            rates=[{"organisation": "Programmabureau IBDO", "year": 2025, "rate": 10**30}]
        ),
        ["rates", 0, "rate"],
    ),
    (
        minimal_document(
            rates=[{"organisation": "Programmabureau IBDO", "year": 2025, "rate": [1]}]
        ),
        ["rates", 0, "rate"],
    ),
    (
        minimal_document(
            rates=[{"organisation": "Programmabureau IBDO", "year": 2025, "rate": True}]
        ),
        ["rates", 0, "rate"],
    ),
    (
        minimal_document(
            rates=[{"organisation": "Programmabureau IBDO", "year": 2025, "rate": "12.3456"}]
        ),
        ["rates", 0, "rate"],
    ),
    (minimal_document(funders=[{"name": "X", "kind": "bank"}]), ["funders", 0, "kind"]),
    (
        minimal_document(activity_types=[{"code": {"a": 1}, "name": "X"}]),
        ["activity_types", 0, "code"],
    ),
    (minimal_document(programme=[]), ["programme"]),
    (minimal_document(onbekend=1), ["onbekend"]),
    (minimal_document(version="2"), ["version"]),
    (minimal_document(plan_lines=[{}] * 5001), ["plan_lines"]),
]


@pytest.mark.parametrize(("body", "loc"), GARBAGE, ids=[str(i) for i in range(len(GARBAGE))])
def test_garbage_is_a_422_naming_the_place(world, plan, api_as, body, loc):
    before = plan_io.to_document(plan.programme)
    response = _put(api_as(world.pam), plan.programme, body)
    assert response.status_code == 422, response.content[:300]
    locs = [error["loc"] for error in response.json()["detail"]]
    expected = loc if loc == ["body"] else ["body", "payload", *loc]
    assert expected in locs, locs
    assert all(error["msg"] for error in response.json()["detail"])
    assert plan_io.to_document(plan.programme) == before


def test_a_body_over_the_limit_is_refused(world, plan, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _put(api_as(world.pam), plan.programme, {"funders": ["x" * 2000]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Het bestand is groter dan 2 MB."


def test_the_shape_is_checked_before_the_permission_and_scope_come_after(world, plan, api_as):
    alice = api_as(world.alice)
    assert _put(alice, plan.programme, {"funders": 1}).status_code == 422
    assert _put(alice, plan.programme, minimal_document()).status_code == 403
    other = f.ProgrammeFactory(region=world.other_region)
    assert _put(api_as(world.pam), other, minimal_document()).status_code == 404


# --- never a 500 -------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["2025", "12,5", "1.234,56", "100", "-1", "province", "gesprekken"]),
    st.sampled_from(["Programmabureau IBDO", "Gemeente Assen", "Provincie Drenthe", "KvK"]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = {
    "funders": ["name", "kind", "position"],
    "rates": ["organisation", "year", "rate"],
    "activity_types": ["code", "name", "default_hours_per_unit", "position"],
    "plan_lines": [
        "year",
        "activity_type",
        "organisation",
        "description",
        "count",
        "hours_per_unit",
        "fixed_hours",
        "scheme",
        "funders",
    ],
}
values = st.one_of(
    scalars,
    st.integers(min_value=2024, max_value=2029),
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "funder": st.sampled_from(["Provincie Drenthe", "KvK", "Onbekend"]),
                "share": st.one_of(st.integers(0, 100), st.sampled_from(["50", "33,33"])),
                "out_of_pocket_incl_vat": scalars,
            },
        ),
        max_size=3,
    ),
)
documents = st.fixed_dictionaries(
    {
        part: st.lists(
            st.dictionaries(st.sampled_from(fields), values, max_size=len(fields)), max_size=3
        )
        for part, fields in FIELDS.items()
    }
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(json_values, documents))
def test_no_body_is_a_server_error(world, plan, api_as, body):
    with transaction.atomic():
        before = plan_io.to_document(plan.programme)
        response = _put(api_as(world.pam), plan.programme, body, dry_run="false")
        assert response.status_code in (200, 422), response.content[:300]
        if response.status_code == 422:
            assert plan_io.to_document(plan.programme) == before
        transaction.set_rollback(True)


def test_the_openapi_schema_documents_the_document():
    from loket.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    components = schema["components"]["schemas"]
    assert set(components["PlanDocFunderOut"]["properties"]) == {"name", "kind", "position"}
    assert set(components["PlanDocumentOut"]["properties"]) == {
        "version",
        "programme",
        "funders",
        "rates",
        "activity_types",
        "plan_lines",
    }
    put = schema["paths"]["/api/programmes/{programme_id}/plan"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["funders", "rates", "activity_types", "plan_lines"]
    assert body["properties"]["plan_lines"]["maxItems"] == plan_io.MAX_ROWS
    assert "$ref" not in json.dumps(body)
