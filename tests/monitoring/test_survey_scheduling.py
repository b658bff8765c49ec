"""Scheduling the satisfaction survey: closing a case or completing a trajectory invites
the entrepreneur once per company per quarter, after the region's delay, unless the
survey is off, there is no address, or the address opted out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loket.casework import services as casework
from loket.core.models import AuditEvent
from loket.monitoring.models import SurveyInvitation, SurveyOptOut, SurveySettings
from loket.monitoring.services import survey
from loket.programmes.models import Trajectory
from loket.programmes.services import trajectories
from tests import factories as f


@pytest.fixture
def closing(world, django_capture_on_commit_callbacks):
    """close(case) closes it through the service and runs the on-commit callbacks."""

    def _close(case):
        with django_capture_on_commit_callbacks(execute=True):
            casework.change_status(world.alice, case, "closed", outcome="answered")

    return _close


def _case(world, **kwargs):
    company = kwargs.pop("company", None) or f.CompanyFactory(region=world.region)
    person = kwargs.pop("person", "default")
    if person == "default":
        person = f.PersonFactory(company=company, email="Anna@Bakkerij.example")
    return f.CaseFactory(
        company=company, person=person, owner=world.alice, organisation=world.bureau, **kwargs
    )


def test_closing_a_case_schedules_one_invitation_after_the_delay(world, closing):
    SurveySettings.objects.create(region=world.region, delay_days=10)
    programme = f.ProgrammeFactory(region=world.region, starts_on=dt.date(2020, 1, 1))
    instrument = f.InstrumentFactory(region=world.region)
    case = _case(world)
    f.ReferralFactory(case=case, to_organisation=world.gem_assen, instrument=instrument)
    closing(case)
    invitation = SurveyInvitation.objects.get()
    case.refresh_from_db()
    assert invitation.send_after == case.closed_at + dt.timedelta(days=10)
    assert invitation.status == SurveyInvitation.Status.SCHEDULED
    assert invitation.email == "anna@bakkerij.example"
    assert (invitation.owner, invitation.organisation) == (world.alice, world.bureau)
    assert invitation.programme == programme
    assert invitation.instrument == instrument
    assert invitation.case == case
    assert invitation.language == "nl"
    today = timezone.localdate(case.closed_at)
    assert (invitation.year, invitation.quarter) == (today.year, (today.month - 1) // 3 + 1)
    assert len(invitation.token) >= 40
    assert AuditEvent.objects.filter(
        object_type="monitoring.surveyinvitation", object_id=invitation.pk
    ).exists()


def test_settings_are_made_with_the_defaults_when_missing(world, closing):
    closing(_case(world))
    assert SurveySettings.objects.get(region=world.region).delay_days == 7
    assert SurveyInvitation.objects.count() == 1


def test_once_per_company_per_quarter(world, closing):
    company = f.CompanyFactory(region=world.region)
    first = _case(world, company=company)
    second = _case(world, company=company)
    closing(first)
    closing(second)  # the same quarter: no second invitation, and no error
    assert SurveyInvitation.objects.filter(company=company).count() == 1
    # reopened and closed again: still one
    casework.change_status(world.alice, first, "in_progress")
    closing(first)
    assert SurveyInvitation.objects.filter(company=company).count() == 1


def test_an_earlier_quarter_does_not_count(world, closing):
    company = f.CompanyFactory(region=world.region)
    f.SurveyInvitationFactory(company=company, year=2001, quarter=1)
    closing(_case(world, company=company))
    assert SurveyInvitation.objects.filter(company=company).count() == 2


def test_inactive_survey_invites_nobody(world, closing):
    SurveySettings.objects.create(region=world.region, active=False)
    closing(_case(world))
    assert not SurveyInvitation.objects.exists()


def test_no_address_no_invitation_but_the_company_address_serves(world, closing):
    closing(_case(world, person=None))
    assert not SurveyInvitation.objects.exists()
    company = f.CompanyFactory(region=world.region, email="info@bedrijf.example")
    closing(_case(world, company=company, person=None))
    assert SurveyInvitation.objects.get().email == "info@bedrijf.example"


def test_an_opted_out_address_is_not_invited(world, closing):
    SurveyOptOut.objects.create(
        region=world.region, email_hash=survey.email_hash("anna@bakkerij.example")
    )
    closing(_case(world))  # the same address, written with capitals
    assert not SurveyInvitation.objects.exists()


def test_opt_out_in_another_region_does_not_count(world, closing):
    SurveyOptOut.objects.create(
        region=world.other_region, email_hash=survey.email_hash("anna@bakkerij.example")
    )
    closing(_case(world))
    assert SurveyInvitation.objects.count() == 1


def test_a_rolled_back_close_invites_nobody(world, closing):
    case = _case(world)
    with pytest.raises(Exception):  # noqa: B017, PT011
        casework.change_status(world.alice, case, "closed", outcome="")
    assert not SurveyInvitation.objects.exists()


def test_completing_a_trajectory_invites_the_company(world, django_capture_on_commit_callbacks):
    instrument = f.InstrumentFactory(region=world.region)
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    scheme = f.SchemeFactory(programme=programme, instrument=instrument)
    company = f.CompanyFactory(region=world.region, email="info@maker.example")
    trajectory = f.TrajectoryFactory(
        scheme=scheme,
        company=company,
        status=Trajectory.Status.RUNNING,
        started_on=dt.date(2025, 4, 1),
        specialist=world.alice,
        deliverable="Een plan",
    )
    with django_capture_on_commit_callbacks(execute=True):
        trajectories.complete_trajectory(world.pam, trajectory, on=dt.date(2025, 5, 20))
    invitation = SurveyInvitation.objects.get()
    assert (invitation.year, invitation.quarter) == (2025, 2)
    assert invitation.trajectory == trajectory
    assert invitation.programme == programme
    assert invitation.instrument == instrument
    assert (invitation.owner, invitation.organisation) == (world.alice, world.bureau)
    assert invitation.email == "info@maker.example"
    assert timezone.localdate(invitation.send_after) == dt.date(2025, 5, 27)
