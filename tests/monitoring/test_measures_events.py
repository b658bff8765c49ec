"""Event measures (events held, visits, unique visiting companies) on a small data set
counted by hand: organiser or co-organiser for a share, the kind of event, where it was
held or where the visitor is from, future events and the waiting list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from loket.events.models import Event, Registration
from loket.monitoring import measures
from loket.monitoring.measures import Spec
from loket.monitoring.models import Measure, Newness
from tests import factories as f
from tests.monitoring.measures_helpers import (
    assert_one_query_each,
    at,
    d,
    day,
    figures,
    fresh,
    theme,
    value,
)

PRESENT = Registration.Attendance.PRESENT
ABSENT = Registration.Attendance.ABSENT


@pytest.fixture
def data(world):
    """Programme P. Companies A (Assen, micro, new), B (Emmen, small, a contact moment in
    2024: known), C (Assen, visited an event in 2024: known).

      E1 2025-02-10 workshop, digitalisation, in Assen, bureau with Gemeente Emmen:
         present A (gave no municipality), B (gave Emmen), someone without a company or
         municipality; absent C; one on the waiting list, one cancelled
      E8 2025-03-31 23:30 network meeting in Emmen by Gemeente Emmen: nobody came
      E2 2025-05-20 webinar (no municipality) by Gemeente Assen: present A, B, C
    not counting: E0 2024-11-15 (C present), a cancelled and a draft event and one of
    another programme in February 2025 (each with a visitor), an event in two weeks.
    """
    w = world
    programme = f.ProgrammeFactory(region=w.region, organisations=[w.bureau, w.gem_assen])
    other = f.ProgrammeFactory(region=w.region, organisations=[w.bureau])
    digi = theme("digitalisation")
    a = f.CompanyFactory(region=w.region, municipality=w.assen, employees=5)
    b = f.CompanyFactory(region=w.region, municipality=w.emmen, employees=20)
    c = f.CompanyFactory(region=w.region, municipality=w.assen, employees=5)
    f.ContactMomentFactory(
        company=b, organisation=w.bureau, author=w.alice, occurred_at=at("2024-06-01")
    )

    def event(when, kind=Event.Kind.NETWORK, org=w.bureau, partners=None, prog=programme, **kw):
        starts = at(*when) if isinstance(when, tuple) else when
        return f.EventFactory(
            programme=prog,
            kind=kind,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            organiser=org,
            partners=partners or [org],
            **kw,
        )

    def visit(ev, company=None, municipality=None, attendance=PRESENT, **kw):
        f.RegistrationFactory(
            event=ev, company=company, municipality=municipality, attendance=attendance, **kw
        )

    e0 = event(("2024-11-15", "15:00"))
    visit(e0, c)
    e1 = event(
        ("2025-02-10", "15:00"), Event.Kind.WORKSHOP, w.bureau, [w.gem_emmen], municipality=w.assen
    )
    e1.themes.set([digi])
    visit(e1, a)
    visit(e1, b, w.emmen)
    visit(e1)
    visit(e1, c, attendance=ABSENT)
    visit(e1, f.CompanyFactory(region=w.region), status=Registration.Status.WAITING)
    visit(e1, f.CompanyFactory(region=w.region), status=Registration.Status.CANCELLED)
    event(("2025-03-31", "23:30"), org=w.gem_emmen, municipality=w.emmen)
    e2 = event(("2025-05-20", "10:00"), Event.Kind.WEBINAR, w.gem_assen, online=True)
    for company in (a, b, c):
        visit(e2, company)
    for extra in (
        event(("2025-02-11",), status=Event.Status.CANCELLED),
        event(("2025-02-12",), status=Event.Status.DRAFT),
        event(("2025-02-13",), prog=other),
        event(timezone.now() + dt.timedelta(days=14)),
    ):
        visit(extra, a)
    return SimpleNamespace(w=w, programme=fresh(programme), digi=digi, a=a, b=b, c=c)


def test_events_held(data):
    assen, emmen = data.w.assen.pk, data.w.emmen.pk
    # E1 (Q1, Assen), E8 (31-03 23:30: Q1, Emmen), E2 (Q2, online: no municipality).
    assert figures(data.programme, Measure.EVENTS_HELD) == (
        d(3),
        {(2025, 1): d(2), (2025, 2): d(1)},
        {assen: d(1), emmen: d(1), None: d(1)},
    )
    assert value(data.programme, Measure.EVENTS_HELD, event_kind=Event.Kind.WORKSHOP) == d(1)
    assert value(data.programme, Measure.EVENTS_HELD, theme_id=data.digi.pk) == d(1)
    assert value(data.programme, Measure.EVENTS_HELD, municipality_id=assen) == d(1)


def test_an_organisation_shares_the_events_it_organised_or_co_organised(data):
    # Gemeente Emmen: co-organiser of E1, organiser of E8. Gemeente Assen: E2.
    emmen_share = figures(data.programme, Measure.EVENTS_HELD, share=[data.w.gem_emmen.pk])
    assert emmen_share[:2] == (d(2), {(2025, 1): d(2)})
    assert value(data.programme, Measure.EVENTS_HELD, share=[data.w.gem_assen.pk]) == d(1)
    assert value(data.programme, Measure.EVENTS_HELD, organisation_id=data.w.bureau.pk) == d(1)
    # Both: E1, E8 and E2, each once.
    both = [data.w.gem_emmen.pk, data.w.gem_assen.pk]
    assert value(data.programme, Measure.EVENTS_HELD, share=both) == d(3)
    # Visits follow their event: E1's three for Gemeente Emmen, E2's three for Assen.
    assert value(data.programme, Measure.EVENT_VISITS, share=[data.w.gem_emmen.pk]) == d(3)
    assert value(data.programme, Measure.EVENT_VISITORS, share=[data.w.gem_assen.pk]) == d(3)


def test_an_event_yet_to_come_does_not_count(data):
    until_later = (day("2025-01-01"), timezone.localdate() + dt.timedelta(days=60))
    # E1, E8, E2: not the event in two weeks.
    assert value(data.programme, Measure.EVENTS_HELD, until_later) == d(3)
    assert value(data.programme, Measure.EVENT_VISITS, until_later) == d(6)


def test_event_visits(data):
    assen, emmen = data.w.assen.pk, data.w.emmen.pk
    # E1: A, B, the one without a company (not C: absent; not the waiting list or the
    # cancelled one); E2: A, B, C. Municipality: the one given, else the company's:
    # E1 A Assen, B Emmen, none; E2 A Assen, B Emmen, C Assen.
    assert figures(data.programme, Measure.EVENT_VISITS) == (
        d(6),
        {(2025, 1): d(3), (2025, 2): d(3)},
        {assen: d(3), emmen: d(2), None: d(1)},
    )
    assert value(data.programme, Measure.EVENT_VISITS, municipality_id=assen) == d(3)
    assert value(data.programme, Measure.EVENT_VISITS, event_kind=Event.Kind.WEBINAR) == d(3)
    assert value(data.programme, Measure.EVENT_VISITS, size_class="small") == d(2)


def test_unique_visitors_are_not_the_sum_of_the_quarters(data):
    # A, B, C; Q1: A, B; Q2: A, B, C (5 over the quarters, 3 over the year).
    value_, quarters, municipalities = figures(data.programme, Measure.EVENT_VISITORS)
    assert value_ == d(3)
    assert quarters == {(2025, 1): d(2), (2025, 2): d(3)}
    assert sum(quarters.values()) > value_
    assert municipalities == {data.w.assen.pk: d(2), data.w.emmen.pk: d(1)}


def test_new_and_known_visitors(data):
    # New: A. Known: B (contact moment 2024), C (visited E0 in 2024).
    assert value(data.programme, Measure.EVENT_VISITORS, newness=Newness.NEW) == d(1)
    assert value(data.programme, Measure.EVENT_VISITORS, newness=Newness.KNOWN) == d(2)
    # Visits of new companies: A at E1 and E2.
    assert value(data.programme, Measure.EVENT_VISITS, newness=Newness.NEW) == d(2)


@pytest.mark.parametrize(
    "measure", [Measure.EVENTS_HELD, Measure.EVENT_VISITS, Measure.EVENT_VISITORS]
)
def test_one_query_per_figure(data, django_assert_num_queries, measure):
    spec = Spec(
        measure,
        theme_id=data.digi.pk,
        event_kind=Event.Kind.WORKSHOP,
        municipality_id=data.w.assen.pk,
        organisation_id=data.w.bureau.pk,
    )
    assert_one_query_each(django_assert_num_queries, data.programme, spec, [data.w.gem_emmen.pk])


def test_filters_that_do_not_apply_are_named():
    # An event is no company: no size class, starter or newness; no need, no scheme.
    spec = Spec(
        Measure.EVENTS_HELD,
        size_class="micro",
        starter="yes",
        newness="new",
        need_id=1,
        scheme_id=1,
    )
    assert set(measures.filter_problems(spec)) == {
        "size_class",
        "starter",
        "newness",
        "need",
        "scheme",
    }
    visitors = Spec(Measure.EVENT_VISITORS, size_class="micro", newness="known", event_kind="cafe")
    assert measures.filter_problems(visitors) == {}
