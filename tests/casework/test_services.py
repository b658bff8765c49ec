"""Casework services: the status pipeline, deadlines, contact moments, referrals, mail."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from loket.casework import queries, services, tasks
from loket.casework.models import Case, ContactMoment, Referral
from loket.core.models import AuditEvent, Need
from tests import factories as f

S = Case.Status
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")

ALLOWED = sorted((a, b) for a, targets in services.TRANSITIONS.items() for b in targets)


def _set_status(case: Case, status: str) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


# --- the status pipeline ---------------------------------------------------------------


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_allows_every_transition_of_the_pipeline(world, case, from_status, to_status):
    case = _set_status(case, from_status)
    case = services.change_status(
        world.alice, case, to_status, outcome=Case.Outcome.ANSWERED if to_status == S.CLOSED else ""
    )
    case.refresh_from_db()
    assert case.status == to_status


def test_the_pipeline_covers_every_status():
    assert set(services.TRANSITIONS) == set(S.values)
    # nothing goes back to new; a closed case only reopens into in progress
    assert all(S.NEW not in targets for targets in services.TRANSITIONS.values())
    assert services.TRANSITIONS[S.CLOSED] == {S.IN_PROGRESS}
    assert all(S.CLOSED in services.TRANSITIONS[s] for s in Case.OPEN_STATUSES)
    assert len(ALLOWED) == 19


def test_it_refuses_a_forbidden_transition(world, case):
    case = _set_status(case, S.IN_PROGRESS)
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(world.alice, case, S.NEW)
    assert "status" in excinfo.value.message_dict
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS


def test_it_refuses_an_unknown_status(world, case):
    with pytest.raises(ValidationError):
        services.change_status(world.alice, case, "gone")


def test_closing_needs_an_outcome(world, case):
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(world.alice, case, S.CLOSED)
    assert "outcome" in excinfo.value.message_dict
    case.refresh_from_db()
    assert case.status == S.NEW


def test_closing_records_outcome_and_time_and_reopening_clears_them(world, case):
    case = services.change_status(
        world.alice, case, S.CLOSED, outcome=Case.Outcome.ANSWERED, outcome_note="Uitgelegd."
    )
    assert case.closed_at is not None
    assert case.outcome == Case.Outcome.ANSWERED
    assert case.outcome_note == "Uitgelegd."
    assert not case.is_open

    case = services.change_status(world.alice, case, S.IN_PROGRESS)
    assert case.is_open
    assert case.closed_at is None
    assert case.outcome == ""
    assert case.outcome_note == ""
    assert services.allowed_transitions(case) == [S.REFERRED, S.WAITING, S.CLOSED]


def test_a_closed_case_can_only_be_reopened(world, case):
    case = services.change_status(world.alice, case, S.CLOSED, outcome=Case.Outcome.NO_NEED)
    assert services.allowed_transitions(case) == [S.IN_PROGRESS]
    with pytest.raises(ValidationError):
        services.change_status(world.alice, case, S.WAITING)


def test_a_partner_cannot_change_the_status(world, case):
    with pytest.raises(PermissionDenied):
        services.change_status(world.bob, case, S.IN_PROGRESS)


def test_a_status_change_is_audited_with_before_and_after(world, case):
    services.change_status(world.alice, case, S.IN_PROGRESS)
    event = AuditEvent.objects.filter(
        object_type="casework.case", object_id=case.pk, action=AuditEvent.Action.CHANGE
    ).latest("id")
    assert event.changes["status"] == [S.NEW, S.IN_PROGRESS]
    assert event.actor == world.alice


# --- opening a case, deadlines ---------------------------------------------------------


def _open_at(world, company, when: dt.datetime) -> Case:
    return services.open_case(world.alice, company, channel="web", question="Vraag", opened_at=when)


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        # Tuesday 10:00 -> Wednesday 10:00
        (dt.datetime(2026, 11, 24, 10, 0), dt.datetime(2026, 11, 25, 10, 0)),
        # Friday 10:00 -> Monday 10:00
        (dt.datetime(2026, 11, 27, 10, 0), dt.datetime(2026, 11, 30, 10, 0)),
        # Saturday -> Monday 17:00
        (dt.datetime(2026, 11, 28, 11, 30), dt.datetime(2026, 11, 30, 17, 0)),
        # Sunday evening -> Monday 17:00
        (dt.datetime(2026, 11, 29, 22, 0), dt.datetime(2026, 11, 30, 17, 0)),
        # King's Day (Monday 27 April 2026) -> Tuesday 17:00
        (dt.datetime(2026, 4, 27, 9, 0), dt.datetime(2026, 4, 28, 17, 0)),
        # The Friday before King's Day -> Tuesday 10:00 (weekend and holiday skipped)
        (dt.datetime(2026, 4, 24, 10, 0), dt.datetime(2026, 4, 28, 10, 0)),
        # Christmas Eve (Thursday) -> Monday 28 December (Christmas, Boxing Day, Sunday)
        (dt.datetime(2026, 12, 24, 15, 0), dt.datetime(2026, 12, 28, 15, 0)),
        # Christmas Day -> Monday 28 December 17:00
        (dt.datetime(2026, 12, 25, 10, 0), dt.datetime(2026, 12, 28, 17, 0)),
    ],
)
def test_the_deadline_skips_weekends_and_dutch_holidays(world, company, opened, due):
    case = _open_at(world, company, opened.replace(tzinfo=AMS))
    assert timezone.localtime(case.deadline).replace(tzinfo=None) == due


def test_the_deadline_follows_the_service_level_of_the_region(world, company):
    world.region.first_response_working_days = 3
    world.region.save()
    company.refresh_from_db()
    case = _open_at(world, company, dt.datetime(2026, 11, 26, 9, 0, tzinfo=AMS))  # Thursday
    assert timezone.localtime(case.deadline).replace(tzinfo=None) == dt.datetime(2026, 12, 1, 9, 0)


def test_opening_a_case_gives_it_a_reference_owner_and_audit_entry(world, case):
    assert case.reference.startswith("HV-")
    assert case.owner == world.alice
    assert case.organisation == world.bureau
    assert case.status == S.NEW
    assert AuditEvent.objects.filter(
        object_type="casework.case", object_id=case.pk, action=AuditEvent.Action.CREATE
    ).exists()


def test_a_partner_is_no_case_owner(world, company):
    with pytest.raises(ValidationError) as excinfo:
        services.open_case(world.alice, company, channel="phone", question="Vraag", owner=world.bob)
    assert "owner" in excinfo.value.message_dict


def test_opening_a_case_needs_a_question_and_a_valid_channel(world, company):
    with pytest.raises(ValidationError) as excinfo:
        services.open_case(world.alice, company, channel="pigeon", question="  ")
    assert {"question", "channel"} <= set(excinfo.value.message_dict)
    assert not Case.objects.exists()


def test_a_case_cannot_be_opened_for_a_company_of_another_region(world, company):
    with pytest.raises(PermissionDenied):
        services.open_case(world.olga, company, channel="phone", question="Vraag")


def test_the_organisation_of_a_case_must_be_the_owners(world, company):
    with pytest.raises(ValidationError) as excinfo:
        services.open_case(
            world.alice, company, channel="phone", question="Vraag", organisation=world.gem_emmen
        )
    assert "organisation" in excinfo.value.message_dict


def test_reassigning_moves_the_case_to_the_new_owners_organisation(world, case):
    specialist = f.UserFactory(email="sam@kvk.example", full_name="Sam Specialist")
    kvk = f.OrganisationFactory(region=world.region, name="KvK Noord")
    f.MembershipFactory(user=specialist, organisation=kvk, role="specialist")
    case = services.update_case(world.alice, case, {"owner": specialist})
    assert case.owner == specialist
    assert case.organisation == kvk


def test_reassigning_to_an_inactive_user_is_refused(world, case):
    world.pam.is_active = False
    world.pam.save()
    with pytest.raises(ValidationError):
        services.update_case(world.alice, case, {"owner": world.pam})


# --- contact moments -------------------------------------------------------------------


def test_the_first_contact_on_a_case_is_its_first_response(world, company, case):
    assert case.first_response_at is None
    services.record_contact(world.alice, company, kind="phone", summary="Gebeld.", case=case)
    case.refresh_from_db()
    first = case.first_response_at
    assert first is not None
    assert case.response_time is not None
    services.record_contact(world.alice, company, kind="email", summary="Gemaild.", case=case)
    case.refresh_from_db()
    assert case.first_response_at == first


def test_an_intake_moves_a_new_case_to_intake(world, company, case):
    services.record_contact(world.alice, company, kind="intake", summary="Intake.", case=case)
    case.refresh_from_db()
    assert case.status == S.INTAKE


def test_another_contact_moves_a_new_case_to_in_progress(world, company, case):
    services.record_contact(world.alice, company, kind="visit", summary="Bezoek.", case=case)
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS


def test_a_contact_before_the_case_was_opened_counts_from_the_opening(world, company, case):
    earlier = case.opened_at - dt.timedelta(hours=3)
    services.record_contact(
        world.alice, company, kind="phone", summary="Eerder.", case=case, occurred_at=earlier
    )
    case.refresh_from_db()
    assert case.first_response_at == case.opened_at


def test_an_intake_records_the_needs_heard(world, company, person):
    needs = list(Need.objects.all()[:2])
    assert len(needs) == 2, "the needs list is seeded by a migration"
    moment = services.record_contact(
        world.alice, company, kind="intake", summary="Intake.", needs=needs, persons=[person]
    )
    assert set(moment.needs.all()) == set(needs)
    assert list(moment.persons.all()) == [person]
    assert moment.organisation == world.bureau
    event = AuditEvent.objects.get(object_type="casework.contactmoment", object_id=moment.pk)
    assert sorted(event.changes["needs"][1]) == sorted(n.pk for n in needs)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"occurred_at": timezone.now() + dt.timedelta(days=2)}, "occurred_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"follow_up_on": dt.date(2000, 1, 1)}, "follow_up_on"),
        ({"summary": "   "}, "summary"),
        ({"kind": "telepathy"}, "kind"),
    ],
)
def test_a_contact_moment_keeps_its_rules(world, company, kwargs, field):
    data = {"kind": "phone", "summary": "Gebeld.", **kwargs}
    with pytest.raises(ValidationError) as excinfo:
        services.record_contact(world.alice, company, **data)
    assert field in excinfo.value.message_dict
    assert not ContactMoment.objects.exists()


def test_a_contact_moment_cannot_name_a_person_or_case_of_another_company(world, company, case):
    other = f.CompanyFactory(region=world.region)
    stranger = f.PersonFactory(company=other)
    with pytest.raises(ValidationError) as excinfo:
        services.record_contact(world.alice, other, kind="phone", summary="x", case=case)
    assert "case" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.record_contact(world.alice, company, kind="phone", summary="x", persons=[stranger])
    assert "persons" in excinfo.value.message_dict


def test_a_user_records_only_for_their_own_organisation(world, company):
    with pytest.raises(ValidationError) as excinfo:
        services.record_contact(
            world.bob, company, kind="phone", summary="x", organisation=world.gem_emmen
        )
    assert "organisation" in excinfo.value.message_dict


def test_changing_a_contact_moment_keeps_the_same_rules(world, company, case):
    moment = services.record_contact(world.alice, company, kind="phone", summary="Gebeld.")
    other_case = services.open_case(
        world.alice, f.CompanyFactory(region=world.region), channel="web", question="Andere"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.update_contact_moment(world.alice, moment, {"case": other_case})
    assert "case" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.update_contact_moment(
            world.alice, moment, {"occurred_at": timezone.now() + dt.timedelta(days=3)}
        )
    moment.refresh_from_db()
    assert moment.case is None


def test_linking_an_existing_contact_to_a_case_counts_as_its_response(world, company, case):
    moment = services.record_contact(world.alice, company, kind="intake", summary="Intake.")
    services.update_contact_moment(world.alice, moment, {"case": case, "summary": "Intake!"})
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert case.status == S.INTAKE
    event = AuditEvent.objects.filter(
        object_type="casework.contactmoment", object_id=moment.pk
    ).latest("id")
    assert event.changes["summary"] == ["Intake.", "Intake!"]


def test_only_the_authors_organisation_changes_or_deletes_a_contact_moment(world, company):
    moment = services.record_contact(world.alice, company, kind="phone", summary="Gebeld.")
    with pytest.raises(PermissionDenied):
        services.update_contact_moment(world.bob, moment, {"summary": "Gewijzigd"})
    with pytest.raises(PermissionDenied):
        services.delete_contact_moment(world.bob, moment)
    # a colleague of the same organisation may
    services.update_contact_moment(world.pam, moment, {"summary": "Aangevuld."})
    pk = moment.pk
    services.delete_contact_moment(world.pam, moment)
    assert not ContactMoment.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(
        object_type="casework.contactmoment", object_id=pk, action="delete"
    ).exists()


def test_a_confidential_contact_moment_stays_inside_the_authors_organisation(
    world, company, referral
):
    secret = services.record_contact(
        world.alice, company, kind="visit", summary="Vertrouwelijk.", confidential=True
    )
    shared = services.record_contact(world.alice, company, kind="visit", summary="Gedeeld.")
    # bob sees the company through the referral, but not the confidential note
    visible_to_bob = set(queries.contact_moments_visible_to(world.bob))
    assert shared in visible_to_bob
    assert secret not in visible_to_bob
    # a colleague of alice's organisation does see it
    assert secret in set(queries.contact_moments_visible_to(world.pam))


# --- referrals -------------------------------------------------------------------------


def test_referring_marks_the_case_referred_and_mails_the_receiving_organisation_once(
    world, case, referral
):
    case.refresh_from_db()
    assert referral.status == Referral.Status.SENT
    assert case.status == S.REFERRED
    assert case.owner == world.alice, "the account manager stays the owner"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.gem_assen.email]
    assert case.reference in message.subject
    assert f"/werk/verwijzingen/{referral.pk}/" in message.body
    assert "Bakkerij" not in message.body, "no company data in the e-mail"
    assert AuditEvent.objects.filter(
        object_type="casework.referral", object_id=referral.pk, action="create"
    ).exists()


def test_without_an_organisation_address_every_member_is_mailed(
    world, case, django_capture_on_commit_callbacks
):
    world.gem_emmen.email = ""
    world.gem_emmen.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.refer(world.alice, case, to_organisation=world.gem_emmen, message="Graag.")
    assert [m.to for m in mail.outbox] == [[world.charlie.email]]


def test_the_notification_task_is_idempotent(world, referral):
    assert len(mail.outbox) == 1
    assert tasks.notify_referral_received.call(referral.pk) == 0
    tasks.notify_referral_received.enqueue(referral.pk)
    assert len(mail.outbox) == 1


def test_a_proposed_referral_sends_no_mail_until_it_is_sent(
    world, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.refer(
            world.alice, case, to_organisation=world.gem_emmen, message="Idee.", send=False
        )
    assert proposal.status == Referral.Status.PROPOSED
    assert mail.outbox == []
    assert proposal not in set(queries.referral_inbox(world.charlie))
    with django_capture_on_commit_callbacks(execute=True):
        services.send_referral(world.alice, proposal)
    assert len(mail.outbox) == 1
    case.refresh_from_db()
    assert case.status == S.REFERRED


@pytest.mark.parametrize(
    ("org", "field"),
    [("bureau", "to_organisation"), ("twente_bureau", "to_organisation")],
)
def test_referring_needs_another_organisation_of_the_region(world, case, org, field):
    with pytest.raises(ValidationError) as excinfo:
        services.refer(world.alice, case, to_organisation=getattr(world, org), message="x")
    assert field in excinfo.value.message_dict


def test_referring_needs_a_message(world, case):
    with pytest.raises(ValidationError) as excinfo:
        services.refer(world.alice, case, to_organisation=world.gem_assen, message=" ")
    assert "message" in excinfo.value.message_dict


def test_a_case_is_not_referred_twice_to_the_same_organisation(world, case, referral):
    with pytest.raises(ValidationError) as excinfo:
        services.refer(world.alice, case, to_organisation=world.gem_assen, message="Nog eens")
    assert "to_organisation" in excinfo.value.message_dict


def test_a_closed_case_is_not_referred(world, case):
    case = services.change_status(world.alice, case, S.CLOSED, outcome=Case.Outcome.ANSWERED)
    with pytest.raises(ValidationError):
        services.refer(world.alice, case, to_organisation=world.gem_assen, message="x")


@pytest.mark.parametrize("who", ["alice", "charlie", "olga"])
def test_only_the_receiving_organisation_answers_a_referral(world, referral, who):
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.accept_referral(user, referral)
    with pytest.raises(PermissionDenied):
        services.decline_referral(user, referral, "Geen tijd")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT


def test_declining_needs_a_reason_and_returns_the_case_to_its_owner(
    world, case, referral, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as excinfo:
        services.decline_referral(world.bob, referral, "  ")
    assert "decline_reason" in excinfo.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.decline_referral(world.bob, referral, "Past niet bij ons aanbod.")
    assert referral.status == Referral.Status.DECLINED
    assert referral.handled_by == world.bob
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert [m.to for m in mail.outbox[1:]] == [[world.alice.email]]
    assert "afgewezen" in mail.outbox[1].subject


def test_accept_then_complete_with_feedback_returns_the_case_and_mails_the_owner(
    world, case, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.accept_referral(world.bob, referral)
    assert referral.status == Referral.Status.ACCEPTED
    case.refresh_from_db()
    assert case.status == S.REFERRED, "accepted is still with the partner"
    with pytest.raises(ValidationError) as excinfo:
        services.complete_referral(world.bob, referral, "")
    assert "feedback" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        services.complete_referral(world.charlie, referral, "Gedaan")
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.complete_referral(world.bob, referral, "Subsidie aangevraagd.")
    assert referral.status == Referral.Status.COMPLETED
    assert referral.feedback == "Subsidie aangevraagd."
    assert referral.completed_at is not None
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert case.owner == world.alice
    owner_mails = [m for m in mail.outbox if m.to == [world.alice.email]]
    assert len(owner_mails) == 2  # accepted, completed
    # run again: nothing new is sent
    assert tasks.notify_referral_answered.call(referral.pk) == 0
    assert len([m for m in mail.outbox if m.to == [world.alice.email]]) == 2
    changes = [
        e.changes.get("status")
        for e in AuditEvent.objects.filter(
            object_type="casework.referral", object_id=referral.pk
        ).order_by("id")
    ]
    assert [Referral.Status.SENT, Referral.Status.ACCEPTED] in changes
    assert [Referral.Status.ACCEPTED, Referral.Status.COMPLETED] in changes


def test_completing_needs_an_accepted_referral(world, referral):
    with pytest.raises(ValidationError):
        services.complete_referral(world.bob, referral, "Gedaan")


def test_a_case_with_another_open_referral_stays_referred(
    world, case, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.refer(world.alice, case, to_organisation=world.gem_emmen, message="Ook jullie")
        services.decline_referral(world.bob, referral, "Niet voor ons.")
    case.refresh_from_db()
    assert case.status == S.REFERRED


def test_a_partner_sees_the_company_from_the_referral_on(world, company, referral):
    from loket.companies.queries import companies_visible_to

    assert company in set(companies_visible_to(world.bob))
    assert company not in set(companies_visible_to(world.charlie))
    assert referral in set(queries.referral_inbox(world.bob))
    assert referral not in set(queries.referrals_visible_to(world.charlie))
