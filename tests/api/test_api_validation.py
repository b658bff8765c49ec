"""Garbage for every endpoint: always 422 with the field in error, never a 500.

The garbage is derived from the OpenAPI schema itself: for every field of every request
body, values of the wrong type, too long, too big, with a NUL byte or a lone surrogate,
out of range dates, null where a value is required; for every path id a number too big
for the database; for every query parameter a wrong value. Everything else in the body
is valid (the bodies of the permission walk), so the error must name that field.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction

from loket.api import api
from tests.api.conftest import resolve_body
from tests.api.test_api_permissions import ENDPOINTS

SCHEMA = api.get_openapi_schema(path_prefix="/api/")
HUGE = 10**30


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _variants(node: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """The non-null alternatives of a property's schema, and whether null is allowed."""
    node = _resolve(node)
    options = node.get("anyOf", [node])
    nullable = any(_resolve(o).get("type") == "null" for o in options)
    return [_resolve(o) for o in options if _resolve(o).get("type") != "null"], nullable


def garbage_for(prop: dict[str, Any]) -> list[Any]:
    variants, nullable = _variants(prop)
    kind = variants[0].get("type") if variants else None
    values: list[Any] = [{"nested": "object"}]
    if kind == "string":
        values += ["a\x00b", "\ud800", 12.5]
        if "maxLength" in variants[0]:
            values.append("x" * (variants[0]["maxLength"] + 1))
        if "enum" in variants[0]:
            values.append("geen-keuze")
        fmt = variants[0].get("format")
        if fmt == "date":
            values += ["2026-02-30", "0001-01-01", "9999-12-31", "gisteren"]
        if fmt == "date-time":
            values += ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "straks"]
    elif kind == "integer":
        values += [HUGE, -HUGE, "twaalf", 1.5, "true"]
    elif kind == "boolean":
        values += ["misschien", 42]
    elif kind == "array":
        item = variants[0].get("items", {})
        values += [["x" * 300] if _resolve(item).get("type") == "string" else [HUGE]]
        values.append([0] * 1000)
    if not nullable:
        values.append(None)
    return values


def body_schema(method: str, path: str) -> dict[str, Any] | None:
    operation = SCHEMA["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return _resolve(content["schema"]) if content else None


WITH_BODY = [e for e in ENDPOINTS if body_schema(e[0], e[1]) is not None and e[3] is not None]


def _send(client: Any, method: str, url: str, payload: Any, **extra: Any) -> Any:
    with transaction.atomic():
        response = client.generic(method, url, payload, content_type="application/json", **extra)
        transaction.set_rollback(True)
    return response


def _url(path: str, params: dict[str, str], objects: Any) -> str:
    return path.format(**{name: objects.pk[fixture] for name, fixture in params.items()})


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "expected"),
    WITH_BODY,
    ids=[f"{m} {p}" for m, p, *_ in WITH_BODY],
)
def test_every_field_refuses_garbage(objects, method, path, params, body, expected):
    client = objects.clients["alice"]
    url = _url(path, params, objects)
    schema = body_schema(method, path)
    assert schema is not None
    valid = resolve_body(body, objects.pk)
    required = set(schema.get("required", []))
    checked = 0
    for field, prop in schema["properties"].items():
        for value in garbage_for(prop):
            payload = json.dumps({**valid, field: value})
            response = _send(client, method, url, payload)
            assert response.status_code == 422, (field, value, response.content[:300])
            locs = [error["loc"] for error in response.json()["detail"]]
            assert any(loc[:3] == ["body", "payload", field] for loc in locs), (field, value, locs)
            assert all(error["msg"] for error in response.json()["detail"])
            checked += 1
    for field in required:
        payload = json.dumps({k: v for k, v in valid.items() if k != field})
        response = _send(client, method, url, payload)
        assert response.status_code == 422, field
        assert response.json()["detail"][0]["loc"] == ["body", "payload", field]
    for raw in ("{not json", "[]", '"tekst"', "null", "1e999999"):
        response = _send(client, method, url, raw)
        assert response.status_code == 422, raw
        assert response.json()["detail"][0]["loc"][0] == "body"
    unknown = _send(client, method, url, json.dumps({**valid, "onbekend": 1}))
    assert unknown.status_code == 422
    assert ["body", "payload", "onbekend"] in [e["loc"] for e in unknown.json()["detail"]]
    assert checked


