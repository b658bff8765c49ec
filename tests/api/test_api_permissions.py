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
    # >>> events-manage: events (list, create, read, change, publish, cancel)
    # The event is organised by the bureau with Gemeente Assen: bob co-organises (sees it,
    # may not change it), charlie and olga don't see it. (resolve_body does not resolve
    # "@name" inside a list, so a new event here has no partner: refused at the field by
    # every role; tests/events/test_manage_api.py creates them with partners, per role.)
    ("GET", "/api/events", {}, None, expect(200)),
    (
        "POST",
        "/api/events",
        {},
        {
            "programme": "@programme",
            "kind": "network",
            "title": "Ondernemerscafé",
            "starts_at": "2030-03-04T15:00",
            "ends_at": "2030-03-04T17:00",
            "address": "De Haar 1, Assen",
            "partners": ["@gem_emmen"],
        },
        expect(201, charlie=422, olga=422),
    ),
    ("GET", "/api/events/{event_id}", {"event_id": "event"}, None, expect(200, **ASSEN)),
    (
        "PATCH",
        "/api/events/{event_id}",
        {"event_id": "event"},
        {"title": "Ondernemerscafé Assen"},
        expect(200, bob=403, **ASSEN),
    ),
    # the event is published already: who may publish hears why not
    (
        "POST",
        "/api/events/{event_id}/publish",
        {"event_id": "event"},
        None,
        expect(422, bob=403, **ASSEN),
    ),
    (
        "POST",
        "/api/events/{event_id}/cancel",
        {"event_id": "event"},
        {"reason": "De spreker is ziek."},
        expect(200, bob=403, **ASSEN),
    ),
    # <<< events-manage
    # >>> events-portal: registrations by staff, cancel
    # the bureau organises, Gemeente Assen (bob) co-organises: bob sees, may not change
    (
        "GET",
        "/api/events/{event_id}/registrations",
        {"event_id": "event"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/events/{event_id}/registrations",
        {"event_id": "event"},
        {"name": "Nieuwe Deelnemer", "email": "nieuw@deelnemer.example"},
        expect(201, bob=403, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/registrations/{registration_id}",
        {"registration_id": "registration"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/registrations/{registration_id}/cancel",
        {"registration_id": "registration"},
        {},
        expect(200, bob=403, charlie=404, olga=404),
    ),
    # The registration is linked already (club_co): who may manage the event is told so
    # (422); the rules of choosing are tested in tests/events/test_registration_company.py.
    (
        "POST",
        "/api/registrations/{registration_id}/company",
        {"registration_id": "registration"},
        {"company": "@assen_co"},
        expect(422, bob=403, charlie=404, olga=404),
    ),
    # <<< events-portal
    # >>> events-day: check-in, walk-ins, attendance, follow-up, figures
    # The event (bureau with Gemeente Assen) is in two weeks: check-in and finalising are
    # refused with 422 to those who may do them (the rules of the day are tested in
    # tests/events/test_day_api.py); bob co-organises: he checks in, but does not
    # finalise or follow up.
    (
        "GET",
        "/api/events/{event_id}/attendance",
        {"event_id": "event"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/registrations/{registration_id}/check-in",
        {"registration_id": "registration"},
        {"present": True},
        expect(422, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/events/{event_id}/walk-ins",
        {"event_id": "event"},
        {"name": "Binnenloper"},
        expect(422, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/events/{event_id}/finalise",
        {"event_id": "event"},
        None,
        expect(422, bob=403, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/events/{event_id}/follow-up",
        {"event_id": "event"},
        {"registrations": [1], "note": "Bellen over export."},
        expect(422, bob=403, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/events/{event_id}/figures",
        {"event_id": "event"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    # <<< events-day
    # >>> events-webinar: webinar import and the programme's activity figures
    (
        "POST",
        "/api/events/{event_id}/webinar-import",
        {"event_id": "event"},
        {},
        expect(422, bob=403, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/programmes/{programme_id}/activity",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    # <<< events-webinar
    # >>> collectives-groups: collectives, members, formed
    # The cluster is the bureau's (programme staff manage it; partners and olga: 404). It
    # has one member (club_co), so marking it formed is refused with what is missing.
    ("GET", "/api/collectives", {}, None, expect(200)),
    (
        "POST",
        "/api/collectives",
        {},
        {
            "kind": "cooperation",
            "name": "Samen Assen",
            "programme": "@programme",
            "organisation": "@bureau",
        },
        expect(201, bob=422, charlie=422, olga=422),
    ),
    (
        "GET",
        "/api/collectives/{collective_id}",
        {"collective_id": "cluster"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/collectives/{collective_id}",
        {"collective_id": "cluster"},
        {"name": "Cluster Zorg en Welzijn", "opportunity": "Zorg dichter bij huis."},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/collectives/{collective_id}/phase",
        {"collective_id": "cluster"},
        {"phase": "develop"},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/collectives/{collective_id}/formed",
        {"collective_id": "cluster"},
        {},
        expect(422, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/collectives/{collective_id}/members",
        {"collective_id": "cluster"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/collectives/{collective_id}/members",
        {"collective_id": "cluster"},
        {"company": "@assen_co"},
        expect(201, bob=404, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/members/{member_id}",
        {"member_id": "member"},
        {"role": "lead"},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/members/{member_id}/leave",
        {"member_id": "member"},
        {},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    # <<< collectives-groups
    # >>> collectives-tables: sessions and cases brought in
    # The bureau's financing table: programme staff manage it; bob, charlie and olga
    # (no part in it) get 404. The session is next week: the case is planned, not heard.
    (
        "GET",
        "/api/collectives/{collective_id}/table-sessions",
        {"collective_id": "table"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/collectives/{collective_id}/table-sessions",
        {"collective_id": "table"},
        {"held_at": "2025-03-04T19:00:00", "location": "Assen", "experts": []},
        expect(201, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/table-sessions/{session_id}",
        {"session_id": "session"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/table-sessions/{session_id}",
        {"session_id": "session"},
        {"location": "Emmen"},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/collectives/{collective_id}/table-cases",
        {"collective_id": "table"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/collectives/{collective_id}/table-cases",
        {"collective_id": "table"},
        {"company": "@club_co", "question": "Hoe financieren we de uitbreiding?"},
        expect(201, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/table-cases/{table_case_id}",
        {"table_case_id": "table_case"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/table-cases/{table_case_id}/hearing",
        {"table_case_id": "table_case"},
        {"session": "@session"},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    # <<< collectives-tables
    # >>> collectives-carousels: rounds, teams, students, matches
    # The carousel is the bureau's: programme staff see and manage it (the round's
    # broker is nobody); bob, charlie (partners elsewhere) and olga (Twente) get 404.
    # The bureau is no school (422 on a new round); club_co is matched to the team but
    # no member of the carousel (422 on a new match).
    (
        "GET",
        "/api/collectives/{collective_id}/rounds",
        {"collective_id": "carousel"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/collectives/{collective_id}/rounds",
        {"collective_id": "carousel"},
        {"name": "Najaar", "school": "@bureau", "starts_on": "2026-09-01", "ends_on": "2026-12-31"},
        expect(422, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/rounds/{round_id}",
        {"round_id": "round"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/rounds/{round_id}",
        {"round_id": "round"},
        {"name": "Voorjaar"},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/rounds/{round_id}/students",
        {"round_id": "round"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/rounds/{round_id}/students",
        {"round_id": "round"},
        {"name": "Eva", "study_programme": "IB", "year_of_study": 3},
        expect(201, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/rounds/{round_id}/teams",
        {"round_id": "round"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/rounds/{round_id}/teams",
        {"round_id": "round"},
        {"name": "Team Nieuw", "themes": ["export"], "languages": "Duits"},
        expect(201, bob=404, charlie=404, olga=404),
    ),
    (
        "PUT",
        "/api/teams/{team_id}",
        {"team_id": "team"},
        {"name": "Team Anders", "countries": "Duitsland"},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/rounds/{round_id}/proposals",
        {"round_id": "round"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/rounds/{round_id}/matches",
        {"round_id": "round"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/rounds/{round_id}/matches",
        {"round_id": "round"},
        {"company": "@club_co", "team": "@team", "research_question": "Welke markt?"},
        expect(422, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/matches/{match_id}",
        {"match_id": "match"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/matches/{match_id}",
        {"match_id": "match"},
        {"rating": 8, "status": "completed"},
        expect(200, bob=404, charlie=404, olga=404),
    ),
    # <<< collectives-carousels
    # >>> monitoring-indicators
    # The programme's indicators: whoever sees the programme reads (bob: Gemeente Assen
    # executes it); programme managers and administrators change (alice, bob: 403);
    # charlie and olga do not see the programme (404).
    (
        "GET",
        "/api/programmes/{programme_id}/action-lines",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/programmes/{programme_id}/action-lines",
        {"programme_id": "programme"},
        {"name": "Innovatie"},
        expect(201, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/action-lines/{action_line_id}",
        {"action_line_id": "ind_line"},
        {"description": "Exporteurs verder helpen."},
        expect(200, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "DELETE",
        "/api/action-lines/{action_line_id}",
        {"action_line_id": "ind_empty_line"},
        None,
        expect(204, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/programmes/{programme_id}/indicators",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/programmes/{programme_id}/indicators",
        {"programme_id": "programme"},
        {
            "action_line": "@ind_line",
            "name": "Intakes op digitalisering",
            "measure": "intakes",
            "theme": "digitalisation",
        },
        expect(201, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/indicators/{indicator_id}",
        {"indicator_id": "ind_indicator"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/indicators/{indicator_id}",
        {"indicator_id": "ind_indicator"},
        {"theme": "export"},
        expect(200, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "DELETE",
        "/api/indicators/{indicator_id}",
        {"indicator_id": "ind_indicator"},
        None,
        expect(204, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/indicators/{indicator_id}/targets",
        {"indicator_id": "ind_indicator"},
        {"period": "year", "year": 2027, "minimum": "5", "maximum": "10"},
        expect(201, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/targets/{target_id}",
        {"target_id": "ind_target"},
        {"maximum": "12"},
        expect(200, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "DELETE",
        "/api/targets/{target_id}",
        {"target_id": "ind_target"},
        None,
        expect(204, alice=403, bob=403, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/indicators/{indicator_id}/value",
        {"indicator_id": "ind_indicator"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/indicators/{indicator_id}/records",
        {"indicator_id": "ind_indicator"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    # <<< monitoring-indicators
    # >>> monitoring-survey
    ("GET", "/api/survey/settings", {}, None, expect(200, bob=404, charlie=404)),
    (
        "PATCH",
        "/api/survey/settings",
        {},
        {"delay_days": 5},
        expect(200, alice=403, bob=404, charlie=404, olga=403),
    ),
    (
        "GET",
        "/api/programmes/{programme_id}/satisfaction",
        {"programme_id": "programme"},
        None,
        expect(200, bob=403, charlie=404, olga=404),
    ),
    # <<< monitoring-survey
    # >>> monitoring-business
    # The programme is executed by the bureau and Gemeente Assen (charlie's Emmen: 404).
    # bc_bureau is the bureau's (bob: 404), bc_assen Gemeente Assen's (the bureau's alice
    # and adam see it but may not change it: 403).
    (
        "GET",
        "/api/programmes/{programme_id}/business-cases",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/programmes/{programme_id}/business-cases",
        {"programme_id": "programme"},
        {
            "title": "Export naar Duitsland",
            "organisation": "@bureau",
            "company": "@bc_quiet_co",
            "started_on": "2026-02-01",
            "expected_turnover": "50000",
        },
        expect(201, bob=422, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/business-cases/{case_id}",
        {"case_id": "bc_bureau"},
        None,
        expect(200, bob=404, charlie=404, olga=404),
    ),
    (
        "PATCH",
        "/api/business-cases/{case_id}",
        {"case_id": "bc_assen"},
        {"realised_turnover": "1000", "realised_on": "2026-03-01"},
        expect(200, alice=403, adam=403, charlie=404, olga=404),
    ),
    (
        "DELETE",
        "/api/business-cases/{case_id}",
        {"case_id": "bc_assen"},
        None,
        expect(204, alice=403, adam=403, charlie=404, olga=404),
    ),
    # <<< monitoring-business
    # >>> monitoring-dashboard
    # Whoever sees the programme reads its dashboard (bob: his organisation's share);
    # charlie's Gemeente Emmen has no part in it, olga is in another region.
    (
        "GET",
        "/api/programmes/{programme_id}/dashboard",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    # <<< monitoring-dashboard
    # >>> monitoring-municipality
    (
        "GET",
        "/api/municipalities/{municipality_id}/programme-figures",
        {"municipality_id": "municipality_assen"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/municipalities/{municipality_id}/programme-figures",
        {"municipality_id": "municipality_emmen"},
        None,
        expect(200, bob=404, olga=404),
    ),
    # <<< monitoring-municipality
    # >>> monitoring-reports
    # Programme staff see every report; bob (Gemeente Assen executes the programme) his
    # organisation's; charlie and olga nothing of the programme.
    (
        "GET",
        "/api/programmes/{programme_id}/reports",
        {"programme_id": "programme"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/programmes/{programme_id}/reports",
        {"programme_id": "programme"},
        {"kind": "quarter", "year": 2026, "quarter": 2, "organisation": "@report_gem_assen"},
        # alice and adam write only the bureau's report: Assen's is refused at the field
        expect(201, alice=422, adam=422, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/reports/{report_id}",
        {"report_id": "assen_report"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "PUT",
        "/api/reports/{report_id}/narratives/{action_line_id}",
        {"report_id": "assen_report", "action_line_id": "report_line"},
        {"text": "<p>Goed kwartaal.</p><script>alert(1)</script>"},
        expect(200, alice=403, adam=403, charlie=404, olga=404),
    ),
    (
        "POST",
        "/api/reports/{report_id}/submit",
        {"report_id": "merged_report"},
        {"note": "Eerste versie"},
        # the merged report: only the programme manager; bob does not even see it
        expect(201, alice=403, adam=403, bob=404, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/reports/{report_id}/versions",
        {"report_id": "assen_report"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/reports/{report_id}/versions/{number}",
        {"report_id": "assen_report", "number": "report_version_1"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    (
        "GET",
        "/api/reports/{report_id}/diff",
        {"report_id": "assen_report"},
        None,
        expect(200, charlie=404, olga=404),
    ),
    # <<< monitoring-reports
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
