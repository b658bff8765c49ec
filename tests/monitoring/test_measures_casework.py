"""Casework measures (cases, intakes, contact moments, unique companies reached) on a
small data set counted by hand: every filter, a partner's share, quarter boundaries in
Amsterdam time, distinct counts that do not add up, one query per figure."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from loket.casework.models import ContactMoment
from loket.monitoring import measures
from loket.monitoring.measures import Spec
from loket.monitoring.models import Measure, Newness, Starter
from tests import factories as f
from tests.monitoring.measures_helpers import (
    Q1,
    YEAR,
    assert_one_query_each,
    at,
    d,
    day,
    figures,
    fresh,
    need,
    theme,
    value,
)

INTAKE = ContactMoment.Kind.INTAKE
PHONE = ContactMoment.Kind.PHONE


@pytest.fixture
def data(world):
    """Programme P (2025-2028) executed by the bureau and Gemeente Assen; Gemeente Emmen
    does not execute it. Companies:

    - A: Assen, 5 employees (micro), founded 2022 (a starter in 2025), new in 2025;
    - B: Emmen, 20 employees (small), founded 2010, known (a contact moment in 2024);
    - C: Assen, 300 employees (large), no founding date, known (a case in 2024);
    - D: a company in Twente.

    Contact moments (numbers used in the counts below):
      1 A intake  bureau     2025-01-10 10:00  theme digitalisation, need finance, case 1
      2 A phone   Assen      2025-03-31 23:30  (Q1 in Amsterdam, Q2 in UTC)
      3 B intake  Assen      2025-04-01 00:30  themes digitalisation + export, need finance, case 2
      4 B visit   bureau     2025-05-05        needs finance + growth, case 2
      5 C intake  bureau     2025-07-01 09:00  theme export
      6 A email   bureau     2025-12-31 23:59
    not counting: 7 A intake by Gemeente Emmen (not executing) 2025-02-01 theme digi;
      8 D intake in Twente 2025-02-01; 9 C intake 2026-01-01 00:30 (after the year);
      10 B phone 2024-11-01 (before).
    Cases: case 1 A bureau 2025-02-01 theme digitalisation; case 2 B Assen 2025-06-30 23:30
    theme export; not counting: C bureau 2024-12-15, A Gemeente Emmen 2025-03-01, D Twente.
    """
    w = world
    programme = f.ProgrammeFactory(region=w.region, organisations=[w.bureau, w.gem_assen])
    a = f.CompanyFactory(region=w.region, municipality=w.assen, employees=5)
    a.founded_on = day("2022-06-01")
    a.save()
    b = f.CompanyFactory(
        region=w.region, municipality=w.emmen, employees=20, founded_on=day("2010-01-01")
    )
    c = f.CompanyFactory(region=w.region, municipality=w.assen, employees=300)
    d_ = f.CompanyFactory(region=w.other_region, employees=5)
    digi, export = theme("digitalisation"), theme("export")
    finance, growth = need("finance"), need("growth")

    def case(company, org, when, themes=()):
        made = f.CaseFactory(company=company, organisation=org, opened_at=at(*when), owner=w.alice)
        made.themes.set(themes)
        return made

    case1 = case(a, w.bureau, ("2025-02-01",), [digi])
    case2 = case(b, w.gem_assen, ("2025-06-30", "23:30"), [export])
    case(c, w.bureau, ("2024-12-15",))
    case(a, w.gem_emmen, ("2025-03-01",), [digi])
    case(d_, w.twente_bureau, ("2025-03-01",))

    def contact(company, kind, org, when, themes=(), needs=(), case=None):
        moment = f.ContactMomentFactory(
            company=company,
            kind=kind,
            organisation=org,
            occurred_at=at(*when),
            author=w.alice,
            case=case,
        )
        moment.themes.set(themes)
        moment.needs.set(needs)
        return moment

    contact(a, INTAKE, w.bureau, ("2025-01-10", "10:00"), [digi], [finance], case1)
    contact(a, PHONE, w.gem_assen, ("2025-03-31", "23:30"))
    contact(b, INTAKE, w.gem_assen, ("2025-04-01", "00:30"), [digi, export], [finance], case2)
    contact(b, ContactMoment.Kind.VISIT, w.bureau, ("2025-05-05",), [], [finance, growth], case2)
    contact(c, INTAKE, w.bureau, ("2025-07-01", "09:00"), [export])
    contact(a, ContactMoment.Kind.EMAIL, w.bureau, ("2025-12-31", "23:59"))
    contact(a, INTAKE, w.gem_emmen, ("2025-02-01",), [digi])
    contact(d_, INTAKE, w.twente_bureau, ("2025-02-01",))
    contact(c, INTAKE, w.bureau, ("2026-01-01", "00:30"))
    contact(b, PHONE, w.bureau, ("2024-11-01",))
    return SimpleNamespace(
        w=w, programme=fresh(programme), a=a, b=b, c=c, digi=digi, export=export,
        finance=finance, growth=growth,
    )  # fmt: skip


def test_contact_moments_per_quarter_and_municipality(data):
    assen, emmen = data.w.assen.pk, data.w.emmen.pk
    # 1..6; Q1: 1, 2 (23:30 on 31 March is still Q1 in Amsterdam); Q2: 3 (00:30 on 1
    # April), 4; Q3: 5; Q4: 6 (23:59 on 31 December). Assen: 1, 2, 5, 6; Emmen: 3, 4.
    assert figures(data.programme, Measure.CONTACT_MOMENTS) == (
        d(6),
        {(2025, 1): d(2), (2025, 2): d(2), (2025, 3): d(1), (2025, 4): d(1)},
        {assen: d(4), emmen: d(2)},
    )
    # Only the first quarter: 1, 2.
    assert value(data.programme, Measure.CONTACT_MOMENTS, Q1) == d(2)


def test_intakes_and_the_briefs_intakes_on_digitalisation(data):
    assen, emmen = data.w.assen.pk, data.w.emmen.pk
    # Intakes 1, 3, 5 (7 is Gemeente Emmen's, 8 Twente's, 9 in 2026).
    assert figures(data.programme, Measure.INTAKES) == (
        d(3),
        {(2025, 1): d(1), (2025, 2): d(1), (2025, 3): d(1)},
        {assen: d(2), emmen: d(1)},
    )
    # "Intakes op digitalisering: 150": an indicator with a theme. 1 and 3 (3 has two
    # themes and counts once).
    indicator = f.IndicatorFactory(
        action_line=f.ActionLineFactory(programme=data.programme),
        measure=Measure.INTAKES,
        theme=data.digi,
    )
    spec = Spec.of(indicator)
    assert measures.value(data.programme, spec, *YEAR) == d(2)
    assert measures.by_quarter(data.programme, spec, *YEAR) == {(2025, 1): d(1), (2025, 2): d(1)}
    assert measures.by_municipality(data.programme, spec, *YEAR) == {
        data.w.assen.pk: d(1),
        data.w.emmen.pk: d(1),
    }
    # Export: 3 and 5.
    assert value(data.programme, Measure.INTAKES, theme_id=data.export.pk) == d(2)


def test_needs_count_a_row_once(data):
    # Contact moments with need finance: 1, 3, 4 (4 has two needs); growth: 4.
    assert figures(data.programme, Measure.CONTACT_MOMENTS, need_id=data.finance.pk)[:2] == (
        d(3),
        {(2025, 1): d(1), (2025, 2): d(2)},
    )
    assert value(data.programme, Measure.CONTACT_MOMENTS, need_id=data.growth.pk) == d(1)
    # Cases with need finance (through their contact moments): case 1 (moment 1) and
    # case 2 (moments 3 and 4, once).
    assert value(data.programme, Measure.CASES, need_id=data.finance.pk) == d(2)


def test_cases(data):
    assen, emmen = data.w.assen.pk, data.w.emmen.pk
    # Case 1 (Q1, Assen) and case 2 (30 June 23:30: Q2, Emmen).
    assert figures(data.programme, Measure.CASES) == (
        d(2),
        {(2025, 1): d(1), (2025, 2): d(1)},
        {assen: d(1), emmen: d(1)},
    )
    assert value(data.programme, Measure.CASES, theme_id=data.digi.pk) == d(1)
    assert value(data.programme, Measure.CASES, share=[data.w.gem_assen.pk]) == d(1)


def test_unique_companies_are_not_the_sum_of_the_quarters(data):
    assen, emmen = data.w.assen.pk, data.w.emmen.pk
    # A (1, 2, 6), B (3, 4), C (5): 3 companies; per quarter Q1 A, Q2 B, Q3 C, Q4 A:
    # the quarters add up to 4, the year is 3.
    value_, quarters, municipalities = figures(data.programme, Measure.COMPANIES_REACHED)
    assert value_ == d(3)
    assert quarters == {(2025, 1): d(1), (2025, 2): d(1), (2025, 3): d(1), (2025, 4): d(1)}
    assert sum(quarters.values()) > value_
    assert municipalities == {assen: d(2), emmen: d(1)}
    assert not measures.additive(Measure.COMPANIES_REACHED)
    assert measures.additive(Measure.INTAKES)


def test_a_partner_sees_only_its_share(data):
    # Gemeente Assen registered 2 and 3: Q1 and Q2; A in Assen, B in Emmen.
    assert figures(data.programme, Measure.CONTACT_MOMENTS, share=[data.w.gem_assen.pk]) == (
        d(2),
        {(2025, 1): d(1), (2025, 2): d(1)},
        {data.w.assen.pk: d(1), data.w.emmen.pk: d(1)},
    )
    assert value(data.programme, Measure.INTAKES, share=[data.w.gem_assen.pk]) == d(1)
    # Gemeente Emmen does not execute the programme: its intake 7 is nobody's figure.
    assert value(data.programme, Measure.CONTACT_MOMENTS, share=[data.w.gem_emmen.pk]) == d(0)
    # The indicator's own organisation filter works the same way: 2 and 3.
    orgs = {"organisation_id": data.w.gem_assen.pk}
    assert value(data.programme, Measure.CONTACT_MOMENTS, **orgs) == d(2)
    # Bureau share with the Assen filter: nothing in common.
    assert value(data.programme, Measure.CONTACT_MOMENTS, [*YEAR], [data.w.bureau.pk], **orgs) == 0


def test_municipality_size_class_and_starter(data):
    assen = data.w.assen.pk
    # Assen's companies A and C: 1, 2, 5, 6.
    assert value(data.programme, Measure.CONTACT_MOMENTS, municipality_id=assen) == d(4)
    # micro: A (1, 2, 6); small: B (3, 4); large: C (5); medium: none.
    assert value(data.programme, Measure.CONTACT_MOMENTS, size_class="micro") == d(3)
    assert value(data.programme, Measure.CONTACT_MOMENTS, size_class="small") == d(2)
    assert value(data.programme, Measure.CONTACT_MOMENTS, size_class="large") == d(1)
    assert value(data.programme, Measure.CONTACT_MOMENTS, size_class="medium") == d(0)
    # Starters: A (founded 2022); no starters: B (C has no founding date: neither).
    assert value(data.programme, Measure.COMPANIES_REACHED, starter=Starter.YES) == d(1)
    assert value(data.programme, Measure.CONTACT_MOMENTS, starter=Starter.NO) == d(2)


def test_a_company_founded_exactly_five_years_before_the_end_is_no_starter(data):
    data.a.founded_on = day("2020-12-31")  # five years old on 31-12-2025
    data.a.save()
    assert value(data.programme, Measure.COMPANIES_REACHED, starter=Starter.YES) == d(0)
    data.a.founded_on = day("2021-01-01")
    data.a.save()
    assert value(data.programme, Measure.COMPANIES_REACHED, starter=Starter.YES) == d(1)


def test_new_and_known_companies(data):
    # New in 2025: A. Known: B (contact moment in 2024), C (case in 2024).
    new = figures(data.programme, Measure.COMPANIES_REACHED, newness=Newness.NEW)
    assert new == (
        d(1),
        {(2025, 1): d(1), (2025, 4): d(1)},
        {data.w.assen.pk: d(1)},
    )
    known = value(data.programme, Measure.COMPANIES_REACHED, newness=Newness.KNOWN)
    assert known == d(2)
    # Over the second half of 2025 A is known too (it had contact in Q1); C is reached.
    second_half = (day("2025-07-01"), day("2025-12-31"))
    assert value(data.programme, Measure.COMPANIES_REACHED, second_half, newness="new") == 0
    assert value(data.programme, Measure.COMPANIES_REACHED, second_half, newness="known") == 2


def test_a_company_that_visited_an_event_before_is_known(data):
    earlier = f.EventFactory(
        programme=data.programme,
        starts_at=at("2024-10-01", "15:00"),
        ends_at=at("2024-10-01", "17:00"),
    )
    f.RegistrationFactory(event=earlier, company=data.a, attendance="present")
    assert value(data.programme, Measure.COMPANIES_REACHED, newness=Newness.NEW) == d(0)
    assert value(data.programme, Measure.COMPANIES_REACHED, newness=Newness.KNOWN) == d(3)


def test_a_programme_without_executing_organisations_counts_the_whole_region(data):
    programme = f.ProgrammeFactory(region=data.w.region)
    # 1..6 and Gemeente Emmen's 7; not Twente's 8.
    assert value(fresh(programme), Measure.CONTACT_MOMENTS) == d(7)


@pytest.mark.parametrize(
    "measure",
    [Measure.CASES, Measure.INTAKES, Measure.CONTACT_MOMENTS, Measure.COMPANIES_REACHED],
)
def test_one_query_per_figure(data, django_assert_num_queries, measure):
    programme = fresh(data.programme)
    spec = Spec(measure)
    # The programme's organisations are read once, with the first figure.
    with django_assert_num_queries(2):
        measures.value(programme, spec, *YEAR)
    with django_assert_num_queries(1):
        measures.value(programme, spec, *YEAR)
    full = Spec(
        measure,
        theme_id=data.digi.pk,
        need_id=data.finance.pk,
        organisation_id=data.w.bureau.pk,
        municipality_id=data.w.assen.pk,
        size_class="micro",
        starter=Starter.YES,
        newness=Newness.NEW,
    )
    assert_one_query_each(django_assert_num_queries, programme, full, [data.w.bureau.pk])


def test_filters_that_do_not_apply_are_named(data):
    # Casework has no scheme and no kind of event; all else applies.
    problems = measures.filter_problems(Spec(Measure.INTAKES, scheme_id=1, event_kind="webinar"))
    assert set(problems) == {"scheme", "event_kind"}
    applies = Spec(
        Measure.CASES,
        theme_id=1,
        need_id=1,
        organisation_id=1,
        municipality_id=1,
        size_class="micro",
        starter="yes",
        newness="new",
    )
    assert measures.filter_problems(applies) == {}
