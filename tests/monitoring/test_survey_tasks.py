"""The survey's mail task: invitations after the delay, one reminder, expiry; never an
opted-out address; idempotent; the link in the mail works."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from loket.monitoring.models import SurveyInvitation, SurveyOptOut, SurveySettings
from loket.monitoring.services.survey import email_hash
from loket.monitoring.tasks import send_due_surveys
from tests import factories as f

S = SurveyInvitation.Status
pytestmark = pytest.mark.usefixtures("locmem")


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _scheduled(world, days_ago=1, **kw):
    return f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        status=S.SCHEDULED,
        send_after=timezone.now() - dt.timedelta(days=days_ago),
        sent_at=None,
        expires_at=None,
        **kw,
    )


def _run():
    return send_due_surveys.call()


def test_due_invitation_is_sent_once_with_a_working_link(world, client):
    SurveySettings.objects.create(region=world.region, valid_days=20)
    invitation = _scheduled(world, email="anna@bakkerij.example")
    not_yet = _scheduled(world, days_ago=-2)
    assert _run()["sent"] == 1
    assert _run()["sent"] == 0  # idempotent
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@bakkerij.example"]
    invitation.refresh_from_db()
    assert invitation.status == S.SENT
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=20)
    not_yet.refresh_from_db()
    assert not_yet.status == S.SCHEDULED
    links = re.findall(r"https?://\S+", message.body)
    assert any(link.endswith(f"/enquete/{invitation.token}/") for link in links)
    assert any(link.endswith(f"/enquete/{invitation.token}/afmelden/") for link in links)
    assert "anna" not in " ".join(links)
    path = next(link for link in links if link.endswith(f"/{invitation.token}/"))
    response = client.get(re.sub(r"^https?://[^/]+", "", path))
    assert response.status_code == 200
    assert "rapportcijfer" in response.content.decode()


def test_an_unknown_language_gets_the_dutch_mail(world):
    _scheduled(world, language="xx")
    _run()
    assert mail.outbox[0].subject == "Hoe tevreden bent u over het Ondernemersloket Drenthe?"


def test_an_opted_out_address_is_cancelled_not_mailed(world):
    invitation = _scheduled(world, email="weg@bedrijf.example")
    SurveyOptOut.objects.create(region=world.region, email_hash=email_hash("Weg@Bedrijf.example"))
    _run()
    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.status == S.CANCELLED


def test_one_reminder_after_the_reminder_days(world):
    SurveySettings.objects.create(region=world.region, reminder_days=7)
    now = timezone.now()
    due = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region), sent_at=now - dt.timedelta(days=8)
    )
    early = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region), sent_at=now - dt.timedelta(days=3)
    )
    answered = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        sent_at=now - dt.timedelta(days=8),
        status=S.ANSWERED,
        mark=8,
        answered_at=now,
    )
    assert _run()["reminded"] == 1
    assert _run()["reminded"] == 0
    assert [m.to for m in mail.outbox] == [[due.email]]
    assert "Herinnering" in mail.outbox[0].subject
    due.refresh_from_db()
    early.refresh_from_db()
    answered.refresh_from_db()
    assert due.reminded_at is not None
    assert early.reminded_at is None
    assert answered.reminded_at is None


def test_no_reminder_to_an_address_that_opted_out(world):
    SurveySettings.objects.create(region=world.region, reminder_days=7)
    invitation = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        sent_at=timezone.now() - dt.timedelta(days=8),
    )
    SurveyOptOut.objects.create(region=world.region, email_hash=email_hash(invitation.email))
    _run()
    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.status == S.CANCELLED


def test_expired_invitations_are_marked(world):
    old = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        sent_at=timezone.now() - dt.timedelta(days=40),
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    assert _run()["expired"] == 1
    old.refresh_from_db()
    assert old.status == S.EXPIRED
    assert mail.outbox == []


def test_a_failed_mail_is_tried_again(world, monkeypatch):
    invitation = _scheduled(world)
    from django.core.mail import EmailMessage

    monkeypatch.setattr(EmailMessage, "send", lambda self: (_ for _ in ()).throw(OSError()))
    assert _run()["sent"] == 0
    invitation.refresh_from_db()
    assert invitation.status == S.SCHEDULED
    monkeypatch.undo()
    assert _run()["sent"] == 1


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_run_scheduled_sends_due_surveys(world):
    _scheduled(world)
    call_command("run_scheduled", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_sending_invitations_counts_at_once_in_the_dashboards_response_rate(
    world, django_capture_on_commit_callbacks
):
    """The response rate counts invitations sent; sending is a bulk update without model
    signals, so the task itself marks the cached figures out of date."""
    from loket.monitoring.dashboard import dashboard_data
    from loket.monitoring.models import Measure

    today = timezone.localdate()
    programme = f.ProgrammeFactory(
        region=world.region,
        organisations=[world.bureau],
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 12, 31),
    )
    line = f.ActionLineFactory(programme=programme, name="Tevredenheid")
    f.IndicatorFactory(action_line=line, name="Respons", measure=Measure.RESPONSE_RATE)
    quarter = (today.month - 1) // 3 + 1
    f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        programme=programme,
        status=S.ANSWERED,
        mark=8,
        answered_at=timezone.now(),
    )
    _scheduled(world, programme=programme)

    def response_rate():
        with django_capture_on_commit_callbacks(execute=True):  # the refresh runs
            data = dashboard_data(programme, today.year, quarter, None)
        return data["stale"], data["realisation"][0]["indicators"][0]["quarter"]

    assert response_rate() == (False, "100.0")  # cached: one sent, one answered
    with django_capture_on_commit_callbacks(execute=True):
        assert _run()["sent"] == 1
    # the page says the figures are being brought up to date, and then they count it
    assert response_rate() == (True, "100.0")
    assert response_rate() == (False, "50.0")
