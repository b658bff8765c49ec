"""The events and collectives pages in English, for staff and on the public calendar: no
Dutch of the interface left (the data is the user's own and may be in any language)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loket.events.models import Event, Registration
from tests import factories as f
from tests.core.test_translations import DUTCH, assert_english, visible_text


@pytest.fixture
def english_advisor(world):
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    return world.alice


@pytest.fixture
def activities(world):
    programme = f.ProgrammeFactory(
        region=world.region, name="Growth Programme", organisations=[world.bureau]
    )
    company = f.CompanyFactory(region=world.region, name="Oak Forge Ltd", municipality=world.assen)
    person = f.PersonFactory(company=company, name="Ann Oak", email="ann@oak.example")
    coming = f.EventFactory(
        programme=programme,
        title="Growth meetup",
        organiser=world.bureau,
        partners=[world.gem_assen],
        municipality=world.assen,
        description="Meet other entrepreneurs.",
    )
    now = timezone.now()
    today = f.EventFactory(
        programme=programme,
        title="Robot morning",
        description="Robots at work.",
        organiser=world.bureau,
        partners=[world.gem_assen],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    for event in (coming, today):
        f.RegistrationFactory(
            event=event, name="Ann Oak", email="ann@oak.example", company=company, person=person
        )
    past = f.EventFactory(
        programme=programme,
        title="Export webinar",
        description="Selling abroad.",
        kind=Event.Kind.WEBINAR,
        organiser=world.bureau,
        partners=[world.gem_assen],
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=3) + dt.timedelta(hours=1),
        attendance_final_at=now - dt.timedelta(days=2),
    )
    f.RegistrationFactory(
        event=past,
        name="Ann Oak",
        email="ann@oak.example",
        company=company,
        person=person,
        attendance=Registration.Attendance.PRESENT,
    )
    cluster = f.CollectiveFactory(
        programme=programme, organisation=world.bureau, name="Health tech", opportunity="Care"
    )
    f.MemberFactory(collective=cluster, company=company)
    table = f.CollectiveFactory(
        programme=programme, organisation=world.bureau, kind="crisis_table", phase="", name="Help"
    )
    f.TableSessionFactory(collective=table)
    f.TableCaseFactory(collective=table, company=company, question="How to finance a new line?")
    carousel = f.CollectiveFactory(
        programme=programme, organisation=world.bureau, kind="export_carousel", phase=""
    )
    f.MemberFactory(collective=carousel, company=company, interests="German, Germany")
    carousel_round = f.CarouselRoundFactory(collective=carousel, name="Spring round")
    f.StudentFactory(round=carousel_round, team=f.StudentTeamFactory(round=carousel_round))
    return {
        "programme": programme,
        "coming": coming,
        "today": today,
        "past": past,
        "cluster": cluster,
        "table": table,
        "round": carousel_round,
    }


def test_the_staff_pages_of_events_and_collectives_are_in_english(
    english_advisor, activities, login
):
    client = login(english_advisor)
    a = activities
    pages = [
        (reverse("events:event_list"), "Events"),
        (reverse("events:event_create"), "Title"),
        (reverse("events:event_detail", args=[a["coming"].pk]), "Growth meetup"),
        (reverse("events:registration_create", args=[a["coming"].pk]), "Growth meetup"),
        (reverse("events:checkin", args=[a["today"].pk]), "Ann Oak"),
        (reverse("events:walk_in", args=[a["today"].pk]), "Robot morning"),
        (reverse("events:figures", args=[a["past"].pk]), "Export webinar"),
        (reverse("events:follow_up", args=[a["past"].pk]), "Ann Oak"),
        (reverse("events:webinar_import", args=[a["past"].pk]), "Export webinar"),
        (reverse("events:programme_activity", args=[a["programme"].pk]), "Growth Programme"),
        (reverse("collectives:collective_list"), "Health tech"),
        (reverse("collectives:collective_create"), "Name"),
        (reverse("collectives:collective_detail", args=[a["cluster"].pk]), "Health tech"),
        (reverse("collectives:collective_detail", args=[a["table"].pk]), "Help"),
        (reverse("collectives:session_create", args=[a["table"].pk]), "Help"),
        (reverse("collectives:table_case_create", args=[a["table"].pk]), "Help"),
        (reverse("collectives:round_detail", args=[a["round"].pk]), "Spring round"),
        (reverse("collectives:match_screen", args=[a["round"].pk]), "Spring round"),
        (reverse("collectives:student_import", args=[a["round"].pk]), "Spring round"),
    ]
    for url, phrase in pages:
        assert_english(client.get(url), phrase)


def test_the_public_calendar_is_in_english(activities):
    coming = activities["coming"]
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url, phrase in [
        (reverse("agenda:calendar"), "Growth meetup"),
        (reverse("agenda:event", args=[coming.pk]), "Growth meetup"),
        (reverse("agenda:register", args=[coming.pk]), "Growth meetup"),
    ]:
        assert_english(client.get(url), phrase)


def test_the_dutch_check_would_notice_a_dutch_events_page(world, activities, login):
    response = login(world.pam).get(reverse("events:event_detail", args=[activities["coming"].pk]))
    assert any(word in visible_text(response) for word in DUTCH)
