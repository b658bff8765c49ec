"""Walk every page URL for every role.

Each URL with an object in it is classified by the kind of object it shows. For every
standing user we check: no page ever answers 500, an anonymous visitor is sent to the
login page, and an object outside the user's scope answers 404 to GET and POST alike
(never 403, which would tell an outsider the object exists). A new URL that is not
classified here fails ``test_every_url_is_classified``.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from loket.accounts.models import ApiToken, Membership
from loket.companies.models import Consent
from tests import factories as f

# url name -> the kind of object its first argument is (None: no argument)
KINDS: dict[str, str | None] = {
    "core:home": None,
    "core:health": None,
    "set_language": None,
    "accounts:index": None,
    "accounts:organisation_list": None,
    "accounts:organisation_create": None,
    "accounts:organisation_edit": "organisation",
    "accounts:user_list": None,
    "accounts:user_create": None,
    "accounts:user_detail": "user",
    "accounts:user_deactivate": "user",
    "accounts:user_reactivate": "user",
    "accounts:user_invite": "user",
    "accounts:membership_add": "user",
    "accounts:membership_remove": "membership",
    "accounts:my_account": None,
    "accounts:token_list": None,
    "accounts:token_revoke": "token",
    "accounts:rule_list": None,
    "accounts:rule_create": None,
    "accounts:rule_edit": "rule",
    "accounts:rule_delete": "rule",
    "companies:list": None,
    "companies:search": None,
    "companies:create": None,
    "companies:detail": "company",
    "companies:edit": "company",
    "companies:merge": "company",
    "companies:delete": "company",
    "companies:audit": "company",
    "companies:person_create": "company",
    "companies:person_detail": "person",
    "companies:person_edit": "person",
    "companies:person_delete": "person",
    "companies:consent_create": "person",
    "companies:consent_withdraw": "consent",
    "casework:queue": None,
    "casework:case_list": None,
    "casework:case_create": "company",
    "casework:case_detail": "case",
    "casework:case_edit": "case",
    "casework:case_status": "case",
    "casework:case_reassign": "case",
    "casework:referral_create": "case",
    "casework:contact_list": None,
    "casework:contact_create": "company",
    "casework:contact_detail": "contact",
    "casework:contact_edit": "contact",
    "casework:contact_delete": "contact",
    "casework:referral_inbox": None,
    "casework:referral_list": None,
    "casework:referral_detail": "referral",
    "casework:referral_send": "referral",
    "casework:referral_accept": "referral",
    "casework:referral_decline": "referral",
    "casework:referral_complete": "referral",
    "catalogue:list": None,
    "catalogue:create": None,
    "catalogue:detail": "instrument",
    "catalogue:edit": "instrument",
    "catalogue:verify": "instrument",
    "catalogue:delete": "instrument",
    "catalogue:version": "instrument_version",
    "catalogue:import": None,
    "catalogue:export": None,
    "portal:home": None,
    "portal:search": None,
    "portal:guide": None,
    "portal:guide_result": None,
    "portal:instrument": "instrument_slug",
    "portal:partners": None,
    "portal:ask": None,
    "portal:thanks": None,
    # programmes: plan (programme, funders, rates, activity types, plan lines)
    "programmes:programme_list": None,
    "programmes:programme_create": None,
    "programmes:programme_detail": "programme",
    "programmes:programme_edit": "programme",
    "programmes:funder_create": "programme",
    "programmes:funder_edit": "funder",
    "programmes:funder_delete": "funder",
    "programmes:rate_create": "programme",
    "programmes:rate_edit": "rate",
    "programmes:rate_delete": "rate",
    "programmes:activity_type_create": "programme",
    "programmes:activity_type_edit": "activity_type",
    "programmes:activity_type_delete": "activity_type",
    "programmes:plan_line_create": "programme",
    "programmes:plan_line_edit": "plan_line",
    "programmes:plan_line_delete": "plan_line",
    # programmes: plan import/export
    "programmes:plan_import": "programme",
    "programmes:plan_export": "programme",
    # programmes: financing overview
    "programmes:financing": "programme",
    # programmes: realisation
    "programmes:realisation": "programme",
    # programmes: schemes and trajectories
    "programmes:scheme_list": "programme",
    "programmes:scheme_create": "programme",
    "programmes:scheme_detail": "scheme",
    "programmes:scheme_edit": "scheme",
    "programmes:scheme_delete": "scheme",
    "programmes:trajectory_list": "programme",
    "programmes:trajectory_create": "programme",
    "programmes:trajectory_detail": "trajectory",
    "programmes:trajectory_edit": "trajectory",
    "programmes:trajectory_approve": "trajectory",
    "programmes:trajectory_start": "trajectory",
    "programmes:trajectory_complete": "trajectory",
    "programmes:trajectory_evaluate": "trajectory",
    "programmes:trajectory_withdraw": "trajectory",
    "programmes:trajectory_invoice": "trajectory",
    # programmes: hours (the week, the list, one entry, permission for more hours)
    "programmes:hours_week": None,
    "programmes:hour_list": None,
    "programmes:hour_edit": "hour_entry",
    "programmes:hour_delete": "hour_entry",
    "programmes:cap_override_create": "programme",
    # >>> events-manage: staff pages of events
    "events:event_list": None,
    "events:event_create": None,
    "events:event_detail": "event",
    "events:event_edit": "event",
    "events:event_publish": "event",
    "events:event_cancel": "event",
    # <<< events-manage
    # >>> events-portal: the public calendar (agenda:, public) and staff registration pages
    "agenda:calendar": None,
    "agenda:event": "event",
    "agenda:register": "event",
    "agenda:invitation": "invitation_token",
    "agenda:registered": None,
    "agenda:cancel": "registration_token",
    "events:registration_create": "event",
    "events:registration_cancel": "registration",
    "events:registration_company": "registration",
    # <<< events-portal
    # >>> events-day: check-in, walk-ins, attendance, follow-up, figures
    "events:checkin": "event",
    "events:checkin_mark": "registration",
    "events:walk_in": "event",
    "events:finalise": "event",
    "events:follow_up": "event",
    "events:figures": "event",
    # <<< events-day
    # >>> events-webinar: webinar import
    "events:webinar_import": "event",
    "events:programme_activity": "programme",
    # <<< events-webinar
    # >>> collectives-groups: collectives, members
    "collectives:collective_list": None,
    "collectives:collective_create": None,
    "collectives:collective_detail": "collective",
    "collectives:collective_edit": "collective",
    "collectives:formed": "collective",
    "collectives:phase": "collective",
    "collectives:member_add": "collective",
    "collectives:member_edit": "member",
    "collectives:member_leave": "member",
    # <<< collectives-groups
    # >>> collectives-tables: sessions and cases brought in
    "collectives:table_page": "table",
    "collectives:session_create": "table",
    "collectives:table_case_create": "table",
    "collectives:session_detail": "session",
    "collectives:session_edit": "session",
    "collectives:table_case_detail": "table_case",
    "collectives:table_case_hear": "table_case",
    # <<< collectives-tables
    # >>> collectives-carousels: rounds, teams, students, matches
    "collectives:round_create": "carousel",
    "collectives:round_detail": "round",
    "collectives:round_edit": "round",
    "collectives:student_create": "round",
    "collectives:student_import": "round",
    "collectives:student_edit": "student",
    "collectives:student_delete": "student",
    "collectives:team_create": "round",
    "collectives:team_edit": "team",
    "collectives:match_screen": "round",
    "collectives:match_confirm": "round",
    "collectives:match_edit": "match",
    # <<< collectives-carousels
    # >>> monitoring-indicators
    "monitoring:indicator_list": "programme",
    "monitoring:action_line_create": "programme",
    "monitoring:indicator_create": "programme",
    "monitoring:action_line_edit": "action_line",
    "monitoring:action_line_delete": "action_line",
    "monitoring:indicator_edit": "indicator",
    "monitoring:indicator_delete": "indicator",
    "monitoring:target_create": "indicator",
    "monitoring:target_edit": "target",
    "monitoring:target_delete": "target",
    "monitoring:indicator_records": "indicator",
    "monitoring:spec_records": "programme",
    # <<< monitoring-indicators
    # >>> monitoring-survey
    "survey:answer": "survey_token",
    "survey:thanks": "survey_token",
    "survey:unsubscribe": "survey_token",
    "monitoring:survey_settings": None,
    "monitoring:satisfaction": "programme",
    # <<< monitoring-survey
    # >>> monitoring-business
    "monitoring:business_case_list": "programme",
    "monitoring:business_case_create": "programme",
    "monitoring:business_case_edit": "business_case",
    "monitoring:business_case_delete": "business_case",
    # <<< monitoring-business
    # >>> monitoring-dashboard
    "monitoring:dashboard": "programme",
    "monitoring:dashboard_refresh": "programme",
    # <<< monitoring-dashboard
    # >>> monitoring-municipality
    "monitoring:municipality_list": None,
    "monitoring:municipality_detail": "municipality",
    "monitoring:municipality_pdf": "municipality",
    # <<< monitoring-municipality
    # >>> monitoring-reports
    "monitoring:report_list": "programme",
    "monitoring:report_detail": "report",
    "monitoring:report_narrative": "report_narrative",
    "monitoring:report_submit": "report",
    "monitoring:report_draft_pdf": "report",
    "monitoring:report_draft_xlsx": "report",
    "monitoring:report_version_pdf": "report_version",
    "monitoring:report_version_xlsx": "report_version",
    "monitoring:report_version_diff": "report_version",
    # <<< monitoring-reports
}
PUBLIC = {"core:health", "set_language"}
PUBLIC |= {name for name in KINDS if name.startswith("portal:")}  # the public portal
PUBLIC |= {name for name in KINDS if name.startswith("agenda:")}  # the public calendar
# >>> monitoring-survey public
PUBLIC |= {name for name in KINDS if name.startswith("survey:")}  # the survey's personal link
# <<< monitoring-survey public
SKIPPED_PREFIXES = ("accounts/", "django-admin/", "api/")  # allauth, Django admin, API


def _names(patterns, namespace=None, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if prefix + str(pattern.pattern) in SKIPPED_PREFIXES:
                continue
            yield from _names(
                pattern.url_patterns,
                pattern.namespace or namespace,
                prefix + str(pattern.pattern),
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_classified():
    assert set(_names(get_resolver().url_patterns)) == set(KINDS)


def _objects(world, region, bureau, partner_org, author):
    """One of every kind of object in ``region``."""
    company = f.CompanyFactory(region=region)
    person = f.PersonFactory(company=company)
    consent = Consent.objects.create(person=person, purpose="delen met partners", method="verbal")
    case = f.CaseFactory(company=company, owner=author, organisation=bureau)
    contact = f.ContactMomentFactory(company=company, author=author, organisation=bureau)
    referral = f.ReferralFactory(case=case, to_organisation=partner_org, created_by=author)
    token, _raw = ApiToken.issue(author, "koppeling")
    instrument = f.InstrumentFactory(region=region)
    rule = f.AssignmentRuleFactory(region=region, advisors=[author])
    programme = f.ProgrammeFactory(region=region, organisations=[bureau])
    funder = f.FunderFactory(programme=programme)
    activity_type = f.ActivityTypeFactory(programme=programme)
    rate = f.HourlyRateFactory(programme=programme, organisation=bureau)
    scheme = f.SchemeFactory(programme=programme, funder=funder)
    plan_line = f.PlanLineFactory(
        programme=programme,
        activity_type=activity_type,
        organisation=bureau,
        scheme=scheme,
        funders={funder: (100, 0)},
    )
    trajectory = f.TrajectoryFactory(scheme=scheme, company=company)
    hour_entry = f.HourEntryFactory(
        programme=programme, user=author, organisation=bureau, activity_type=activity_type
    )
    event = f.EventFactory(
        programme=programme, organiser=bureau, partners=[partner_org], plan_line=plan_line
    )
    registration = f.RegistrationFactory(event=event, company=company, person=person)
    cluster = f.CollectiveFactory(programme=programme, organisation=bureau)
    member = f.MemberFactory(collective=cluster, company=company)
    table = f.CollectiveFactory(
        programme=programme, organisation=bureau, kind="financing_table", phase=""
    )
    session = f.TableSessionFactory(collective=table)
    table_case = f.TableCaseFactory(collective=table, company=company, session=session)
    carousel = f.CollectiveFactory(
        programme=programme, organisation=bureau, kind="export_carousel", phase=""
    )
    carousel_round = f.CarouselRoundFactory(collective=carousel)
    team = f.StudentTeamFactory(round=carousel_round)
    student = f.StudentFactory(round=carousel_round, team=team)
    match = f.MatchFactory(round=carousel_round, company=company, team=team)
    # >>> objects monitoring-indicators
    action_line = f.ActionLineFactory(programme=programme)
    indicator = f.IndicatorFactory(action_line=action_line)
    target = f.TargetFactory(indicator=indicator)
    # <<< objects monitoring-indicators
    # >>> objects monitoring-survey
    survey_invitation = f.SurveyInvitationFactory(company=company)
    # <<< objects monitoring-survey
    # >>> objects monitoring-business
    business_case = f.BusinessCaseFactory(programme=programme, organisation=bureau, company=company)
    # <<< objects monitoring-business
    # >>> objects monitoring-dashboard
    # <<< objects monitoring-dashboard
    # >>> objects monitoring-municipality
    # Drenthe: Assen (bob's; charlie may not open it); Twente gets a municipality of its own.
    municipality = (
        world.assen
        if region == world.region
        else f.MunicipalityFactory(region=region, name="Enschede", cbs_code="GM0153")
    )
    # <<< objects monitoring-municipality
    # >>> objects monitoring-reports
    from django.utils import timezone

    from loket.monitoring.models import ReportVersion

    report_line = f.ActionLineFactory(programme=programme)
    report = f.ReportFactory(programme=programme)
    ReportVersion.objects.create(
        report=report,
        region=region,
        number=1,
        data={"indicators": [], "narratives": []},
        pdf=b"%PDF",
        xlsx=b"PK",
        pdf_sha256="0" * 64,
        xlsx_sha256="0" * 64,
        submitted_at=timezone.now(),
    )
    # <<< objects monitoring-reports
    return {
        # >>> kinds monitoring-indicators
        "action_line": [action_line.pk],
        "indicator": [indicator.pk],
        "target": [target.pk],
        # <<< kinds monitoring-indicators
        # >>> kinds monitoring-survey
        "survey_token": [survey_invitation.token],
        # <<< kinds monitoring-survey
        # >>> kinds monitoring-business
        "business_case": [programme.pk, business_case.pk],
        # <<< kinds monitoring-business
        # >>> kinds monitoring-dashboard
        # <<< kinds monitoring-dashboard
        # >>> kinds monitoring-municipality
        "municipality": [municipality.pk],
        # <<< kinds monitoring-municipality
        # >>> kinds monitoring-reports
        "report": [report.pk],
        "report_narrative": [report.pk, report_line.pk],
        "report_version": [report.pk, 1],
        # <<< kinds monitoring-reports
        "event": [event.pk],
        "registration": [registration.pk],
        "registration_token": [registration.token],
        "invitation_token": [event.invitation_token],
        "collective": [cluster.pk],
        "member": [member.pk],
        "table": [table.pk],
        "session": [session.pk],
        "table_case": [table_case.pk],
        "carousel": [carousel.pk],
        "round": [carousel_round.pk],
        "team": [team.pk],
        "student": [student.pk],
        "match": [match.pk],
        "company": [company.pk],
        "person": [person.pk],
        "consent": [person.pk, consent.pk],
        "case": [case.pk],
        "contact": [contact.pk],
        "referral": [referral.pk],
        "organisation": [partner_org.pk],
        "user": [author.pk],
        "membership": [Membership.objects.filter(user=author).first().pk],
        "token": [token.pk],
        "instrument": [instrument.pk],
        "rule": [rule.pk],
        "instrument_version": [instrument.pk, 1],
        "instrument_slug": [instrument.slug],
        "programme": [programme.pk],
        "funder": [funder.pk],
        "activity_type": [activity_type.pk],
        "rate": [rate.pk],
        "scheme": [scheme.pk],
        "plan_line": [plan_line.pk],
        "trajectory": [trajectory.pk],
        "hour_entry": [hour_entry.pk],
    }


@pytest.fixture
def objects(world):
    return {
        "drenthe": _objects(world, world.region, world.bureau, world.gem_assen, world.alice),
        "twente": _objects(
            world,
            world.other_region,
            world.twente_bureau,
            f.OrganisationFactory(region=world.other_region, name="Gemeente Enschede"),
            world.olga,
        ),
    }


def _url(name, args):
    return reverse(name, args=args or None)


def test_anonymous_is_sent_to_login(client, objects):
    for name, kind in KINDS.items():
        if name in PUBLIC:
            continue
        url = _url(name, objects["drenthe"][kind] if kind else None)
        response = client.get(url, follow=True)
        if response.status_code != 405:  # POST-only actions refuse GET before anything else
            assert response.redirect_chain, name
            assert "/accounts/login/" in response.redirect_chain[-1][0], name
            assert response.status_code == 200, name
        response = client.post(url, {}, follow=True)
        assert response.redirect_chain, name
        assert "/accounts/login/" in response.redirect_chain[-1][0], name


@pytest.mark.parametrize("role", ["alice", "pam", "adam", "bob", "charlie", "olga"])
def test_no_page_fails_for_any_role(world, objects, login, role):
    client = login(getattr(world, role))
    for name, kind in KINDS.items():
        if name == "set_language":
            continue
        for region in ("drenthe", "twente"):
            url = _url(name, objects[region][kind] if kind else None)
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404, 405), (role, name, region, response)


@pytest.mark.parametrize("role", ["alice", "pam", "adam", "bob", "charlie"])
def test_objects_of_another_region_are_404(world, objects, login, role):
    """Nothing of Twente exists for a user of Drenthe: GET and POST answer 404."""
    client = login(getattr(world, role))
    for name, kind in KINDS.items():
        if kind is None:
            continue
        url = _url(name, objects["twente"][kind])
        assert client.get(url).status_code in (404, 405), (role, name)
        assert client.post(url, {}).status_code in (404, 405), (role, name)


def test_partner_sees_only_what_his_organisation_has_to_do_with(world, objects, login):
    """bob's municipality received the referral: he sees company, case and referral.
    charlie's municipality has nothing to do with the company: everything is 404."""
    drenthe = objects["drenthe"]
    bob = login(world.bob)
    for name, kind in [
        ("companies:detail", "company"),
        ("casework:case_detail", "case"),
        ("casework:referral_detail", "referral"),
        ("casework:contact_detail", "contact"),
    ]:
        assert bob.get(_url(name, drenthe[kind])).status_code == 200, name
    charlie = login(world.charlie)
    for name, kind in KINDS.items():
        if kind in (None, "organisation", "user", "membership", "token"):
            continue
        if kind in ("instrument", "instrument_version"):  # the region's catalogue: see below
            continue
        if name in PUBLIC:  # the public portal shows current instruments to everyone
            continue
        url = _url(name, drenthe[kind])
        assert charlie.get(url).status_code in (404, 405), name
        assert charlie.post(url, {}).status_code in (404, 405), name


