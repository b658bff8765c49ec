"""Survey measures (average mark, response rate) on a small data set counted by hand:
answers by the date they were given, invitations by the date they were sent."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from loket.monitoring import measures
from loket.monitoring.measures import Spec
from loket.monitoring.models import Measure, SurveyInvitation
from tests import factories as f
from tests.monitoring.measures_helpers import (
    YEAR,
    assert_one_query_each,
    at,
    d,
    figures,
    fresh,
    theme,
    value,
)

MARK = Measure.SATISFACTION
RATE = Measure.RESPONSE_RATE


@pytest.fixture
def data(world):
    """Programme P. Invitations:

      I1 A bureau         sent 2025-01-10, answered 2025-01-12: 8 (case on digitalisation)
      I2 B Gemeente Assen sent 2025-02-10, answered 2025-04-02: 6 (trajectory of scheme S)
      I3 C bureau         sent 2025-03-01, not answered
      I4 A bureau         sent 2025-05-01, answered 2025-05-03: 10
    not counting: P2's answer 1 in 2025; one never sent (cancelled); B's answer 2 of
    December 2024.
    """
    w = world
    programme = f.ProgrammeFactory(region=w.region, organisations=[w.bureau, w.gem_assen])
    other = f.ProgrammeFactory(region=w.region, organisations=[w.bureau])
    digi = theme("digitalisation")
    a = f.CompanyFactory(region=w.region, municipality=w.assen)
    b = f.CompanyFactory(region=w.region, municipality=w.emmen)
    c = f.CompanyFactory(region=w.region, municipality=w.assen)
    case = f.CaseFactory(company=a, organisation=w.bureau, owner=w.alice)
    case.themes.set([digi])
    scheme = f.SchemeFactory(programme=programme)
    trajectory = f.TrajectoryFactory(scheme=scheme, company=b)

    def invite(
        company, org, sent, answered=None, mark=None, quarter=1, year=2025, prog=programme, **kw
    ):
        f.SurveyInvitationFactory(
            company=company, organisation=org, programme=prog, year=year, quarter=quarter,
            sent_at=at(sent) if sent else None, answered_at=at(answered) if answered else None,
            mark=mark,
            **{"status": "answered" if mark else "sent", **kw},
        )  # fmt: skip

    invite(a, w.bureau, "2025-01-10", "2025-01-12", 8, case=case)
    invite(b, w.gem_assen, "2025-02-10", "2025-04-02", 6, trajectory=trajectory)
    invite(c, w.bureau, "2025-03-01")
    invite(a, w.bureau, "2025-05-01", "2025-05-03", 10, quarter=2)
    invite(c, w.bureau, "2025-02-01", "2025-02-03", 1, quarter=3, prog=other)
    invite(b, w.bureau, None, quarter=3, status=SurveyInvitation.Status.CANCELLED)
    invite(b, w.bureau, "2024-12-01", "2024-12-02", 2, quarter=4, year=2024)
    return SimpleNamespace(w=w, programme=fresh(programme), digi=digi, scheme=scheme)


def test_average_mark(data):
    # 8 (Q1), 6 and 10 (Q2): 8 over the year; A in Assen 8 and 10, B in Emmen 6.
    assert figures(data.programme, MARK) == (
        d(8),
        {(2025, 1): d(8), (2025, 2): d(8)},
        {data.w.assen.pk: d(9), data.w.emmen.pk: d(6)},
    )
    assert measures.answers_count(data.programme, Spec(MARK), *YEAR) == 3
    assert value(data.programme, MARK, share=[data.w.bureau.pk]) == d(9)
    assert value(data.programme, MARK, share=[data.w.gem_assen.pk]) == d(6)
    assert value(data.programme, MARK, theme_id=data.digi.pk) == d(8)
    assert value(data.programme, MARK, scheme_id=data.scheme.pk) == d(6)
    assert not measures.additive(MARK)


def test_response_rate(data):
    # Sent in 2025: I1..I4, answered I1, I2, I4: 75 %. Q1: I1, I2 of I1..I3 (2 of 3);
    # Q2: I4 (1 of 1). Assen: I1, I3, I4 (2 of 3); Emmen: I2 (1 of 1).
    two_thirds = Decimal(200) / Decimal(3)
    assert figures(data.programme, RATE) == (
        d(75),
        {(2025, 1): two_thirds, (2025, 2): d(100)},
        {data.w.assen.pk: two_thirds, data.w.emmen.pk: d(100)},
    )
    assert value(data.programme, RATE, share=[data.w.gem_assen.pk]) == d(100)
    assert value(data.programme, RATE, share=[data.w.gem_emmen.pk]) == d(0)
    assert not measures.additive(RATE)


@pytest.mark.parametrize("measure", [MARK, RATE])
def test_one_query_per_figure(data, django_assert_num_queries, measure):
    spec = Spec(measure, theme_id=data.digi.pk, scheme_id=data.scheme.pk, size_class="micro")
    assert_one_query_each(django_assert_num_queries, data.programme, spec, [data.w.bureau.pk])


def test_filters_that_do_not_apply_are_named():
    spec = Spec(MARK, need_id=1, event_kind="cafe", municipality_id=1, newness="known")
    assert set(measures.filter_problems(spec)) == {"need", "event_kind"}
