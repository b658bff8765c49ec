"""Service level: a case still waiting for its first response tells its owner when the
deadline comes near and the team lead when it has passed; each case once per kind, one
e-mail per person listing all their cases, in their own language, without the
entrepreneur's data. Run through django-tasks (the immediate backend in tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from loket.casework.models import Case
from loket.casework.tasks import (
    APPROACHING,
    OVERDUE,
    approaching_horizon,
    notify_deadlines,
    send_deadline_notifications,
)
from loket.core.models import AuditEvent
from tests import factories as f


@pytest.fixture
def ann(world):
    """An advisor of the programme bureau (alice is its team lead)."""
    user = f.UserFactory(email="ann@ibdo.example", full_name="Ann Assen")
    f.MembershipFactory(user=user, organisation=world.bureau, role="advisor")
    return user


def _case(world, owner, hours, **kw):
    company = f.CompanyFactory(
        region=world.region, name="Bakkerij De Vries", email="jan@bakkerij.example"
    )
    return f.CaseFactory(
        company=company,
        owner=owner,
        organisation=kw.pop("organisation", world.bureau),
        deadline=timezone.now() + dt.timedelta(hours=hours),
        question="Hoe financier ik mijn nieuwe oven?",
        **kw,
    )


def _run() -> int:
    result = notify_deadlines.enqueue()
    return result.return_value


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def _url(case):
    return "http://127.0.0.1:8000" + reverse("casework:case_detail", args=[case.pk])


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"


# --- approaching ---------------------------------------------------------------------


def test_the_owner_hears_once_about_cases_whose_deadline_comes_near(world, ann):
    soon = _case(world, ann, hours=1)
    sooner = _case(world, ann, hours=0.5)
    later = _case(world, ann, hours=72)

    assert _run() == 1

    (message,) = mail.outbox
    assert message.to == ["ann@ibdo.example"]
    assert "2 hulpvragen" in message.subject
    body = message.body
    assert body.index(sooner.reference) < body.index(soon.reference)  # by deadline
    assert _url(soon) in body
    assert _url(sooner) in body
    assert later.reference not in body
    assert "Reageren vóór" in body
    # Nothing of the entrepreneur: no company, no e-mail address, no question.
    for secret in ("Bakkerij", "jan@bakkerij.example", "oven"):
        assert secret not in body
        assert secret not in message.subject

    assert _run() == 0
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(
        object_type="casework.case", object_id=soon.pk, changes__notified=APPROACHING
    ).exists()


def test_answered_closed_and_switched_off_owners_get_nothing(world, ann):
    _case(world, ann, hours=1, first_response_at=timezone.now())
    _case(world, ann, hours=1, status=Case.Status.CLOSED)
    gone = f.UserFactory(email="gone@ibdo.example", is_active=False)
    f.MembershipFactory(user=gone, organisation=world.bureau, role="advisor")
    _case(world, gone, hours=1)

    assert _run() == 0
    assert mail.outbox == []


def test_a_deadline_later_today_is_approaching_and_tomorrow_evening_is_not():
    now = timezone.make_aware(dt.datetime(2026, 11, 23, 8, 0))
    horizon = approaching_horizon(now)
    assert timezone.localtime(horizon) == timezone.make_aware(dt.datetime(2026, 11, 24, 0, 0))
    late_evening = timezone.make_aware(dt.datetime(2026, 11, 23, 22, 0))
    # Late in the evening the next four hours reach past midnight.
    assert approaching_horizon(late_evening) == late_evening + dt.timedelta(hours=4)


def test_each_owner_gets_their_own_mail_in_their_own_language(world, ann):
    ann.language = "en"
    ann.save()
    mine = _case(world, ann, hours=2)
    alices = _case(world, world.alice, hours=2)

    assert _run() == 2

    (english,) = _to("ann@ibdo.example")
    (dutch,) = _to("alice@ibdo.example")
    assert mine.reference in english.body
    assert alices.reference not in english.body
    assert alices.reference in dutch.body
    assert mine.reference not in dutch.body
    assert "Respond by" in english.body
    assert "Kind regards," in english.body
    assert "Reageren vóór" in dutch.body
    assert "Met vriendelijke groet," in dutch.body


# --- overdue -------------------------------------------------------------------------


def test_the_team_lead_hears_once_about_overdue_cases_of_the_organisation(world, ann):
    late = _case(world, ann, hours=-2)
    later = _case(world, ann, hours=-30)

    assert _run() == 1

    (message,) = mail.outbox
    assert message.to == ["alice@ibdo.example"]  # the team lead, not the owner
    assert "Reactietermijn verstreken: 2 hulpvragen" in message.subject
    assert late.reference in message.body
    assert later.reference in message.body
    assert "Ann Assen" in message.body  # who owns it
    assert _url(late) in message.body
    assert "Bakkerij" not in message.body
    assert "oven" not in message.body

    assert _run() == 0
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(object_id=late.pk, changes__notified=OVERDUE).count() == 1


def test_an_approaching_case_that_passes_its_deadline_goes_to_the_team_lead_too(world, ann):
    case = _case(world, ann, hours=1)
    _run()
    assert [m.to for m in mail.outbox] == [["ann@ibdo.example"]]
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))

    _run()

    assert [m.to for m in mail.outbox] == [["ann@ibdo.example"], ["alice@ibdo.example"]]
    assert _run() == 0


def test_without_a_team_lead_the_programme_managers_of_the_organisation_hear_it(world, ann):
    world.alice.memberships.update(is_team_lead=False)
    case = _case(world, ann, hours=-1)

    _run()

    (message,) = mail.outbox
    assert message.to == ["pam@ibdo.example"]
    assert case.reference in message.body


def test_team_leads_of_another_organisation_hear_nothing(world, ann):
    lead = f.UserFactory(email="lead@assen.example", full_name="Lea Leider")
    f.MembershipFactory(
        user=lead, organisation=world.gem_assen, role="specialist", is_team_lead=True
    )
    case = _case(world, ann, hours=-1)

    _run()

    assert [m.to for m in mail.outbox] == [["alice@ibdo.example"]]
    assert case.reference in mail.outbox[0].body


def test_a_case_with_nobody_to_tell_is_tried_again_later(world, ann):
    world.alice.memberships.update(is_team_lead=False)
    world.pam.is_active = False
    world.pam.save()
    case = _case(world, ann, hours=-1)

    assert _run() == 0
    assert not AuditEvent.objects.filter(object_id=case.pk, changes__notified=OVERDUE).exists()

    world.alice.memberships.update(is_team_lead=True)
    assert _run() == 1
    assert case.reference in mail.outbox[0].body


def test_a_failed_mail_is_sent_again_on_the_next_run(world, ann, settings):
    case = _case(world, ann, hours=1)
    settings.EMAIL_BACKEND = "tests.casework.test_deadline_notifications.BrokenBackend"
    with pytest.raises(ConnectionRefusedError):
        send_deadline_notifications()
    assert not AuditEvent.objects.filter(object_id=case.pk, changes__notified=APPROACHING).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert _run() == 1
    assert case.reference in mail.outbox[0].body


class BrokenBackend:
    """A mail server that is down (a real class Django loads by its dotted path)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


# --- the work queue and the team view show it -----------------------------------------


def test_the_team_view_marks_overdue_cases_and_links_to_all_of_them(world, ann, login):
    late = _case(world, ann, hours=-2)
    html = login(world.alice).get(reverse("casework:queue")).content.decode()
    team = html.split('id="team-heading"', 1)[1].split("</section>", 1)[0]
    (row,) = [row for row in team.split("<tr")[1:] if late.reference in row]
    assert "te laat" in row
    assert "Ann Assen" in row
    assert "?open=true&amp;overdue=true" in team
