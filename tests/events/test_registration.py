"""Registering for an event, the waiting list, cancelling, and the mails that go with
them (confirmation with a valid .ics and the personal cancel link, waiting list, moved
up, the reminder the day before)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from loket.companies.models import Company, Consent, Person
from loket.core.models import AuditEvent
from loket.events.models import Event, Registration
from loket.events.services import registration as services
from loket.events.tasks import reminders_due, send_event_reminders
from tests import factories as f
from tests.events.registration_helpers import event_of, ics_of, mails_to, person, tomorrow_at


def _register(event, data, commit, **kwargs):
    with commit(execute=True):
        return services.register(event, data, **kwargs)


def test_a_registration_is_confirmed_linked_to_the_client_record_with_consent(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    event = event_of(world, title="Netwerkborrel Assen")
    data = person(1, world, kvk_number="11223344")
    done = _register(event, data, django_capture_on_commit_callbacks)
    assert done.status == Registration.Status.CONFIRMED
    assert done.source == Registration.Source.PORTAL
    assert done.consent_given_at is not None
    company = Company.objects.get(kvk_number="11223344")
    assert (done.company, done.person) == (company, Person.objects.get(company=company))
    consent = Consent.objects.get(person=done.person)
    assert consent.method == Consent.Method.WEB_FORM
    assert "evenement" in consent.purpose
    # the trail records the registration without the person's name
    trail = AuditEvent.objects.get(object_type="events.registration", action="create")
    assert "Deelnemer" not in trail.object_label
    # the confirmation: subject, the cancel link, a valid .ics
    [mail] = mails_to(mailoutbox, "deelnemer1@bedrijf1.example")
    assert mail.subject == "Aangemeld: Netwerkborrel Assen"
    assert f"/agenda/afmelden/{done.token}/" in mail.body
    vevent = ics_of(mail)
    assert str(vevent["summary"]) == "Netwerkborrel Assen"
    assert vevent.decoded("dtstart") == event.starts_at
    assert vevent.decoded("dtend") == event.ends_at
    assert "TT Hall" in str(vevent["location"])
    assert str(vevent["uid"]).startswith(f"event-{event.pk}@")


def test_registering_twice_links_once_and_records_consent_once(
    world, django_capture_on_commit_callbacks
):
    first = _register(event_of(world), person(1, world), django_capture_on_commit_callbacks)
    second = _register(event_of(world), person(1, world), django_capture_on_commit_callbacks)
    assert first.person == second.person
    assert Company.objects.filter(name="Bedrijf 1").count() == 1
    assert Consent.objects.filter(person=first.person).count() == 1


def test_the_same_email_twice_for_one_event_is_refused_on_the_field(
    world, django_capture_on_commit_callbacks
):
    event = event_of(world)
    _register(event, person(1, world), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        services.register(event, person(1, world, name="Ander"))
    assert exc.value.message_dict == {
        "email": ["Dit e-mailadres is al aangemeld voor dit evenement."]
    }
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "Dit evenement is afgelast; aanmelden kan niet meer."),
        ({"status": Event.Status.DRAFT}, "Dit evenement is nog niet gepubliceerd"),
        ({"registration_deadline": "past"}, "de termijn is voorbij"),
    ],
)
def test_a_closed_event_refuses_registrations(world, changes, message):
    if changes.get("registration_deadline") == "past":
        changes = {"registration_deadline": timezone.now() - dt.timedelta(hours=1)}
    event = event_of(world, **changes)
    with pytest.raises(ValidationError) as exc:
        services.register(event, person(1, world))
    assert message in " ".join(exc.value.messages)
    assert not Registration.objects.exists()
    assert not Company.objects.filter(name="Bedrijf 1").exists()


def test_the_portal_needs_email_and_consent(world):
    event = event_of(world)
    with pytest.raises(ValidationError) as exc:
        services.register(event, person(1, world, email="", consent=False))
    assert set(exc.value.message_dict) == {"email", "consent"}
    assert not Registration.objects.exists()


def test_a_full_event_puts_people_on_the_waiting_list_and_cancelling_moves_the_first_up(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    event = event_of(world, capacity=2, title="Masterclass Export")
    one = _register(event, person(1, world), django_capture_on_commit_callbacks)
    _register(event, person(2, world), django_capture_on_commit_callbacks)
    three = _register(event, person(3, world), django_capture_on_commit_callbacks)
    four = _register(event, person(4, world), django_capture_on_commit_callbacks)
    assert (three.status, four.status) == ("waiting", "waiting")
    [waiting_mail] = mails_to(mailoutbox, "deelnemer3@bedrijf3.example")
    assert waiting_mail.subject == "Op de wachtlijst: Masterclass Export"
    assert waiting_mail.attachments == []
    assert services.places_left(event) == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(one)
    one.refresh_from_db()
    three.refresh_from_db()
    four.refresh_from_db()
    assert one.status == "cancelled"
    assert one.cancelled_at is not None
    assert three.status == "confirmed"
    assert three.promoted_at is not None
    assert four.status == "waiting"
    mails = mails_to(mailoutbox, "deelnemer3@bedrijf3.example")
    assert [m.subject for m in mails] == [
        "Op de wachtlijst: Masterclass Export",
        "Er is plaats: u bent aangemeld voor Masterclass Export",
    ]
    assert str(ics_of(mails[1])["summary"]) == "Masterclass Export"
    assert mails_to(mailoutbox, "deelnemer4@bedrijf4.example")[-1].subject.startswith(
        "Op de wachtlijst"
    )
    with pytest.raises(ValidationError, match="al afgemeld"):
        services.cancel(one)


def test_more_places_move_the_waiting_list_up_in_order(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    from loket.events.services.events import update_event

    event = event_of(world, capacity=1, title="Masterclass Export")
    _register(event, person(1, world), django_capture_on_commit_callbacks)
    two = _register(event, person(2, world), django_capture_on_commit_callbacks)
    three = _register(event, person(3, world), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        update_event(world.alice, event, {"capacity": 2})
    two.refresh_from_db()
    three.refresh_from_db()
    assert (two.status, three.status) == ("confirmed", "waiting")
    assert mails_to(mailoutbox, "deelnemer2@bedrijf2.example")[-1].subject == (
        "Er is plaats: u bent aangemeld voor Masterclass Export"
    )
    # no maximum any more: everyone waiting is in
    with django_capture_on_commit_callbacks(execute=True):
        update_event(world.alice, event, {"capacity": None})
    three.refresh_from_db()
    assert three.status == "confirmed"


def test_cancelling_from_the_waiting_list_moves_nobody_up(
    world, django_capture_on_commit_callbacks
):
    event = event_of(world, capacity=1)
    _register(event, person(1, world), django_capture_on_commit_callbacks)
    two = _register(event, person(2, world), django_capture_on_commit_callbacks)
    three = _register(event, person(3, world), django_capture_on_commit_callbacks)
    services.cancel(two)
    three.refresh_from_db()
    assert three.status == "waiting"


def test_an_online_link_is_only_in_the_mails_of_confirmed_registrants(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    link = "https://webinar.example/kamer/geheim"
    event = event_of(world, capacity=1, online=True, online_url=link, venue="", address="")
    _register(event, person(1, world), django_capture_on_commit_callbacks)
    _register(event, person(2, world), django_capture_on_commit_callbacks)
    [confirmed] = mails_to(mailoutbox, "deelnemer1@bedrijf1.example")
    [waiting] = mails_to(mailoutbox, "deelnemer2@bedrijf2.example")
    assert link in confirmed.body
    assert str(ics_of(confirmed)["location"]) == link
    assert link not in waiting.body


def test_staff_register_someone_without_email_and_partners_who_only_see_the_event_may_not(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    event = event_of(world)
    done = _register(
        event,
        person(1, world, email="", consent=False, kvk_number="55667788"),
        django_capture_on_commit_callbacks,
        actor=world.alice,
    )
    assert done.source == Registration.Source.STAFF
    # without consent the company is linked, the person is not
    assert done.company.kvk_number == "55667788"
    assert done.person is None
    assert not Person.objects.filter(company=done.company).exists()
    assert mailoutbox == []
    with pytest.raises(PermissionDenied):
        services.register(event, person(2, world), actor=world.bob)
    with pytest.raises(PermissionDenied):
        services.cancel(done, actor=world.bob)
    services.cancel(done, actor=world.alice)


def test_staff_may_register_after_the_deadline_but_not_after_the_event(world):
    event = event_of(world, registration_deadline=timezone.now() - dt.timedelta(hours=1))
    assert services.register(event, person(1, world), actor=world.alice).status == "confirmed"
    past = event_of(
        world,
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    with pytest.raises(ValidationError, match="al plaatsgevonden"):
        services.register(past, person(2, world), actor=world.alice)


def test_the_reminder_goes_the_day_before_once(world, mailoutbox):
    tomorrow = event_of(world, starts_at=tomorrow_at(15), ends_at=tomorrow_at(17))
    later = event_of(world)
    confirmed = f.RegistrationFactory(event=tomorrow, email="komt@example.nl")
    f.RegistrationFactory(event=tomorrow, email="wacht@example.nl", status="waiting")
    f.RegistrationFactory(event=tomorrow, email="afgemeld@example.nl", status="cancelled")
    f.RegistrationFactory(event=later, email="later@example.nl")
    assert list(reminders_due()) == [confirmed]

    out = io.StringIO()
    call_command("run_scheduled", stdout=out)
    assert "send_event_reminders" in out.getvalue()
    [mail] = mailoutbox
    assert mail.to == ["komt@example.nl"]
    assert mail.subject == f"Morgen: {tomorrow.title}"
    assert f"/agenda/afmelden/{confirmed.token}/" in mail.body
    assert str(ics_of(mail)["summary"]) == tomorrow.title
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is not None

    # running again (or twice at once) sends nothing twice
    call_command("run_scheduled", stdout=io.StringIO())
    assert send_event_reminders.call() == 0
    assert len(mailoutbox) == 1


def test_a_registration_mail_is_sent_once_and_not_after_cancelling(world, mailoutbox):
    from loket.events.tasks import send_registration_mail

    registration = f.RegistrationFactory(event=event_of(world), email="een@example.nl")
    assert send_registration_mail.call(registration.pk, "confirmed") == 1
    assert send_registration_mail.call(registration.pk, "confirmed") == 0
    cancelled = f.RegistrationFactory(
        event=registration.event, email="twee@example.nl", status="cancelled"
    )
    assert send_registration_mail.call(cancelled.pk, "confirmed") == 0
    assert send_registration_mail.call(registration.pk, "bogus") == 0
    assert len(mailoutbox) == 1
