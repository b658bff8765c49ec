"""The collective instruments' figures for a programme's indicators, counted by hand over
one half year (1 January - 30 June 2025) with things just inside and just outside it, and
the same kinds of things in another programme that must not count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loket.collectives.measures import collective_measures
from loket.collectives.models import Collective
from tests import factories as f

START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def programmes(world):
    mine = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    other = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    return mine, other


def _collective(programme, world, kind, **kwargs):
    phase = kwargs.pop("phase", "discover" if kind == "cluster" else "")
    return f.CollectiveFactory(
        programme=programme, organisation=world.bureau, kind=kind, phase=phase, **kwargs
    )


def test_table_sessions_and_cases(world, programmes):
    mine, other = programmes
    table = _collective(mine, world, "financing_table")
    s1 = f.TableSessionFactory(collective=table, held_at=_at(dt.date(2025, 2, 10), 10))
    f.TableSessionFactory(collective=table, held_at=_at(END, 20))  # last evening: in
    f.TableSessionFactory(collective=table, held_at=_at(dt.date(2024, 12, 31), 23))  # before
    s4 = f.TableSessionFactory(collective=table, held_at=_at(dt.date(2025, 7, 1), 0, 30))
    elsewhere = f.TableSessionFactory(
        collective=_collective(other, world, "crisis_table"),
        held_at=_at(dt.date(2025, 3, 1), 10),
    )

    def case(requested_on, session=None, collective=table):
        return f.TableCaseFactory(collective=collective, requested_on=requested_on, session=session)

    case(dt.date(2025, 1, 5), s1)  # brought in and heard
    case(dt.date(2024, 12, 20), s1)  # brought in before, heard in the period
    case(END)  # brought in, not heard yet
    case(dt.date(2025, 7, 2), s4)  # after
    case(dt.date(2025, 3, 1), elsewhere, elsewhere.collective)  # another programme

    figures = collective_measures(mine, START, END)
    assert figures.table_sessions_held == 2
    assert figures.cases_brought_in == 2
    assert figures.cases_heard == 2


def test_a_session_later_today_is_not_held_yet(world, programmes):
    mine, _ = programmes
    table = _collective(mine, world, "entrepreneur_table")
    f.TableSessionFactory(collective=table, held_at=timezone.now() + dt.timedelta(hours=2))
    f.TableSessionFactory(collective=table, held_at=timezone.now() - dt.timedelta(hours=2))
    today = timezone.localdate()
    assert (
        collective_measures(
            mine, today - dt.timedelta(days=1), today + dt.timedelta(days=1)
        ).table_sessions_held
        == 1
    )


def test_carousel_participants(world, programmes):
    mine, other = programmes
    carousel = _collective(mine, world, "export_carousel")
    r1 = f.CarouselRoundFactory(
        collective=carousel, starts_on=dt.date(2025, 2, 1), ends_on=dt.date(2025, 5, 31)
    )
    r2 = f.CarouselRoundFactory(
        collective=carousel, starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2025, 9, 30)
    )
    r3 = f.CarouselRoundFactory(
        collective=carousel, starts_on=dt.date(2024, 9, 1), ends_on=START
    )  # ends on the first day: in
    a, b, d, e = (f.CompanyFactory(region=world.region) for _ in range(4))
    f.MatchFactory(round=r1, company=a, status="confirmed")
    f.MatchFactory(round=r1, company=b, status="completed")
    f.MatchFactory(round=r1, company=d, status="cancelled")
    f.MatchFactory(round=r3, company=a, status="completed")  # a again: counted once
    f.MatchFactory(round=r2, company=e, status="confirmed")  # round after the period
    for round_, n in ((r1, 3), (r3, 2), (r2, 4)):
        for _ in range(n):
            f.StudentFactory(round=round_)
    elsewhere = f.CarouselRoundFactory(
        collective=_collective(other, world, "growth_carousel"),
        starts_on=dt.date(2025, 2, 1),
        ends_on=dt.date(2025, 5, 31),
    )
    f.MatchFactory(round=elsewhere, company=e)
    f.StudentFactory(round=elsewhere)

    figures = collective_measures(mine, START, END)
    assert figures.carousel_companies == 2
    assert figures.carousel_students == 5


def test_groups_formed_and_clusters_by_phase(world, programmes):
    mine, other = programmes
    long_ago = _at(dt.date(2024, 6, 1), 12)

    def cluster(**kwargs):
        made = _collective(mine, world, "cluster", **kwargs)
        Collective.objects.filter(pk=made.pk).update(created_at=long_ago)
        return made

    cluster(phase="develop", formed_on=dt.date(2025, 3, 1))  # formed in the period
    cluster(phase="organise", formed_on=dt.date(2024, 12, 31))  # formed before
    cluster(phase="discover")
    cluster(phase="discover", ended_on=dt.date(2025, 3, 1))  # ended in the period: active
    cluster(phase="discover", ended_on=dt.date(2024, 12, 1))  # ended before
    late = _collective(mine, world, "cluster", phase="develop")
    Collective.objects.filter(pk=late.pk).update(created_at=_at(dt.date(2025, 8, 1), 9))
    _collective(mine, world, "cooperation", formed_on=END)
    _collective(mine, world, "cooperation", formed_on=dt.date(2025, 7, 1))
    _collective(other, world, "cluster", formed_on=dt.date(2025, 3, 1))
    _collective(other, world, "cooperation", formed_on=dt.date(2025, 3, 1))

    figures = collective_measures(mine, START, END)
    assert figures.clusters_formed == 1
    assert figures.cooperations_formed == 1
    assert figures.clusters_by_phase == {"discover": 2, "develop": 1, "organise": 1}
    assert figures.as_dict()["clusters_by_phase"] == {"discover": 2, "develop": 1, "organise": 1}


def test_nothing_counts_in_an_empty_programme_and_queries_are_few(
    world, programmes, django_assert_max_num_queries
):
    mine, _ = programmes
    with django_assert_max_num_queries(6):
        figures = collective_measures(mine, START, END)
    assert figures.as_dict() == {
        "table_sessions_held": 0,
        "cases_brought_in": 0,
        "cases_heard": 0,
        "carousel_companies": 0,
        "carousel_students": 0,
        "clusters_formed": 0,
        "cooperations_formed": 0,
        "clusters_by_phase": {"discover": 0, "develop": 0, "organise": 0},
    }
    with pytest.raises(ValueError, match="end before start"):
        collective_measures(mine, END, START)
