"""Trajectories, vouchers, euros and hours on a small data set counted by hand: the
scheme and theme of the brief's "maatwerktrajecten digitalisering", the supplier's
share, payment dates, one query per figure."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from loket.events.models import Event
from loket.monitoring import measures
from loket.monitoring.measures import Spec
from loket.monitoring.models import Measure, Starter
from loket.programmes.models import Voucher
from tests import factories as f
from tests.monitoring.measures_helpers import (
    YEAR,
    assert_one_query_each,
    d,
    day,
    figures,
    fresh,
    theme,
    value,
)

STARTED = Measure.TRAJECTORIES_STARTED


@pytest.fixture
def data(world):
    """Programme P; scheme S1 "Maatwerk digitalisering" (its catalogue instrument has the
    theme digitalisation), scheme S2; programme P2 with scheme S3. A: Assen, micro,
    starter; B: Emmen, small, founded 2010.

      T1 S1 A by Gem. Assen  started 2025-02-01, completed 2025-05-01, paid 2025-06-01 4000.00
      T2 S1 B by bureau      started 2025-03-31, voucher issued (not paid)
      T3 S2 A no supplier    started 2025-04-15, completed 2025-09-30, paid 2025-10-01 1500.50
      T4 S2 B                started 2024-12-31, completed 2025-01-15, redeemed, no payment date
      T5 S3 (P2) A           started 2025-02-01, completed 2025-03-01, paid 2025-03-01 999.00
      T6 S1 B                applied only
      T7 S1 A                started 2026-01-01
    """
    w = world
    programme = f.ProgrammeFactory(region=w.region, organisations=[w.bureau, w.gem_assen])
    other = f.ProgrammeFactory(region=w.region, organisations=[w.bureau])
    digi = theme("digitalisation")
    instrument = f.InstrumentFactory(region=w.region, themes=[digi])
    s1 = f.SchemeFactory(programme=programme, name="Maatwerk digitalisering", instrument=instrument)
    s2 = f.SchemeFactory(programme=programme)
    s3 = f.SchemeFactory(programme=other, instrument=instrument)
    a = f.CompanyFactory(
        region=w.region, municipality=w.assen, employees=5, founded_on=day("2022-06-01")
    )
    b = f.CompanyFactory(
        region=w.region, municipality=w.emmen, employees=20, founded_on=day("2010-01-01")
    )

    def trajectory(scheme, company, supplier=None, started=None, completed=None, **voucher):
        made = f.TrajectoryFactory(
            scheme=scheme,
            company=company,
            supplier_organisation=supplier,
            started_on=day(started) if started else None,
            completed_on=day(completed) if completed else None,
        )
        if voucher:
            paid_on = voucher.get("paid_on")
            Voucher.objects.create(
                region=w.region,
                trajectory=made,
                company=company,
                code=f"V-{made.pk}",
                amount=Decimal("4250.00"),
                status=voucher["status"],
                issued_on=day("2025-01-01"),
                paid_amount=voucher.get("paid"),
                paid_on=day(paid_on) if paid_on else None,
            )
        return made

    redeemed = Voucher.Status.REDEEMED
    t1 = trajectory(
        s1, a, w.gem_assen, "2025-02-01", "2025-05-01",
        status=redeemed, paid=d("4000.00"), paid_on="2025-06-01",
    )  # fmt: skip
    trajectory(s1, b, w.bureau, "2025-03-31", status=Voucher.Status.ISSUED)
    trajectory(
        s2, a, None, "2025-04-15", "2025-09-30",
        status=redeemed, paid=d("1500.50"), paid_on="2025-10-01",
    )  # fmt: skip
    trajectory(s2, b, None, "2024-12-31", "2025-01-15", status=redeemed, paid=d("100.00"))
    trajectory(
        s3, a, None, "2025-02-01", "2025-03-01",
        status=redeemed, paid=d("999.00"), paid_on="2025-03-01",
    )  # fmt: skip
    trajectory(s1, b)
    trajectory(s1, a, None, "2026-01-01")

    # Hours: H1 bureau 2025-01-10 2.00 on T1 (S1) for A; H2 Gemeente Assen 2025-03-31 1.50
    # for B; H3 bureau 2025-04-01 3.25 on a workshop; not counting: P2 5.00, 2024-12-31 4.00.
    workshop = f.EventFactory(programme=programme, kind=Event.Kind.WORKSHOP)

    def hours(prog, org, date, amount, **kw):
        f.HourEntryFactory(
            programme=prog, organisation=org, date=day(date), hours=d(amount), user=w.alice, **kw
        )

    hours(programme, w.bureau, "2025-01-10", "2.00", company=a, trajectory=t1)
    hours(programme, w.gem_assen, "2025-03-31", "1.50", company=b)
    hours(programme, w.bureau, "2025-04-01", "3.25", event=workshop)
    hours(other, w.bureau, "2025-02-01", "5.00")
    hours(programme, w.bureau, "2024-12-31", "4.00")
    return SimpleNamespace(w=w, programme=fresh(programme), s1=s1, s2=s2, digi=digi)


def test_trajectories_started(data):
    assen, emmen = data.w.assen.pk, data.w.emmen.pk
    # T1 (Q1, A), T2 (31-03: Q1, B), T3 (Q2, A); T4 started in 2024, T5 is P2's, T6 never,
    # T7 in 2026.
    assert figures(data.programme, STARTED) == (
        d(3),
        {(2025, 1): d(2), (2025, 2): d(1)},
        {assen: d(2), emmen: d(1)},
    )
    # Starters: A's T1 and T3.
    assert value(data.programme, STARTED, starter=Starter.YES) == d(2)
    assert value(data.programme, STARTED, size_class="small") == d(1)
    assert value(data.programme, STARTED, municipality_id=emmen) == d(1)


def test_the_briefs_tailored_trajectories_on_digitalisation(data):
    # "50 maatwerktrajecten digitalisering": trajectories started with scheme S1: T1, T2.
    indicator = f.IndicatorFactory(
        action_line=f.ActionLineFactory(programme=data.programme),
        measure=STARTED,
        scheme=data.s1,
    )
    spec = Spec.of(indicator)
    assert measures.value(data.programme, spec, *YEAR) == d(2)
    assert measures.by_quarter(data.programme, spec, *YEAR) == {(2025, 1): d(2)}
    # The same through the theme of the scheme's instrument (T5 is another programme's).
    assert value(data.programme, STARTED, theme_id=data.digi.pk) == d(2)


def test_the_suppliers_share(data):
    # Gemeente Assen supplies T1; the bureau T2.
    assert figures(data.programme, STARTED, share=[data.w.gem_assen.pk]) == (
        d(1),
        {(2025, 1): d(1)},
        {data.w.assen.pk: d(1)},
    )
    assert value(data.programme, STARTED, organisation_id=data.w.bureau.pk) == d(1)
    assert value(data.programme, Measure.EUROS, share=[data.w.gem_assen.pk]) == d("4000.00")
    assert value(data.programme, Measure.EUROS, share=[data.w.gem_emmen.pk]) == d(0)


def test_trajectories_completed(data):
    # T4 (15-01, Q1), T1 (01-05, Q2), T3 (30-09, Q3); T5 is P2's.
    assert figures(data.programme, Measure.TRAJECTORIES_COMPLETED) == (
        d(3),
        {(2025, 1): d(1), (2025, 2): d(1), (2025, 3): d(1)},
        {data.w.assen.pk: d(2), data.w.emmen.pk: d(1)},
    )
    assert value(data.programme, Measure.TRAJECTORIES_COMPLETED, scheme_id=data.s2.pk) == d(2)


@pytest.mark.parametrize("measure", [Measure.TRAJECTORIES_PAID, Measure.VOUCHERS_PAID])
def test_paid_by_payment_date(data, measure):
    # T1 paid 01-06 (Q2), T3 paid 01-10 (Q4), both A in Assen; T2 issued, T4 without a
    # payment date, T5 another programme.
    assert figures(data.programme, measure) == (
        d(2),
        {(2025, 2): d(1), (2025, 4): d(1)},
        {data.w.assen.pk: d(2)},
    )
    assert value(data.programme, measure, scheme_id=data.s1.pk) == d(1)


def test_euros_paid(data):
    # 4000.00 (Q2) + 1500.50 (Q4).
    assert figures(data.programme, Measure.EUROS) == (
        d("5500.50"),
        {(2025, 2): d("4000.00"), (2025, 4): d("1500.50")},
        {data.w.assen.pk: d("5500.50")},
    )
    assert value(data.programme, Measure.EUROS, theme_id=data.digi.pk) == d("4000.00")


def test_hours(data):
    # H1 2.00 + H2 1.50 (Q1), H3 3.25 (Q2); per municipality of the company: A Assen
    # 2.00, B Emmen 1.50, the workshop's hours without a company 3.25.
    assert figures(data.programme, Measure.HOURS) == (
        d("6.75"),
        {(2025, 1): d("3.50"), (2025, 2): d("3.25")},
        {data.w.assen.pk: d("2.00"), data.w.emmen.pk: d("1.50"), None: d("3.25")},
    )
    assert value(data.programme, Measure.HOURS, share=[data.w.gem_assen.pk]) == d("1.50")
    assert value(data.programme, Measure.HOURS, scheme_id=data.s1.pk) == d("2.00")
    assert value(data.programme, Measure.HOURS, event_kind=Event.Kind.WORKSHOP) == d("3.25")
    assert value(data.programme, Measure.HOURS, event_kind=Event.Kind.WEBINAR) == d(0)


@pytest.mark.parametrize(
    "measure",
    [
        STARTED,
        Measure.TRAJECTORIES_COMPLETED,
        Measure.TRAJECTORIES_PAID,
        Measure.VOUCHERS_PAID,
        Measure.EUROS,
        Measure.HOURS,
    ],
)
def test_one_query_per_figure(data, django_assert_num_queries, measure):
    spec = Spec(measure, scheme_id=data.s1.pk, size_class="micro", newness="new")
    programme = fresh(data.programme)
    assert_one_query_each(django_assert_num_queries, programme, spec, [data.w.bureau.pk])
    if measure != Measure.HOURS:
        spec = Spec(measure, theme_id=data.digi.pk, municipality_id=data.w.assen.pk)
        assert_one_query_each(django_assert_num_queries, programme, spec)


def test_filters_that_do_not_apply_are_named():
    # Trajectories have no need and no kind of event; hours no theme and no need.
    spec = Spec(STARTED, need_id=1, event_kind="webinar", scheme_id=1, theme_id=1)
    assert set(measures.filter_problems(spec)) == {"need", "event_kind"}
    assert set(measures.filter_problems(Spec(Measure.HOURS, theme_id=1, need_id=1))) == {
        "theme",
        "need",
    }
