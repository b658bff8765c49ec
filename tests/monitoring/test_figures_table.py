"""The indicator table (figures.py): which target applies, the quarter and the cumulative
figure, percent and status, the threshold for marks; and the figures kept warm for the
dashboard by the scheduled task."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from loket.core.models import Theme
from loket.monitoring import figures
from loket.monitoring.dashboard import dashboard_data
from loket.monitoring.models import Measure, Target
from loket.monitoring.tasks_figures import warm_figures
from loket.programmes.periods import default_period
from tests import factories as f
from tests.monitoring.measures_helpers import at


@pytest.fixture
def setup(world):
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    line = f.ActionLineFactory(programme=programme, name="Digitalisering")
    theme = Theme.objects.get(slug="digitalisation")
    intakes = f.IndicatorFactory(
        action_line=line, name="Intakes digitalisering", measure=Measure.INTAKES, theme=theme
    )
    company = f.CompanyFactory(region=world.region)

    def intake(when: str, with_theme: bool = True):
        moment = f.ContactMomentFactory(
            company=company,
            author=world.alice,
            organisation=world.bureau,
            kind="intake",
            occurred_at=at(when),
        )
        if with_theme:
            moment.themes.add(theme)
        return moment

    return programme, line, intakes, intake


def test_the_years_target_counts_the_year_to_date_and_says_on_track_or_behind(setup):
    programme, _line, intakes, intake = setup
    f.TargetFactory(indicator=intakes, period=Target.Period.YEAR, year=2026, minimum=8)
    f.TargetFactory(indicator=intakes, period=Target.Period.PROGRAMME, year=None, minimum=40)
    intake("2025-11-03")  # another year: not in 2026's year to date
    intake("2026-02-10")
    intake("2026-03-30")
    intake("2026-05-04")
    intake("2026-05-05", with_theme=False)  # not about digitalisation
    intake("2026-07-01")  # after Q2

    (row,) = figures.indicator_table(programme, 2026, 2)

    assert row.target.period == Target.Period.YEAR  # the year's target before the programme's
    assert row.target_text == "8"
    assert row.quarter == 1  # 4 May
    assert row.cumulative == 3  # 10 Feb, 30 Mar, 4 May
    assert row.percent == Decimal("37.5")
    # Half the year has passed: 37.5 % is more than 10 points behind 50 %.
    assert row.status == "behind"

    (row,) = figures.indicator_table(programme, 2026, 1)
    assert (row.quarter, row.cumulative, row.percent) == (2, 2, Decimal("25.0"))
    assert row.status == "on_track"  # 25 % after a quarter


def test_a_range_is_reached_at_its_minimum_and_a_programme_target_counts_from_the_start(setup):
    programme, line, _intakes, _intake = setup
    tables = f.IndicatorFactory(
        action_line=line, name="Thematafels voor exporteurs", measure=Measure.TABLE_SESSIONS
    )
    f.TargetFactory(
        indicator=tables, period=Target.Period.PROGRAMME, year=None, minimum=5, maximum=10
    )
    table = f.CollectiveFactory(programme=programme, kind="theme_table", phase="")
    for day in ("2025-03-01", "2025-09-01", "2026-01-15", "2026-02-15", "2026-03-15"):
        f.TableSessionFactory(collective=table, held_at=at(day))

    row = figures.indicator_table(programme, 2026, 1)[1]

    assert row.target_text == "5-10"
    assert (row.quarter, row.cumulative) == (3, 5)
    assert row.cumulative_start == programme.starts_on
    assert row.status == "reached"
    assert row.as_data()["target"] == {
        "period": "programme",
        "minimum": "5.00",
        "maximum": "10.00",
        "text": "5-10",
    }


def test_an_average_mark_on_fewer_than_five_answers_is_not_shown(setup, world):
    programme, line, _intakes, _intake = setup
    mark = f.IndicatorFactory(action_line=line, name="Rapportcijfer", measure=Measure.SATISFACTION)
    f.TargetFactory(indicator=mark, period=Target.Period.YEAR, year=2026, minimum=8)
    for value in (9, 8, 7, 10):
        f.SurveyInvitationFactory(
            company=f.CompanyFactory(region=world.region),
            programme=programme,
            mark=value,
            answered_at=at("2026-02-01"),
        )

    row = figures.indicator_table(programme, 2026, 1)[1]
    assert (row.quarter, row.cumulative, row.suppressed) == (None, None, True)

    f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        programme=programme,
        mark=6,
        answered_at=at("2026-03-01"),
    )
    row = figures.indicator_table(programme, 2026, 1)[1]
    assert row.quarter == Decimal("8.0")  # (9 + 8 + 7 + 10 + 6) / 5
    assert row.status == "reached"
    assert not row.suppressed


def test_the_series_gives_every_quarter_from_the_programmes_start(setup):
    programme, _line, intakes, intake = setup
    intake("2025-05-01")
    intake("2026-03-01")
    intake("2026-03-02")
    points = figures.series(programme, intakes, 2026, 1)
    assert points == [
        ("2025 K1", 0),
        ("2025 K2", 1),
        ("2025 K3", 0),
        ("2025 K4", 0),
        ("2026 K1", 2),
    ]


def test_warm_figures_fills_the_dashboards_cache_and_a_change_makes_it_stale(
    setup, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    programme, _line, _intakes, intake = setup
    today = timezone.localdate()
    programme.starts_on = dt.date(today.year - 1, 1, 1)
    programme.ends_on = dt.date(today.year + 1, 12, 31)
    programme.save()
    year, quarter = default_period(programme, today)

    assert warm_figures.call() >= 2  # the programme and its bureau's share, at least

    with django_assert_num_queries(1):  # the region's stamp; the figures come from the cache
        data = dashboard_data(programme, year, quarter, None)
    before = data

    def intakes_of(data):
        return data["realisation"][0]["indicators"][0]["quarter"]

    with django_capture_on_commit_callbacks(execute=True):
        intake(timezone.localtime().strftime("%Y-%m-%d"))  # a new intake raises the stamp
    stale = dashboard_data(programme, year, quarter, None)  # (its refresh is not run here)
    assert stale["stale"]
    assert intakes_of(stale) == intakes_of(before)
    # the scheduled task recomputes what is stale, without waiting for the refresh
    warm_figures.call()
    after = dashboard_data(programme, year, quarter, None)
    assert not after["stale"]
    assert Decimal(intakes_of(after)) == Decimal(intakes_of(before)) + 1


def test_refresh_figures_recomputes_each_kind_and_skips_what_is_gone(setup, world):
    from loket.monitoring import cache
    from loket.monitoring.municipality import municipality_data
    from loket.monitoring.tasks_figures import refresh_figures

    programme, _line, _intakes, intake = setup
    intake("2026-05-04")
    dashboard_data(programme, 2026, 2, None)
    municipality_data(world.assen, 2026, 2)
    cache.touch(world.region.pk)
    assert dashboard_data(programme, 2026, 2, None)["stale"]
    assert municipality_data(world.assen, 2026, 2)["stale"]
    key = ["dashboard", programme.pk, None, 2026, 2, "nl"]
    assert refresh_figures.call(world.region.pk, key) is True
    assert refresh_figures.call(world.region.pk, ["municipality", world.assen.pk, 2026, 2])
    assert refresh_figures.call(world.region.pk, ["indicators", programme.pk, None, 2026])
    assert figures.realised_in_year(programme, 2026)[0] == {_intakes.pk: Decimal("1")}
    assert (
        refresh_figures.call(world.other_region.pk, ["indicators", programme.pk, None, 2026])
        is False
    )
    assert not dashboard_data(programme, 2026, 2, None)["stale"]
    assert not municipality_data(world.assen, 2026, 2)["stale"]
    # a programme of another region, a deleted one, an unknown kind: nothing, no error
    assert refresh_figures.call(world.other_region.pk, key) is False
    assert refresh_figures.call(world.region.pk, ["dashboard", 0, None, 2026, 2, "nl"]) is False
    assert (
        refresh_figures.call(world.region.pk, ["report", programme.pk, "quarter", 2026, 2, None])
        is False
    )
    assert refresh_figures.call(world.region.pk, ["iets anders"]) is False


def test_one_refresh_per_entry_at_a_time(setup, world, django_capture_on_commit_callbacks):
    programme, _line, _intakes, _intake = setup
    from loket.monitoring import cache

    dashboard_data(programme, 2026, 2, None)
    cache.touch(world.region.pk)
    with django_capture_on_commit_callbacks() as first:
        dashboard_data(programme, 2026, 2, None)
        dashboard_data(programme, 2026, 2, None)
    assert len(first) == 1  # queued once for two visitors
    cache.touch(world.region.pk)
    with django_capture_on_commit_callbacks() as second:
        dashboard_data(programme, 2026, 2, None)
    assert second == []  # the first refresh has not run yet: still one at a time
    for callback in first:
        callback()  # the worker runs it (immediate backend), which lifts the lock
    cache.touch(world.region.pk)
    with django_capture_on_commit_callbacks() as third:
        assert dashboard_data(programme, 2026, 2, None)["stale"]
    assert len(third) == 1


def test_a_new_company_counts_as_new_only_in_the_quarter_of_its_first_contact(setup, world):
    programme, line, _intakes, intake = setup
    new = f.IndicatorFactory(
        action_line=line,
        name="Nieuwe bedrijven bereikt",
        measure=Measure.COMPANIES_REACHED,
        newness="new",
    )
    intake("2025-05-01")  # the company's first contact: new in 2025 K2
    intake("2026-02-01")  # known by then
    other = f.CompanyFactory(region=world.region)
    f.ContactMomentFactory(
        company=other, author=world.alice, organisation=world.bureau, occurred_at=at("2026-03-01")
    )
    rows, series = figures.table_and_series(programme, 2026, 1)
    assert series[new.pk] == [
        ("2025 K1", 0),
        ("2025 K2", 1),
        ("2025 K3", 0),
        ("2025 K4", 0),
        ("2026 K1", 1),  # only the other company
    ]
    assert rows[1].quarter == 1
    assert figures.series(programme, new, 2026, 1) == series[new.pk]
