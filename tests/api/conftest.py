"""API fixtures: a token client per standing user, and a small record everyone works in.

``data`` (on top of the ``world`` of tests/conftest.py):
- ``assen_co``: a company in Assen with a contact moment by alice (programme bureau), a
  contact moment by bob (Gemeente Assen), a confidential contact moment by alice, a
  contact person, a case owned by alice, and a referral from the bureau to Gemeente Assen
  (sent). Bob sees it; charlie does not.
- ``emmen_co``: a company in Emmen with a contact moment by charlie (Gemeente Emmen).
- ``quiet_co``: a company nobody outside the programme has anything to do with.
- ``twente_co``: a company in the other region (only olga sees it).
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from loket.accounts.models import ApiToken
from loket.casework.models import ContactMoment, Referral
from loket.companies.models import Consent
from tests import factories as f

ROLES = ("alice", "pam", "adam", "bob", "charlie", "olga")


class ApiClient:
    """A Django test client that sends a personal API token and JSON."""

    def __init__(self, user: Any = None, language: str | None = None) -> None:
        headers = {}
        if user is not None:
            _, raw = ApiToken.issue(user, "tests")
            headers["Authorization"] = f"Bearer {raw}"
        if language:
            headers["Accept-Language"] = language
        self.client = Client(headers=headers)
        self.user = user

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api{path}", params or {})

    def post(self, path: str, data: Any = None) -> Any:
        return self._send("post", path, data)

    def patch(self, path: str, data: Any = None) -> Any:
        return self._send("patch", path, data)

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api{path}")

    def _send(self, method: str, path: str, data: Any) -> Any:
        body = (
            data if isinstance(data, str | bytes) else json.dumps(data if data is not None else {})
        )
        return getattr(self.client, method)(f"/api{path}", body, content_type="application/json")


@pytest.fixture
def api_as(db):
    """``api_as(user)``: an API client with a fresh token of that user (None: anonymous)."""

    def _make(user: Any = None, language: str | None = None) -> ApiClient:
        return ApiClient(user, language)

    return _make


@pytest.fixture
def data(world):
    w = world
    assen_co = f.CompanyFactory(region=w.region, name="Bakkerij De Brink", municipality=w.assen)
    emmen_co = f.CompanyFactory(
        region=w.region, name="Metaalbewerking Emmen", municipality=w.emmen, city="Emmen"
    )
    quiet_co = f.CompanyFactory(region=w.region, name="Stille Vennoot B.V.")
    twente_co = f.CompanyFactory(
        region=w.other_region, name="Twentse Textiel", postcode="7511 AA", city="Enschede"
    )
    person = f.PersonFactory(company=assen_co, name="Anna de Bakker")
    twente_person = f.PersonFactory(company=twente_co, name="Tom Twente")
    moment_alice = f.ContactMomentFactory(
        company=assen_co, author=w.alice, organisation=w.bureau, kind=ContactMoment.Kind.VISIT
    )
    moment_bob = f.ContactMomentFactory(company=assen_co, author=w.bob, organisation=w.gem_assen)
    moment_secret = f.ContactMomentFactory(
        company=assen_co,
        author=w.alice,
        organisation=w.bureau,
        confidential=True,
        summary="Vertrouwelijk: financiële problemen.",
    )
    moment_charlie = f.ContactMomentFactory(
        company=emmen_co, author=w.charlie, organisation=w.gem_emmen
    )
    case = f.CaseFactory(company=assen_co, owner=w.alice, organisation=w.bureau)
    quiet_case = f.CaseFactory(company=quiet_co, owner=w.alice, organisation=w.bureau)
    referral = f.ReferralFactory(
        case=case, to_organisation=w.gem_assen, status=Referral.Status.SENT
    )
    twente_case = f.CaseFactory(company=twente_co, owner=w.olga, organisation=w.twente_bureau)
    return SimpleNamespace(
        w=w,
        assen_co=assen_co,
        emmen_co=emmen_co,
        quiet_co=quiet_co,
        twente_co=twente_co,
        person=person,
        twente_person=twente_person,
        moment_alice=moment_alice,
        moment_bob=moment_bob,
        moment_secret=moment_secret,
        moment_charlie=moment_charlie,
        case=case,
        quiet_case=quiet_case,
        referral=referral,
        twente_case=twente_case,
    )


@pytest.fixture
def objects(data):
    """Named objects of ``data`` (and a few more) for the endpoint walks, and a token
    client per role (plus "anonymous")."""
    w = data.w
    data.assen_co.account_manager = w.alice
    data.assen_co.save()
    assen_dup = f.CompanyFactory(region=w.region, name="Bakkerij Brink", municipality=w.assen)
    f.ContactMomentFactory(company=assen_dup, author=w.bob, organisation=w.gem_assen)
    consent = Consent.objects.create(person=data.person, purpose="delen", method="verbal")
    proposed = f.ReferralFactory(
        case=data.case,
        to_organisation=w.gem_assen,
        status=Referral.Status.PROPOSED,
        created_by=w.alice,
    )
    accepted = f.ReferralFactory(
        case=data.case, to_organisation=w.gem_assen, status=Referral.Status.ACCEPTED
    )
    # An instrument of the catalogue, provided by Gemeente Assen (bob may change it).
    instrument = f.InstrumentFactory(
        region=w.region,
        name="Starterslening Assen",
        kind="loan",
        provider_kind="partner",
        provider_organisation=w.gem_assen,
    )
    # A programme executed by the bureau and Gemeente Assen (bob registers hours on it;
    # charlie's Gemeente Emmen has no part in it), with a plan line, a scheme, an applied
    # trajectory for quiet_co and an hour entry of alice.
    programme = f.ProgrammeFactory(
        region=w.region, name="IBDO 2025-2028", organisations=[w.bureau, w.gem_assen]
    )
    funder = f.FunderFactory(programme=programme, name="Provincie Drenthe")
    activity_type = f.ActivityTypeFactory(programme=programme, name="Gesprekken", code="gesprek")
    f.HourlyRateFactory(programme=programme, organisation=w.bureau, year=2025)
    scheme = f.SchemeFactory(programme=programme, funder=funder, name="Innovatietraject")
    plan_line = f.PlanLineFactory(
        programme=programme,
        activity_type=activity_type,
        organisation=w.bureau,
        funders={funder: (100, 0)},
    )
    trajectory = f.TrajectoryFactory(scheme=scheme, company=data.quiet_co)
    hour_entry = f.HourEntryFactory(
        programme=programme,
        user=w.alice,
        organisation=w.bureau,
        activity_type=activity_type,
        company=data.assen_co,
    )
    named = {
        "programme": programme,
        "funder": funder,
        "activity_type": activity_type,
        "scheme": scheme,
        "plan_line": plan_line,
        "trajectory": trajectory,
        "hour_entry": hour_entry,
        "instrument": instrument,
        "bureau": w.bureau,
        "assen_co": data.assen_co,
        "assen_dup": assen_dup,
        "person": data.person,
        "consent": consent,
        "moment_alice": data.moment_alice,
        "case": data.case,
        "referral": data.referral,
        "proposed": proposed,
        "accepted": accepted,
        "gem_emmen": w.gem_emmen,
    }
    clients = {"anonymous": Client()}
    for role in ROLES:
        _, raw = ApiToken.issue(getattr(w, role), "walk")
        clients[role] = Client(headers={"Authorization": f"Bearer {raw}"})
    return SimpleNamespace(pk={k: v.pk for k, v in named.items()}, clients=clients)


def resolve_body(body: Any, pk: dict[str, int]) -> Any:
    """A body of the permission table with "@name" replaced by that object's id."""
    if isinstance(body, dict):
        return {k: resolve_body(v, pk) for k, v in body.items()}
    if isinstance(body, str) and body.startswith("@"):
        return pk[body[1:]]
    return body
