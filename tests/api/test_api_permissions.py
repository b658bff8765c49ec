"""Every API endpoint, for every standing role: the status each one gets.

- anonymous: 401 everywhere;
- an object outside the user's scope in the path: 404 (as on the pages);
- an object the user sees but may not act on: 403;
- an id in the body the user may not reference: 422 on that field.

A second test checks that the table covers every operation of the OpenAPI schema, so a
new endpoint cannot ship without its permission row.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction

from loket.api import api
from tests.api.conftest import ROLES, resolve_body


def expect(default: int, **per_role: int) -> dict[str, int]:
    table = {role: per_role.get(role, default) for role in ROLES}
    table["anonymous"] = 401
    return table


# Seen by the programme and bob (Gemeente Assen has contact with the company), not by
# charlie (Emmen) or olga (another region).
ASSEN = {"charlie": 404, "olga": 404}

# (method, OpenAPI path, path parameters -> fixture names, body, expected status per role)
ENDPOINTS: list[tuple[str, str, dict[str, str], Any, dict[str, int]]] = [
    ("GET", "/api/me", {}, None, expect(200)),
    ("GET", "/api/organisations", {}, None, expect(200)),
    ("GET", "/api/themes", {}, None, expect(200)),
    ("GET", "/api/needs", {}, None, expect(200)),
    ("GET", "/api/municipalities", {}, None, expect(200)),
    ("GET", "/api/sbi-codes", {}, None, expect(200)),
    # companies
    ("GET", "/api/companies", {}, None, expect(200)),
    ("POST", "/api/companies", {}, {"name": "Nieuw Bedrijf"}, expect(201)),
    ("POST", "/api/companies/search", {}, {"q": "bakkerij"}, expect(200)),
    ("GET", "/api/companies/{company_id}", {"company_id": "assen_co"}, None, expect(200, **ASSEN)),
    (
        "PATCH",
        "/api/companies/{company_id}",
        {"company_id": "assen_co"},
        {"employees": 7},
        expect(200, **ASSEN),
    ),
    (
        "DELETE",
        "/api/companies/{company_id}",
        {"company_id": "assen_co"},
        None,
        expect(204, alice=403, bob=403, **ASSEN),
    ),
    (
        "POST",
        "/api/companies/{company_id}/merge",
        {"company_id": "assen_co"},
        {"duplicate": "@assen_dup"},
        expect(200, bob=403, **ASSEN),
    ),
    (
        "GET",
        "/api/companies/{company_id}/timeline",
        {"company_id": "assen_co"},
        None,
        expect(200, **ASSEN),
    ),
    # persons
    (
        "GET",
        "/api/companies/{company_id}/persons",
        {"company_id": "assen_co"},
        None,
        expect(200, **ASSEN),
    ),
    (
        "POST",
        "/api/companies/{company_id}/persons",
        {"company_id": "assen_co"},
        {"name": "Nieuwe Persoon"},
        expect(201, **ASSEN),
    ),
    ("GET", "/api/persons/{person_id}", {"person_id": "person"}, None, expect(200, **ASSEN)),
    (
        "PATCH",
        "/api/persons/{person_id}",
        {"person_id": "person"},
        {"role": "directeur"},
        expect(200, **ASSEN),
    ),
    ("DELETE", "/api/persons/{person_id}", {"person_id": "person"}, None, expect(204, **ASSEN)),
    (
        "POST",
        "/api/persons/{person_id}/consents",
        {"person_id": "person"},
        {"purpose": "nieuwsbrief", "method": "verbal"},
        expect(201, **ASSEN),
    ),
    (
        "POST",
        "/api/persons/{person_id}/consents/{consent_id}/withdraw",
        {"person_id": "person", "consent_id": "consent"},
        {},
        expect(200, **ASSEN),
    ),
    # contact moments
    ("GET", "/api/contact-moments", {}, None, expect(200)),
    (
        "POST",
        "/api/contact-moments",
        {},
        {"company": "@assen_co", "kind": "phone", "summary": "Gebeld."},
        expect(201, charlie=422, olga=422),
    ),
    (
        "GET",
        "/api/contact-moments/{moment_id}",
        {"moment_id": "moment_alice"},
        None,
        expect(200, **ASSEN),
    ),
    (
        "PATCH",
        "/api/contact-moments/{moment_id}",
        {"moment_id": "moment_alice"},
        {"summary": "Aangevuld."},
        expect(200, bob=403, **ASSEN),
    ),
    (
        "DELETE",
        "/api/contact-moments/{moment_id}",
        {"moment_id": "moment_alice"},
        None,
        expect(204, bob=403, **ASSEN),
    ),
    # cases
    ("GET", "/api/cases", {}, None, expect(200)),
    (
        "POST",
        "/api/cases",
        {},
        {"company": "@assen_co", "channel": "phone", "question": "Hulp bij export?"},
        expect(201, charlie=422, olga=422),
    ),
    ("GET", "/api/cases/{case_id}", {"case_id": "case"}, None, expect(200, **ASSEN)),
    (
        "PATCH",
        "/api/cases/{case_id}",
        {"case_id": "case"},
        {"question": "Anders gesteld."},
        expect(200, adam=403, bob=403, **ASSEN),
    ),
    (
        "POST",
        "/api/cases/{case_id}/status",
        {"case_id": "case"},
        {"status": "in_progress"},
        expect(200, adam=403, bob=403, **ASSEN),
    ),
    # referrals
    ("GET", "/api/referrals", {}, None, expect(200)),
    (
        "POST",
        "/api/referrals",
        {},
        {"case": "@case", "to_organisation": "@gem_emmen", "message": "Graag contact."},
        expect(201, adam=403, bob=403, charlie=422, olga=422),
    ),
    (
        "GET",
        "/api/referrals/{referral_id}",
        {"referral_id": "referral"},
        None,
        expect(200, **ASSEN),
    ),
    (
        "POST",
        "/api/referrals/{referral_id}/send",
        {"referral_id": "proposed"},
        None,
        expect(200, adam=403, bob=403, **ASSEN),
    ),
    (
        "POST",
        "/api/referrals/{referral_id}/accept",
        {"referral_id": "referral"},
        None,
        expect(403, bob=200, **ASSEN),
    ),
    (
        "POST",
        "/api/referrals/{referral_id}/decline",
        {"referral_id": "referral"},
        {"decline_reason": "Past niet."},
        expect(403, bob=200, **ASSEN),
    ),
    (
        "POST",
        "/api/referrals/{referral_id}/complete",
        {"referral_id": "accepted"},
        {"feedback": "Geholpen."},
        expect(403, bob=200, **ASSEN),
    ),
    # matching
    (
        "POST",
        "/api/match",
        {},
        {"company_id": "@assen_co", "phases": ["export"], "question": "Hulp bij export?"},
        expect(200, **ASSEN),
    ),
    # the instrument catalogue: every user of the region reads it; the programme and the
    # providing organisation (bob, Gemeente Assen) change it
    ("GET", "/api/instruments", {}, None, expect(200)),
    (
        "POST",
        "/api/instruments",
        {},
        {
            "name": "Nieuwe voucher",
            "summary": "Een voucher.",
            "kind": "voucher",
            "provider_kind": "programme",
            "provider_organisation": "@bureau",
        },
        expect(201, bob=403, charlie=403, olga=422),
    ),
    # without ?format (and the file below) the request is incomplete: a 422 for whoever
    # may do it; tests/api/test_api_catalogue.py sends real files and formats
    ("GET", "/api/instruments/export", {}, None, expect(422)),
    ("POST", "/api/instruments/import", {}, None, expect(422, bob=403, charlie=403)),
    (
        "GET",
        "/api/instruments/{instrument_id}",
        {"instrument_id": "instrument"},
        None,
        expect(200, olga=404),
    ),
    (
        "PATCH",
        "/api/instruments/{instrument_id}",
        {"instrument_id": "instrument"},
        {"summary": "Anders gezegd."},
        expect(200, charlie=403, olga=404),
    ),
    (
        "POST",
        "/api/instruments/{instrument_id}/verify",
        {"instrument_id": "instrument"},
        None,
        expect(200, charlie=403, olga=404),
    ),
    (
        "DELETE",
        "/api/instruments/{instrument_id}",
        {"instrument_id": "instrument"},
        None,
        expect(204, charlie=403, olga=404),
    ),
    # programmes: plan
    ("GET", "/api/programmes", {}, None, expect(200)),
    (
        "GET",
        "/api/programmes/{programme_id}",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/programmes/{programme_id}/plan",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "PUT",
        "/api/programmes/{programme_id}/plan",
        {"programme_id": "programme"},
        {
            "funders": [{"name": "Provincie Drenthe", "kind": "province"}],
            "rates": [{"organisation": "Programmabureau IBDO", "year": 2025, "rate": "100.00"}],
            "activity_types": [{"code": "gesprek", "name": "Gesprekken"}],
            "plan_lines": [
                {
                    "year": 2025,
                    "activity_type": "gesprek",
                    "organisation": "Programmabureau IBDO",
                    "hours_per_unit": "10.00",
                    "funders": [{"funder": "Provincie Drenthe", "share": "100"}],
                }
            ],
        },
        expect(200, alice=403, bob=403, charlie=404, olga=404),
    ),
    # programmes: financing
    (
        "GET",
        "/api/programmes/{programme_id}/financing",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    # programmes: realisation
    (
        "GET",
        "/api/programmes/{programme_id}/realisation",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    # programmes: schemes and trajectories
    # bob's Gemeente Assen executes the programme: he sees it and its schemes, but not its
    # trajectories (only those his organisation supplies); charlie and olga see nothing.
    (
        "GET",
        "/api/programmes/{programme_id}/schemes",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/programmes/{programme_id}/schemes",
        {"programme_id": "programme"},
        {
            "name": "Exporttraject",
            "funder": "@funder",
            "value": "5000.00",
            "max_granted": "4000.00",
            "available": 5,
        },
        expect(201, alice=403, bob=403, charlie=404, olga=404),
    ),
    ("GET", "/api/schemes/{scheme_id}", {"scheme_id": "scheme"}, None, expect(200, **ASSEN)),
    (
        "PATCH",
        "/api/schemes/{scheme_id}",
        {"scheme_id": "scheme"},
        {"available": 12},
        expect(200, alice=403, bob=403, **ASSEN),
    ),
    (
        "GET",
        "/api/programmes/{programme_id}/trajectories",
        {"programme_id": "programme"},
        None,
        expect(200, **ASSEN),
    ),
    (
        "POST",
        "/api/programmes/{programme_id}/trajectories",
        {"programme_id": "programme"},
        {"scheme": "@scheme", "company": "@assen_co", "title": "Nieuw traject"},
        expect(201, adam=403, bob=403, **ASSEN),
    ),
    (
        "GET",
        "/api/trajectories/{trajectory_id}",
        {"trajectory_id": "trajectory"},
        None,
        expect(200, bob=404, **ASSEN),
    ),
    (
        "POST",
        "/api/trajectories/{trajectory_id}/approve",
        {"trajectory_id": "trajectory"},
        {},
        expect(403, pam=200, bob=404, **ASSEN),
    ),
    (
        "POST",
        "/api/trajectories/{trajectory_id}/withdraw",
        {"trajectory_id": "trajectory"},
        {"reason": "Het bedrijf ziet ervan af."},
        expect(200, adam=403, bob=404, **ASSEN),
    ),
    (
        "POST",
        "/api/trajectories/{trajectory_id}/transition",
        {"trajectory_id": "trajectory"},
        {"status": "withdrawn", "reason": "Dubbel ingevoerd."},
        expect(200, adam=403, bob=404, **ASSEN),
    ),
    # the trajectory is applied: no voucher yet, so who may register invoices gets 422
    (
        "POST",
        "/api/trajectories/{trajectory_id}/invoice",
        {"trajectory_id": "trajectory"},
        {"invoice_number": "F-1", "invoice_date": "2025-05-01", "invoice_amount": "100.00"},
        expect(422, alice=403, bob=404, **ASSEN),
    ),
    # programmes: hours
    # alice's entry on assen_co: hers; a programme manager sees it (403 on changing it);
    # bob and charlie (partners) and adam (administrator) see only their own hours
    ("GET", "/api/hours", {}, None, expect(200)),
    (
        "POST",
        "/api/programmes/{programme_id}/hours",
        {"programme_id": "programme"},
        {
            "date": "2025-03-04",
            "activity_type": "@activity_type",
            "hours": "2",
            "company": "@assen_co",
        },
        expect(201, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/hours/{entry_id}",
        {"entry_id": "hour_entry"},
        None,
        expect(404, alice=200, pam=200),
    ),
    (
        "PATCH",
        "/api/hours/{entry_id}",
        {"entry_id": "hour_entry"},
        {"hours": "3"},
        expect(404, alice=200, pam=403),
    ),
    (
        "DELETE",
        "/api/hours/{entry_id}",
        {"entry_id": "hour_entry"},
        None,
        expect(404, alice=204, pam=403),
    ),
    (
        "GET",
        "/api/programmes/{programme_id}/companies/{company_id}/hour-caps",
        {"programme_id": "programme", "company_id": "assen_co"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/programmes/{programme_id}/cap-overrides",
        {"programme_id": "programme"},
        {"company": "@assen_co", "scheme": "@scheme", "extra_hours": "4", "reason": "Meer nodig."},
        expect(403, pam=201, charlie=404, olga=404),
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "expected"),
    ENDPOINTS,
    ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS],
)
def test_every_role_gets_the_expected_status(objects, method, path, params, body, expected):
    url = path.format(**{name: objects.pk[fixture] for name, fixture in params.items()})
    payload = json.dumps(resolve_body(body, objects.pk)) if body is not None else ""
    got = {}
    for role in expected:
        # Each role acts on the same state: roll back whatever the previous one did.
        with transaction.atomic():
            response = objects.clients[role].generic(
                method, url, payload, content_type="application/json"
            )
            transaction.set_rollback(True)
        got[role] = response.status_code
        if response.status_code not in (204,):
            assert response["Content-Type"].startswith("application/json"), (role, url)
    assert got == expected


def test_the_walk_covers_every_operation():
    schema = api.get_openapi_schema(path_prefix="/api/")
    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    walked = {(method, path) for method, path, *_ in ENDPOINTS}
    assert operations == walked
