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
    # An event organised by the bureau with Gemeente Assen (bob co-organises; charlie's
    # Gemeente Emmen has no part in it), with a registration of club_co's person (below).
    event = f.EventFactory(
        programme=programme, organiser=w.bureau, partners=[w.gem_assen], plan_line=plan_line
    )
    # Collectives of the bureau: a cluster with assen_co as a member, a financing table
    # with a session and a case of assen_co, an export carousel with a round (school:
    # Gemeente Assen stands in for nobody; the round's school is a new organisation), a
    # team, a student and a match.
    # (club_co, a company of Assen in collectives and events only, so that assen_co can be
    # deleted)
    club_co = f.CompanyFactory(region=w.region, name="Zorgtech Assen", municipality=w.assen)
    club_person = f.PersonFactory(company=club_co, name="Cor Zorgtech")
    registration = f.RegistrationFactory(
        event=event,
        name=club_person.name,
        email=club_person.email,
        company=club_co,
        person=club_person,
    )
    cluster = f.CollectiveFactory(programme=programme, organisation=w.bureau, name="Cluster Zorg")
    member = f.MemberFactory(collective=cluster, company=club_co)
    table = f.CollectiveFactory(
        programme=programme, organisation=w.bureau, kind="financing_table", phase=""
    )
    session = f.TableSessionFactory(collective=table)
    table_case = f.TableCaseFactory(collective=table, company=club_co, session=session)
    carousel = f.CollectiveFactory(
        programme=programme, organisation=w.bureau, kind="export_carousel", phase=""
    )
    carousel_round = f.CarouselRoundFactory(collective=carousel)
    team = f.StudentTeamFactory(round=carousel_round)
    student = f.StudentFactory(round=carousel_round, team=team)
    match = f.MatchFactory(round=carousel_round, company=club_co, team=team)
    # >>> monitoring-indicators
    # An action line "Export" of the programme with an indicator (table sessions on
    # export, a range target 5-10 in 2026), and an empty action line that can be deleted.
    ind_line = f.ActionLineFactory(programme=programme, name="Export")
    ind_empty_line = f.ActionLineFactory(programme=programme, name="Leeg")
    ind_indicator = f.IndicatorFactory(
        action_line=ind_line, name="Thematafels voor exporteurs", measure="table_sessions"
    )
    ind_target = f.TargetFactory(indicator=ind_indicator, year=2026, minimum=5, maximum=10)
    monitoring_indicators = {
        "ind_line": ind_line,
        "ind_empty_line": ind_empty_line,
        "ind_indicator": ind_indicator,
        "ind_target": ind_target,
    }
    # <<< monitoring-indicators
    # >>> monitoring-survey
    monitoring_survey = {}
    # <<< monitoring-survey
    # >>> monitoring-business
    # Business cases of the programme: the bureau's with quiet_co (programme staff see it,
    # bob does not) and Gemeente Assen's with club_co (programme staff see it; alice and
    # adam of the bureau may not change it: 403; bob and pam may).
    bc_bureau = f.BusinessCaseFactory(
        programme=programme, organisation=w.bureau, company=data.quiet_co
    )
    bc_assen = f.BusinessCaseFactory(programme=programme, organisation=w.gem_assen, company=club_co)
    monitoring_business = {
        "bc_bureau": bc_bureau,
        "bc_assen": bc_assen,
        "bc_quiet_co": data.quiet_co,
    }
    # <<< monitoring-business
    # >>> monitoring-dashboard
    monitoring_dashboard = {}
    # <<< monitoring-dashboard
    # >>> monitoring-municipality
    monitoring_municipality = {"municipality_assen": w.assen, "municipality_emmen": w.emmen}
    # <<< monitoring-municipality
    # >>> monitoring-reports
    # Reports of the programme: the merged one (programme staff see it, bob does not)
    # and Gemeente Assen's (bob writes it) with two submitted versions; an action line.
    import datetime as _dt

    from loket.monitoring.models import Report as _Report
    from loket.monitoring.models import ReportVersion as _ReportVersion

    report_line = f.ActionLineFactory(programme=programme, name="Digitalisering")
    merged_report = _Report.objects.create(
        programme=programme, region=w.region, year=2026, quarter=1
    )
    assen_report = _Report.objects.create(
        programme=programme, region=w.region, year=2026, quarter=1, organisation=w.gem_assen
    )
    for number in (1, 2):
        _ReportVersion.objects.create(
            report=assen_report,
            region=w.region,
            number=number,
            data={"indicators": [], "narratives": []},
            pdf=b"%PDF",
            xlsx=b"PK",
            pdf_sha256="0" * 64,
            xlsx_sha256="0" * 64,
            submitted_at=_dt.datetime(2026, 4, number, 10, tzinfo=_dt.UTC),
        )
    monitoring_reports = {
        "report_line": report_line,
        "merged_report": merged_report,
        "assen_report": assen_report,
        "report_gem_assen": w.gem_assen,
        "report_version_1": SimpleNamespace(pk=1),
    }
    # <<< monitoring-reports
    named = {
        **monitoring_indicators,
        **monitoring_survey,
        **monitoring_business,
        **monitoring_dashboard,
        **monitoring_municipality,
        **monitoring_reports,
        "event": event,
        "registration": registration,
        "cluster": cluster,
        "member": member,
        "table": table,
        "session": session,
        "table_case": table_case,
        "carousel": carousel,
        "round": carousel_round,
        "team": team,
        "student": student,
        "match": match,
        "club_co": club_co,
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
    if isinstance(body, list):
        return [resolve_body(v, pk) for v in body]
    if isinstance(body, str) and body.startswith("@"):
        return pk[body[1:]]
    return body