def test_every_user_of_the_region_reads_the_catalogue_but_only_editors_change_it(
    world, objects, login
):
    """The catalogue is the region's, not an organisation's: charlie (a partner with no
    part in the instrument) reads it, but changing it is refused."""
    drenthe = objects["drenthe"]
    charlie = login(world.charlie)
    for name in ("catalogue:detail", "catalogue:version"):
        kind = KINDS[name]
        assert charlie.get(_url(name, drenthe[kind])).status_code == 200, name
    for name in ("catalogue:edit", "catalogue:verify", "catalogue:delete"):
        assert charlie.post(_url(name, drenthe["instrument"]), {}).status_code == 403, name


@pytest.mark.parametrize("role", ["alice", "bob", "charlie"])
def test_administration_is_404_for_non_managers(world, objects, login, role):
    client = login(getattr(world, role))
    for name, kind in KINDS.items():
        if not name.startswith("accounts:") or name in (
            "accounts:my_account",
            "accounts:token_list",
            "accounts:token_revoke",
            "accounts:index",
        ):
            continue
        url = _url(name, objects["drenthe"][kind] if kind else None)
        assert client.get(url).status_code in (404, 405), (role, name)


def test_someone_elses_token_is_404(world, objects, login):
    client = login(world.bob)
    url = _url("accounts:token_revoke", objects["drenthe"]["token"])
    assert client.post(url, {}).status_code == 404
    assert ApiToken.objects.get(pk=objects["drenthe"]["token"][0]).revoked_at is None