PATH_ENDPOINTS = [e for e in ENDPOINTS if e[2]]


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "expected"),
    PATH_ENDPOINTS,
    ids=[f"{m} {p}" for m, p, *_ in PATH_ENDPOINTS],
)
def test_path_ids_too_big_for_the_database(objects, method, path, params, body, expected):
    client = objects.clients["alice"]
    payload = json.dumps(resolve_body(body, objects.pk)) if body is not None else ""
    for name in params:
        ids = {n: objects.pk[fixture] for n, fixture in params.items()}
        ids[name] = HUGE
        response = _send(client, method, path.format(**ids), payload)
        assert response.status_code == 422, (name, response.content[:200])
        assert response.json()["detail"][0]["loc"] == ["path", name]
        ids[name] = 2**63 - 1  # as big as an id can be: simply not there
        response = _send(client, method, path.format(**ids), payload)
        assert response.status_code == 404


LIST_GARBAGE = {
    "/api/companies": {
        "municipality": str(HUGE),
        "size_class": "reus",
        "sbi_section": "x" * 60,
        "theme": "\x00",
        "account_manager": "-1",
        "starter": "ja",
        "open_case": "1",
        "sort": "shoe_size",
    },
    "/api/organisations": {},
    "/api/contact-moments": {
        "kind": "fax",
        "organisation": str(HUGE),
        "theme": "x",
        "need": "-1",
        "occurred_from": "0001-01-01",
        "occurred_to": "31-02-2026",
        "follow_up": "misschien",
        "company": "\x00",
        "sort": "random",
    },
    "/api/cases": {
        "status": "lost",
        "open": "ja",
        "channel": "duif",
        "owner": str(HUGE),
        "theme": "0",
        "overdue": "1\x00",
        "opened_from": "9999-99-99",
        "opened_to": "0001-01-01",
        "company": "abc",
        "sort": "--opened",
    },
    "/api/referrals": {
        "status": "lost",
        "to_organisation": "-5",
        "from_organisation": str(HUGE),
        "created_from": "morgen",
        "created_to": "0001-01-01",
        "company": str(HUGE),
        "sort": "",
    },
}


@pytest.mark.parametrize("path", sorted(LIST_GARBAGE))
def test_list_parameters_refuse_garbage(objects, path):
    client = objects.clients["alice"]
    documented = {p["name"] for p in SCHEMA["paths"][path]["get"]["parameters"]}
    assert documented - {"limit", "offset"} == set(LIST_GARBAGE[path])
    for name, value in {
        "limit": "0",
        "offset": "-1",
        **LIST_GARBAGE[path],
    }.items():
        response = client.get(path, {name: value})
        assert response.status_code == 422, (name, value, response.content[:200])
        assert ["query", name] in [error["loc"][:2] for error in response.json()["detail"]]
    for name, value in (("limit", "101"), ("limit", "abc"), ("offset", str(HUGE))):
        response = client.get(path, {name: value})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", name]


def test_a_valid_filter_with_a_stray_nul_in_another_parameter_is_refused(objects):
    response = objects.clients["alice"].get("/api/cases", {"zoek": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "zoek"]


def test_timeline_paging_refuses_garbage(objects):
    client = objects.clients["alice"]
    path = f"/api/companies/{objects.pk['assen_co']}/timeline"
    for name, value in (("page", "0"), ("page", str(HUGE)), ("size", "1000"), ("size", "x")):
        response = client.get(path, {name: value})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", name]
