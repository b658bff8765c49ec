"""The demo's events and collective instruments: about 35 events a year with partners,
attendance that is final and on the companies' timelines, big webinars, clusters in each
phase that keep to the rule, tables with sessions and two carousel rounds."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from loket.accounts.models import Organisation
from loket.casework.models import ContactMoment
from loket.collectives.models import (
    CarouselRound,
    Collective,
    Match,
    Member,
    TableCase,
    TableSession,
)
from loket.core.workdays import add_working_days
from loket.demo.activities import load_activities
from loket.demo.generator import Scale
from loket.demo.programmes import flush_programmes
from loket.events.models import Event, Registration
from loket.programmes.models import Programme

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=timezone.get_default_timezone())
TODAY = NOW.date()
SCALE = Scale(companies=500, contacts=200, cases=20, referrals=10)
R = Registration


# The demo of every test here, generated once for the module (tests/demo/conftest.py).
DEMO = {"seed": 7, "scale": SCALE, "now": NOW, "rebuild_index": False}


def test_events_are_organised_with_partners_and_attendance_is_on_the_timeline(demo):
    events = Event.objects.filter(region=demo.region)
    per_year = Counter(events.values_list("starts_at__year", flat=True))
    assert per_year == {2025: 35, 2026: 35, 2027: 35}
    assert set(events.values_list("kind", flat=True)) == set(Event.Kind.values)
    for event in events.prefetch_related("partners").select_related("organiser"):
        partners = [p for p in event.partners.all() if p.pk != event.organiser_id]
        assert any(p.kind != Organisation.Kind.PROGRAMME for p in partners), event.title
        assert event.ends_at > event.starts_at
        assert event.online == (event.kind == Event.Kind.WEBINAR)
        assert event.online or event.municipality_id
        if event.kind == Event.Kind.MASTERCLASS:
            assert event.host_company_id, event.title
        if event.ends_at < NOW and event.status == Event.Status.PUBLISHED:
            assert event.attendance_final_at is not None
        confirmed = event.registrations.filter(status=R.Status.CONFIRMED).count()
        if event.capacity:
            assert confirmed <= event.capacity
        if event.registrations.filter(status=R.Status.WAITING).exists():
            assert confirmed == event.capacity
        if event.status != Event.Status.PUBLISHED or event.starts_at > NOW:
            assert not event.registrations.exclude(attendance=R.Attendance.UNKNOWN).exists()
    # About 2,200 visits a year (the brief: 35 events, 2,185 visits) at full scale; here
    # the region has fewer companies, so fewer registrants per meeting.
    visits = R.objects.filter(attendance=R.Attendance.PRESENT)
    assert visits.filter(event__starts_at__year=2025).count() > 1000
    # A few webinars a year with 200-400 viewers.
    big = (
        events.filter(kind=Event.Kind.WEBINAR)
        .annotate(viewers=Count("registrations", filter=Q(registrations__attendance="present")))
        .filter(viewers__gte=200, viewers__lte=400)
    )
    assert Counter(big.values_list("starts_at__year", flat=True))[2025] >= 2
    # Each attending company has one contact moment of kind event for the event.
    attending = visits.values_list("event_id", "company_id").distinct()
    moments = ContactMoment.objects.filter(pk__in=visits.values("contact_moment_id"))
    assert moments.count() == attending.count()
    assert set(moments.values_list("kind", flat=True)) == {ContactMoment.Kind.EVENT}
    for registration in visits.select_related("contact_moment", "event")[:200]:
        moment = registration.contact_moment
        assert moment.company_id == registration.company_id
        assert registration.event.title in moment.summary
    # Every registration is linked to a company and a contact person of it.
    assert not R.objects.filter(Q(company__isnull=True) | Q(person__isnull=True)).exists()
    assert not R.objects.exclude(person__company=F("company")).exists()


def test_collectives_keep_their_rules(demo):
    collectives = Collective.objects.filter(region=demo.region)
    clusters = collectives.filter(kind=Collective.Kind.CLUSTER)
    assert set(clusters.values_list("phase", flat=True)) == set(Collective.Phase.values)
    for collective in collectives.filter(kind__in=Collective.GROUPS, formed_on__isnull=False):
        members = Member.objects.filter(collective=collective, left_on__isnull=True)
        local = members.filter(company__municipality__region=demo.region).count()
        if collective.kind == Collective.Kind.CLUSTER:
            assert members.count() >= 3
            assert members.count() - local <= members.count() / 2
        else:
            assert local >= 2
    assert clusters.filter(formed_on__isnull=True).exists()  # one still looks for members
    # Tables: sessions with experts, cases heard with advice on the timeline, and waiting
    # cases with a deadline by the table's service level.
    tables = collectives.filter(kind__in=Collective.TABLES)
    assert set(tables.values_list("kind", flat=True)) == set(Collective.TABLES)
    sessions = TableSession.objects.filter(collective__in=tables)
    assert sessions.filter(held_at__gt=NOW).count() == tables.count()  # one coming each
    assert not sessions.annotate(n=Count("experts")).filter(n=0).exists()
    heard = TableCase.objects.filter(session__isnull=False)
    assert heard.count() >= 31
    for case in heard.select_related("contact_moment", "session"):
        assert case.advice
        assert case.next_steps
        assert case.contact_moment.kind == ContactMoment.Kind.TABLE
        assert case.contact_moment.company_id == case.company_id
        assert case.session.held_at.date() <= TODAY
    for case in TableCase.objects.select_related("collective"):
        start = dt.datetime.combine(case.requested_on, dt.time(9, 0), tzinfo=NOW.tzinfo)
        level = case.collective.table_service_level()
        assert case.convene_by == add_working_days(start, level).date()
    assert TableCase.objects.filter(session__isnull=True, convene_by__lt=TODAY).count() == 1
    # Two carousel rounds: one finished with results and ratings, one under way with two
    # companies still waiting for a team.
    rounds = CarouselRound.objects.filter(collective__region=demo.region)
    assert rounds.count() == 2
    done, running = sorted(rounds, key=lambda r: r.starts_on)
    assert done.ends_on < TODAY <= running.ends_on
    assert (
        not Match.objects.filter(round=done).filter(Q(rating__isnull=True) | Q(result="")).exists()
    )
    members = Member.objects.filter(collective=running.collective)
    matched = Match.objects.filter(round=running).values_list("company_id", flat=True)
    assert members.exclude(company_id__in=matched).count() == 2
    assert running.students.count() == 4 * running.teams.count()


def test_an_earlier_demo_gets_its_events_and_collectives_without_duplicates(demo, allowed):
    programme = Programme.objects.get(region=demo.region)
    before = (Event.objects.count(), Collective.objects.count(), Registration.objects.count())
    # Loading again changes nothing.
    load_activities(demo.region, today=TODAY, seed=7)
    assert (
        Event.objects.count(),
        Collective.objects.count(),
        Registration.objects.count(),
    ) == before
    # A demo loaded before events existed gets them from `load_demo --if-empty`.
    Event.objects.filter(programme=programme).delete()
    Collective.objects.filter(programme=programme).delete()
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "evenementen" in out.getvalue()
    assert Event.objects.filter(programme=programme).count() > 0
    assert Collective.objects.filter(programme=programme).count() == 15
    # The programme's flush removes them (they protect the programme).
    flush_programmes(demo.region)
    assert not Event.objects.exists()
    assert not Collective.objects.exists()
