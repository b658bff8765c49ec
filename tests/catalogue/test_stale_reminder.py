"""The weekly reminder to verify stale instruments: one e-mail per editor (or, without
one, the programme managers of the instrument's region) listing what to verify with
links, at most once a week; and the scheduler command that enqueues it and the deadline
check. Run through django-tasks (the immediate backend in tests)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from loket.catalogue.models import STALE_AFTER_DAYS
from loket.catalogue.tasks import (
    REMINDER,
    RUN_OBJECT_TYPE,
    remind_stale_instruments,
    reminder_due,
)
from loket.core.models import AuditEvent
from tests import factories as f

STALE = timezone.localdate() - dt.timedelta(days=STALE_AFTER_DAYS + 1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://loket.example"


@pytest.fixture
def eva(world):
    """An advisor who edits part of the catalogue."""
    user = f.UserFactory(email="eva@ibdo.example", full_name="Eva Redacteur")
    f.MembershipFactory(user=user, organisation=world.bureau, role="advisor")
    return user


@pytest.fixture
def tom(world):
    """The programme manager of Twente."""
    user = f.UserFactory(email="tom@twente.example", full_name="Tom Twente")
    f.MembershipFactory(user=user, organisation=world.twente_bureau, role="programme_manager")
    return user


def _instrument(world, name, **kw):
    kw.setdefault("region", world.region)
    kw.setdefault("last_verified", STALE)
    return f.InstrumentFactory(name=name, **kw)


def _run() -> int:
    return remind_stale_instruments.enqueue().return_value


def _detail(instrument):
    return "https://loket.example" + reverse("catalogue:detail", args=[instrument.pk])


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_the_editor_gets_one_mail_listing_their_stale_instruments(world, eva):
    old = _instrument(world, "Innovatievoucher Drenthe", editor=eva)
    never = _instrument(world, "Exportcoaching", editor=eva, last_verified=None)
    fresh = _instrument(world, "Starterslening", editor=eva, last_verified=timezone.localdate())
    someone_elses = _instrument(world, "Groeiversneller", editor=world.alice)

    assert _run() == 2

    (message,) = _to("eva@ibdo.example")
    assert "2 instrumenten" in message.subject
    assert _detail(old) in message.body
    assert _detail(never) in message.body
    assert "Innovatievoucher Drenthe" in message.body
    assert f"laatst gecontroleerd op {STALE:%d-%m-%Y}" in message.body
    assert "nooit gecontroleerd" in message.body
    assert fresh.name not in message.body
    assert someone_elses.name not in message.body
    (alices,) = _to("alice@ibdo.example")
    assert _detail(someone_elses) in alices.body


def test_without_an_active_editor_the_regions_programme_managers_are_reminded(world, eva, tom):
    orphan = _instrument(world, "Zonder redacteur")
    eva.is_active = False
    eva.save()
    left = _instrument(world, "Redacteur vertrokken", editor=eva)

    _run()

    assert [m.to for m in mail.outbox] == [["pam@ibdo.example"]]
    assert _detail(orphan) in mail.outbox[0].body
    assert _detail(left) in mail.outbox[0].body
    assert not _to("tom@twente.example")  # another region's manager
    assert not _to("adam@ibdo.example")  # administrators are not editors by default


def test_a_shared_instrument_goes_to_the_managers_of_the_regions_it_applies_to(world, tom):
    everywhere = _instrument(
        world, "Innovatiekrediet", region=None, provider_kind="national", provider_name="RVO"
    )
    twente_only = _instrument(
        world, "Twentse regeling", region=None, provider_kind="national", provider_name="RVO"
    )
    twente_only.regions.set([world.other_region])

    _run()

    (pams,) = _to("pam@ibdo.example")
    (toms,) = _to("tom@twente.example")
    assert everywhere.name in pams.body
    assert twente_only.name not in pams.body
    assert everywhere.name in toms.body
    assert twente_only.name in toms.body


def test_at_most_once_a_week(world, eva):
    _instrument(world, "Innovatievoucher Drenthe", editor=eva)
    assert _run() == 1
    assert _run() == 0
    assert len(mail.outbox) == 1

    # Six days later: still nothing; eight days later: the next reminder.
    events = AuditEvent.objects.filter(object_type="accounts.user", changes__notified=REMINDER)
    events.update(at=timezone.now() - dt.timedelta(days=6))
    assert _run() == 0
    events.update(at=timezone.now() - dt.timedelta(days=8))
    assert _run() == 1
    assert len(_to("eva@ibdo.example")) == 2


def test_nobody_with_only_verified_instruments_gets_mail(world, eva):
    _instrument(world, "Starterslening", editor=eva, last_verified=timezone.localdate())
    assert _run() == 0
    assert mail.outbox == []


def test_the_reminder_is_in_the_editors_language(world, eva):
    eva.language = "en"
    eva.save()
    _instrument(world, "Innovatievoucher Drenthe", editor=eva)
    _run()
    (message,) = mail.outbox
    assert "Kind regards," in message.body
    assert "Met vriendelijke groet," not in message.body


# --- the scheduler -------------------------------------------------------------------


def test_the_scheduler_runs_the_deadline_check_always_and_the_reminder_weekly(world, eva):
    _instrument(world, "Innovatievoucher Drenthe", editor=eva)
    case = f.CaseFactory(
        company=f.CompanyFactory(region=world.region),
        owner=eva,
        organisation=world.bureau,
        deadline=timezone.now() + dt.timedelta(hours=1),
    )
    assert reminder_due()

    out = io.StringIO()
    call_command("run_scheduled", stdout=out)

    assert "notify_deadlines" in out.getvalue()
    assert "remind_stale_instruments" in out.getvalue()
    mails = _to("eva@ibdo.example")
    assert sorted(("Innovatievoucher" in m.body, case.reference in m.body) for m in mails) == [
        (False, True),  # the deadline notice
        (True, False),  # the reminder
    ]
    assert not reminder_due()

    # A quarter of an hour later: a new case near its deadline; no second reminder.
    later = f.CaseFactory(
        company=f.CompanyFactory(region=world.region),
        owner=eva,
        organisation=world.bureau,
        deadline=timezone.now() + dt.timedelta(hours=1),
    )
    out = io.StringIO()
    call_command("run_scheduled", stdout=out)
    assert "notify_deadlines" in out.getvalue()
    assert "remind_stale_instruments" not in out.getvalue()
    assert len(_to("eva@ibdo.example")) == 3
    assert later.reference in mail.outbox[-1].body

    # A week after the last run, the reminder is due again.
    AuditEvent.objects.filter(object_type=RUN_OBJECT_TYPE).update(
        at=timezone.now() - dt.timedelta(days=7, minutes=1)
    )
    assert reminder_due()
