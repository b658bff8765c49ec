"""Schemathesis against /api/openapi.json, in process (WSGI), as part of pytest.

Every operation gets a bounded number of generated requests (valid and invalid ones), sent
with the API token of an advisor who sees a small record. Checks: no 5xx, and every
response matches the schema the operation documents (status code and body).

Generated ids are mostly ids that do not exist (404 in the path, 422 in a body); every
even one is replaced by the id of a real object the advisor may see, so creations,
changes, transitions, merges and deletions run too.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from loket.accounts.models import ApiToken
from loket.wsgi import application

# Path parameter -> the object (of the ``objects`` fixture) to aim at.
REAL_IDS = {
    "company_id": "assen_co",
    "person_id": "person",
    "consent_id": "consent",
    "moment_id": "moment_alice",
    "case_id": "case",
    "referral_id": "referral",
    "instrument_id": "instrument",
}


# Body field -> the object to aim at (for ids the generator would almost never hit).
REAL_BODY_IDS = {
    "company": "assen_co",
    "case": "case",
    "to_organisation": "gem_emmen",
    "duplicate": "assen_dup",
    "person": "person",
}


def _even(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0


@pytest.fixture
def in_test_transaction():
    """Keep the requests inside the test's transaction, as Django's test client does: the
    WSGI handler would otherwise close the connection (and with it the test transaction)
    at the start and end of every request, which PostgreSQL notices."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def advisor_token(objects, data):
    _, raw = ApiToken.issue(data.w.alice, "schemathesis")
    return raw


# Loaded once at collection: the schema view reads no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
def test_api_conforms_to_its_schema(case, objects, data, advisor_token, in_test_transaction):
    for name, value in list((case.path_parameters or {}).items()):
        if name in REAL_IDS and _even(value):
            case.path_parameters[name] = objects.pk[REAL_IDS[name]]
    if isinstance(case.body, dict):
        real = {
            **{key: objects.pk[name] for key, name in REAL_BODY_IDS.items()},
            "owner": data.w.alice.pk,
            "account_manager": data.w.alice.pk,
            "municipality": data.w.assen.pk,
        }
        for key, value in list(case.body.items()):
            if key in real and _even(value):
                case.body[key] = real[key]
            elif key == "persons" and isinstance(value, list) and value and _even(value[0]):
                case.body[key] = [objects.pk["person"]]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {advisor_token}"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )
