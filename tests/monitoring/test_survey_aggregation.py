"""Satisfaction figures on a hand-made set: averages, distribution, response rate and
the threshold of 5 answers per group."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loket.monitoring import satisfaction
from loket.monitoring.models import SurveyInvitation
from tests import factories as f

S = SurveyInvitation.Status
TZ = timezone.get_default_timezone()


def _at(day):
    return dt.datetime.combine(day, dt.time(12), tzinfo=TZ)


@pytest.fixture
def data(world):
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    other = f.ProgrammeFactory(region=world.region)
    instrument = f.InstrumentFactory(region=world.region, name="Innovatievoucher")

    def invite(mark=None, *, sent=dt.date(2026, 2, 1), answered=None, **kw):
        kw.setdefault("programme", programme)
        kw.setdefault("organisation", world.bureau)
        kw.setdefault("owner", world.alice)
        return f.SurveyInvitationFactory(
            company=f.CompanyFactory(region=world.region),
            status=S.ANSWERED if mark else S.SENT,
            sent_at=_at(sent),
            answered_at=_at(answered or sent) if mark else None,
            mark=mark,
            recommend="yes" if mark and mark >= 8 else ("maybe" if mark else ""),
            helped=f"hielp {mark}" if mark else "",
            **kw,
        )

    # Q1 2026, bureau/alice: marks 9, 8, 8, 7, 10 and 6 (6 answers), 2 unanswered
    for mark in (9, 8, 8, 7, 10, 6):
        invite(mark, instrument=instrument)
    invite()
    invite()
    # Q1 2026, Gemeente Assen / bob: 2 answers (below the threshold)
    invite(4, organisation=world.gem_assen, owner=world.bob)
    invite(5, organisation=world.gem_assen, owner=world.bob)
    # sent in 2025 Q4, answered in 2026 Q1: an answer of Q1, not sent in Q1
    invite(9, sent=dt.date(2025, 12, 20), answered=dt.date(2026, 1, 5), year=2025, quarter=4)
    # another programme: never counted
    invite(1, programme=other)
    return programme


Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_summary_of_the_quarter(data):
    result = satisfaction.summary(data, *Q1)
    # answers in Q1: 6 + 2 + 1 = 9; marks 9+8+8+7+10+6+4+5+9 = 66 -> 7.33 -> 7.3
    assert result["answers"] == 9
    assert result["average"] == "7.3"
    # sent in Q1: 8 (bureau) + 2 (Assen) = 10, answered 8 -> 80.0 %
    assert result["sent"] == 10
    assert result["response_rate"] == "80.0"
    assert result["distribution"] == {
        "1": 0, "2": 0, "3": 0, "4": 1, "5": 1, "6": 1, "7": 1, "8": 2, "9": 2, "10": 1,
    }  # fmt: skip
    assert result["recommend"] == {"yes": 5, "maybe": 4, "no": 0}
    assert len(result["comments"]["helped"]) == 9
    assert result["comments"]["improve"] == []
    assert result["suppressed"] is False


def test_a_share_below_five_answers_is_suppressed(world, data):
    result = satisfaction.summary(data, *Q1, organisation_ids=[world.gem_assen.pk])
    assert result["answers"] == 2
    assert result["sent"] == 2
    assert result["response_rate"] == "100.0"
    assert result["suppressed"] is True
    for key in ("average", "distribution", "recommend", "comments"):
        assert result[key] is None, key


def test_filtered_by_owner_and_instrument(world, data):
    by_alice = satisfaction.summary(data, *Q1, owner_id=world.alice.pk)
    assert by_alice["answers"] == 7  # 6 + the one sent in 2025
    assert by_alice["average"] == "8.1"  # 57 / 7 = 8.14
    instrument = SurveyInvitation.objects.exclude(instrument=None).first().instrument_id
    assert satisfaction.summary(data, *Q1, instrument_id=instrument)["average"] == "8.0"


def test_an_empty_period(data):
    result = satisfaction.summary(data, dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert result["answers"] == 0
    assert result["sent"] == 0
    assert result["response_rate"] is None
    assert result["suppressed"] is True


def test_breakdown_per_organisation_hides_small_groups(world, data):
    rows = satisfaction.breakdown(data, *Q1, "organisation")
    by_label = {row["label"]: row for row in rows}
    bureau = by_label["Programmabureau IBDO"]
    assert (bureau["answers"], bureau["average"], bureau["sent"]) == (7, "8.1", 8)
    assert bureau["response_rate"] == "75.0"
    assen = by_label["Gemeente Assen"]
    assert (assen["answers"], assen["average"], assen["suppressed"]) == (2, None, True)


def test_breakdown_per_owner_instrument_and_quarter(world, data):
    owners = {r["label"]: r for r in satisfaction.breakdown(data, *Q1, "owner")}
    assert owners["Alice Advies"]["answers"] == 7
    assert owners["Bob Gemeente"]["average"] is None
    instruments = {r["label"]: r for r in satisfaction.breakdown(data, *Q1, "instrument")}
    assert instruments["Innovatievoucher"]["average"] == "8.0"
    assert instruments["(niet vastgelegd)"]["answers"] == 3
    quarters = satisfaction.breakdown(data, dt.date(2025, 10, 1), dt.date(2026, 3, 31), "quarter")
    assert [(r["label"], r["answers"], r["average"]) for r in quarters] == [
        ("2025 K4", 1, None),
        ("2026 K1", 8, "7.1"),  # 9+8+8+7+10+6+4+5 = 57 / 8 = 7.125
    ]


def test_breakdown_is_one_query(data, django_assert_num_queries):
    for by in satisfaction.BY:
        with django_assert_num_queries(1):
            satisfaction.breakdown(data, *Q1, by)
