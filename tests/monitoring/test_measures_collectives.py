"""Collective measures (table sessions, carousel participants, clusters formed) on a
small data set counted by hand, with the brief's "thematafels voor exporteurs"."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from loket.collectives.models import Collective, Match
from loket.monitoring import measures
from loket.monitoring.measures import Spec
from loket.monitoring.models import Measure
from tests import factories as f
from tests.monitoring.measures_helpers import (
    YEAR,
    assert_one_query_each,
    at,
    d,
    day,
    figures,
    fresh,
    theme,
    value,
)

TABLES = Measure.TABLE_SESSIONS
CAROUSEL = Measure.CAROUSEL_PARTICIPANTS
CLUSTERS = Measure.CLUSTERS_FORMED


@pytest.fixture
def data(world):
    """Programme P (bureau, Gemeente Assen), programme P2.

    Tables: a theme table on export by the bureau with sessions 2025-02-01,
    2025-03-31 23:30 (Q1), 2025-05-01 and one in a week (not held yet); an entrepreneurs'
    table by Gemeente Assen on 2025-06-01; P2's table on 2025-02-01.
    Carousel (bureau): round R1 from 2025-02-01 with A (team on export, confirmed), B
    (completed), C (cancelled); R2 from 2025-09-01 with A and D; P2's round with A; R3 from
    2026-02-01 with B. A, C, D in Assen, B in Emmen.
    Clusters: K1 formed 2025-03-01 by the bureau on digitalisation, K2 2025-07-01 by
    Gemeente Assen; not counting: K3 not formed, a cooperation formed 2025-03-01, P2's
    cluster, one formed 2024-12-31.
    """
    w = world
    programme = f.ProgrammeFactory(region=w.region, organisations=[w.bureau, w.gem_assen])
    other = f.ProgrammeFactory(region=w.region, organisations=[w.bureau])
    export, digi = theme("export"), theme("digitalisation")

    def collective(kind, org=w.bureau, prog=programme, themes=(), **kw):
        made = f.CollectiveFactory(programme=prog, kind=kind, organisation=org, phase="", **kw)
        made.themes.set(themes)
        return made

    exporters = collective(Collective.Kind.THEME_TABLE, themes=[export])
    for when in (at("2025-02-01", "19:00"), at("2025-03-31", "23:30"), at("2025-05-01")):
        f.TableSessionFactory(collective=exporters, held_at=when)
    f.TableSessionFactory(collective=exporters, held_at=timezone.now() + dt.timedelta(days=7))
    f.TableSessionFactory(
        collective=collective(Collective.Kind.ENTREPRENEUR_TABLE, w.gem_assen),
        held_at=at("2025-06-01"),
    )
    f.TableSessionFactory(
        collective=collective(Collective.Kind.THEME_TABLE, prog=other, themes=[export]),
        held_at=at("2025-02-01"),
    )

    a, c, d_ = (f.CompanyFactory(region=w.region, municipality=w.assen) for _ in range(3))
    b = f.CompanyFactory(region=w.region, municipality=w.emmen)
    carousel = collective(Collective.Kind.EXPORT_CAROUSEL)

    def round_(starts, coll=carousel):
        return f.CarouselRoundFactory(collective=coll, starts_on=day(starts))

    r1 = round_("2025-02-01")
    team = f.StudentTeamFactory(round=r1)
    team.themes.set([export])
    f.MatchFactory(round=r1, company=a, team=team)
    f.MatchFactory(round=r1, company=b, status=Match.Status.COMPLETED)
    f.MatchFactory(round=r1, company=c, status=Match.Status.CANCELLED)
    r2 = round_("2025-09-01")
    f.MatchFactory(round=r2, company=a)
    f.MatchFactory(round=r2, company=d_)
    f.MatchFactory(
        round=round_("2025-02-01", collective(Collective.Kind.EXPORT_CAROUSEL, prog=other)),
        company=a,
    )
    f.MatchFactory(round=round_("2026-02-01"), company=b)

    collective(Collective.Kind.CLUSTER, themes=[digi], formed_on=day("2025-03-01"))
    collective(Collective.Kind.CLUSTER, w.gem_assen, formed_on=day("2025-07-01"))
    collective(Collective.Kind.CLUSTER)
    collective(Collective.Kind.COOPERATION, formed_on=day("2025-03-01"))
    collective(Collective.Kind.CLUSTER, prog=other, formed_on=day("2025-03-01"))
    collective(Collective.Kind.CLUSTER, formed_on=day("2024-12-31"))
    return SimpleNamespace(w=w, programme=fresh(programme), export=export, digi=digi)


def test_table_sessions_and_the_briefs_theme_tables_for_exporters(data):
    # Exporters' table 01-02 and 31-03 23:30 (Q1), 01-05 (Q2); Gemeente Assen's 01-06.
    # Tables have no municipality.
    assert figures(data.programme, TABLES) == (d(4), {(2025, 1): d(2), (2025, 2): d(2)}, {})
    # "5-10 thematafels voor exporteurs": table sessions on export: 3.
    indicator = f.IndicatorFactory(
        action_line=f.ActionLineFactory(programme=data.programme),
        measure=TABLES,
        theme=data.export,
    )
    assert measures.value(data.programme, Spec.of(indicator), *YEAR) == d(3)
    assert value(data.programme, TABLES, share=[data.w.gem_assen.pk]) == d(1)
    assert value(data.programme, TABLES, organisation_id=data.w.bureau.pk) == d(3)
    # The session in a week is not held yet.
    until_later = (day("2025-01-01"), timezone.localdate() + dt.timedelta(days=30))
    assert value(data.programme, TABLES, until_later) == d(4)


def test_carousel_participants_are_distinct_companies(data):
    # A, B (R1, Q1); A, D (R2, Q3): 3 companies, 4 over the quarters. C cancelled.
    value_, quarters, municipalities = figures(data.programme, CAROUSEL)
    assert value_ == d(3)
    assert quarters == {(2025, 1): d(2), (2025, 3): d(2)}
    assert municipalities == {data.w.assen.pk: d(2), data.w.emmen.pk: d(1)}
    assert value(data.programme, CAROUSEL, theme_id=data.export.pk) == d(1)
    assert value(data.programme, CAROUSEL, share=[data.w.bureau.pk]) == d(3)
    assert value(data.programme, CAROUSEL, share=[data.w.gem_assen.pk]) == d(0)
    assert value(data.programme, CAROUSEL, municipality_id=data.w.emmen.pk) == d(1)


def test_clusters_formed(data):
    # K1 (Q1, digitalisation, bureau), K2 (Q3, Gemeente Assen).
    assert figures(data.programme, CLUSTERS) == (d(2), {(2025, 1): d(1), (2025, 3): d(1)}, {})
    assert value(data.programme, CLUSTERS, theme_id=data.digi.pk) == d(1)
    assert value(data.programme, CLUSTERS, share=[data.w.gem_assen.pk]) == d(1)


@pytest.mark.parametrize("measure", [TABLES, CAROUSEL, CLUSTERS])
def test_one_query_per_figure(data, django_assert_num_queries, measure):
    spec = Spec(measure, theme_id=data.export.pk, organisation_id=data.w.bureau.pk)
    programme = data.programme
    measures._programme_orgs(programme)
    with django_assert_num_queries(1):
        measures.value(programme, spec, *YEAR, [data.w.bureau.pk])
    with django_assert_num_queries(1):
        measures.by_quarter(programme, spec, *YEAR, [data.w.bureau.pk])
    if measure == CAROUSEL:
        assert_one_query_each(django_assert_num_queries, programme, spec, [data.w.bureau.pk])


def test_filters_that_do_not_apply_are_named():
    spec = Spec(TABLES, municipality_id=1, size_class="micro", scheme_id=1, event_kind="cafe")
    assert set(measures.filter_problems(spec)) == {
        "municipality",
        "size_class",
        "scheme",
        "event_kind",
    }
    assert set(measures.filter_problems(Spec(CLUSTERS, need_id=1, newness="new"))) == {
        "need",
        "newness",
    }
