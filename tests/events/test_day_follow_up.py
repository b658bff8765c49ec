"""Follow-up after an event: the organiser picks attendees and each company gets one help
request (channel event) for its account manager, or for whom the assignment rules
choose; nothing before attendance is final, nobody twice, garbage refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loket.casework.models import Case
from loket.events.models import Registration
from loket.events.services import attendance
from tests import factories as f
from tests.events.day_helpers import registration, setup


@pytest.fixture
def day(world):
    data = setup(world)
    data.bakery.account_manager = world.pam
    data.bakery.save()
    for reg in (data.anna, data.bert, data.carla):
        attendance.set_attendance(world.alice, reg, True)
    return data


def _url(event):
    return reverse("events:follow_up", args=[event.pk])


def test_before_attendance_is_final_there_is_nothing_to_pick(world, login, day):
    client = login(world.alice)
    assert "Stel eerst de aanwezigheid vast" in client.get(_url(day.event)).content.decode()
    response = client.post(_url(day.event), {"registrations": [day.anna.pk], "note": "Bellen"})
    assert response.status_code == 422
    assert "Stel eerst de aanwezigheid vast" in response.content.decode()
    assert not Case.objects.exists()


def test_one_case_per_company_for_its_account_manager(world, login, day):
    attendance.finalise(world.alice, day.event)
    client = login(world.alice)
    page = client.get(_url(day.event)).content.decode()
    assert "accountmanager: Pam Programma" in page
    response = client.post(
        _url(day.event),
        {"registrations": [day.anna.pk, day.bert.pk], "note": "Wil exporteren naar Duitsland."},
        follow=True,
    )
    assert "Er is 1 hulpvraag aangemaakt voor de opvolging." in response.content.decode()
    case = Case.objects.get()
    assert case.company == day.bakery
    assert case.owner == world.pam
    assert case.channel == Case.Channel.EVENT
    assert "Netwerkborrel Assen" in case.question
    assert "Wil exporteren naar Duitsland." in case.question
    assert case.person.name == "Anna Jansen"
    for reg in (day.anna, day.bert):
        reg.refresh_from_db()
        assert reg.follow_up_case == case
    # they are followed up: listed under "Opgevolgd", no longer offered
    page = client.get(_url(day.event)).content.decode()
    assert case.reference in page
    assert f'value="{day.anna.pk}"' not in page
    assert f'value="{day.carla.pk}"' in page


def test_without_an_account_manager_the_assignment_rules_choose(world, login, day):
    olaf = f.UserFactory(full_name="Olaf Oost")
    f.MembershipFactory(user=olaf, organisation=world.bureau, role="advisor")
    f.AssignmentRuleFactory(region=world.region, municipality=world.emmen, advisors=[olaf])
    attendance.finalise(world.alice, day.event)
    login(world.alice).post(_url(day.event), {"registrations": [day.carla.pk], "note": "Bellen"})
    case = Case.objects.get(company=day.garage)
    assert case.owner == olaf


def test_an_account_manager_who_cannot_work_cases_is_passed_over(world, login, day):
    day.garage.account_manager = world.adam  # an administrator works no cases
    day.garage.save()
    attendance.finalise(world.alice, day.event)
    login(world.alice).post(_url(day.event), {"registrations": [day.carla.pk], "note": "Bellen"})
    assert Case.objects.get(company=day.garage).owner == world.alice  # the team lead


def test_garbage_to_the_follow_up_form(world, login, day):
    attendance.finalise(world.alice, day.event)
    walk_in_without_company = registration(
        day.event, name="Zonder Bedrijf", attendance=Registration.Attendance.PRESENT
    )
    absent = registration(day.event, f.CompanyFactory(region=world.region), name="Afwezig")
    absent.attendance = Registration.Attendance.ABSENT
    absent.save()
    other_event_reg = registration(
        f.EventFactory(region=world.region), f.CompanyFactory(region=world.region)
    )
    client = login(world.alice)
    cases = [
        ({"note": "Bellen"}, "registrations", "Kies wie opgevolgd moet worden."),
        ({"registrations": [day.anna.pk]}, "note", "Schrijf op wat de accountmanager"),
        ({"registrations": [day.anna.pk], "note": "   "}, "note", "Schrijf op wat"),
        ({"registrations": [day.anna.pk], "note": "x" * 2001}, "note", "hoogstens 2000"),
        ({"registrations": ["abc"], "note": "Bellen"}, "registrations", "uit de lijst"),
        ({"registrations": [str(2**64)], "note": "Bellen"}, "registrations", "uit de lijst"),
        ({"registrations": [absent.pk], "note": "Bellen"}, "registrations", "uit de lijst"),
        (
            {"registrations": [walk_in_without_company.pk], "note": "Bellen"},
            "registrations",
            "uit de lijst",
        ),
        ({"registrations": [other_event_reg.pk], "note": "B"}, "registrations", "uit de lijst"),
        ({"registrations": [day.anna.pk], "note": "a\x00b"}, "note", "Null"),
    ]
    for data, field, message in cases:
        response = client.post(_url(day.event), data)
        assert response.status_code == 422, data
        body = response.content.decode()
        assert f'id="id_{field}_error"' in body, data
        assert message.lower() in body.lower(), (data, message)
    assert not Case.objects.exists()


def test_only_who_manages_the_event_follows_up(world, login, day):
    attendance.finalise(world.alice, day.event)
    data = {"registrations": [day.anna.pk], "note": "Bellen"}
    assert login(world.bob).get(_url(day.event)).status_code == 403
    assert login(world.bob).post(_url(day.event), data).status_code == 403
    assert login(world.charlie).post(_url(day.event), data).status_code == 404
    assert not Case.objects.exists()
