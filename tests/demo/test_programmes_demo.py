"""The demo programme: a four-year plan that adds up, schemes, trajectories in every
status, vouchers and a year of hours, keeping every rule the services enforce."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from loket.accounts.models import Membership, User
from loket.companies.models import Company, SizeClass
from loket.companies.queries import companies_visible_to
from loket.core.workdays import is_working_day
from loket.demo.generator import Scale, flush
from loket.demo.programmes import flush_programmes, load_programme
from loket.programmes import financing
from loket.programmes.models import (
    ActivityType,
    CapOverride,
    Funder,
    HourEntry,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
    Scheme,
    Trajectory,
    TrajectoryParticipant,
    Voucher,
    check_shares,
)
from loket.programmes.queries import trajectories_visible_to

TINY = Scale(companies=60, contacts=60, cases=20, referrals=10)
# The story's today: 24-11-2026, in the programme's second year.
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=timezone.get_default_timezone())
TODAY = NOW.date()
S = Trajectory.Status
CODE = re.compile(r"^IBDO-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$")


# The demo of every test here, generated once for the module (tests/demo/conftest.py).
DEMO = {"seed": 7, "scale": TINY, "now": NOW, "rebuild_index": False}


@pytest.fixture
def programme(demo):
    return Programme.objects.get(region=demo.region)


def snapshot():
    return (
        list(
            Trajectory.objects.order_by("scheme__name", "applied_on", "company_id").values_list(
                "scheme__name", "status", "company_id", "title", "applied_on", "supplier_name"
            )
        ),
        # Ordered by every column it shows: rows that tie are equal.
        list(
            HourEntry.objects.order_by(
                "date", "user_id", "activity_type__code", "hours", "company_id", "note"
            ).values_list("date", "user_id", "activity_type__code", "hours", "company_id", "note")
        ),
        sorted(Voucher.objects.values_list("code", "amount", "paid_amount")),
    )


def test_it_loads_a_four_year_programme_in_which_today_is_year_two(demo, programme):
    assert programme.name == "Ik Ben Drents Ondernemer 2025-2028"
    assert (programme.starts_on, programme.ends_on) == (dt.date(2025, 1, 1), dt.date(2028, 12, 31))
    assert TODAY.year == programme.years[1]
    programme.full_clean()
    names = set(programme.organisations.values_list("name", flat=True))
    assert names == {
        "Programmabureau IBDO",
        "Kamer van Koophandel, regio Noord",
        "NOM, investerings- en ontwikkelingsmaatschappij Noord-Nederland",
    }
    kinds = set(Funder.objects.filter(programme=programme).values_list("kind", flat=True))
    assert kinds == {"province", "chamber", "national", "companies"}
    # Every executing organisation has a rate from the first year, 3 % up from 2027.
    for org in programme.organisations.all():
        rates = dict(
            HourlyRate.objects.filter(programme=programme, organisation=org).values_list(
                "year", "rate"
            )
        )
        assert set(rates) == {2025, 2027}
        assert rates[2027] == (rates[2025] * Decimal("1.03")).quantize(Decimal("0.01"))
    codes = set(ActivityType.objects.filter(programme=programme).values_list("code", flat=True))
    assert {"gesprekken", "fysieke-evenementen", "clustertrajecten", "evaluatie"} <= codes
    # The loader reports what is in the database.
    c = demo.counts
    assert c["programme_programmes"] == 1
    assert c["programme_plan_lines"] == PlanLine.objects.count() == 52
    assert c["programme_trajectories"] == Trajectory.objects.count()
    assert c["programme_hour_entries"] == HourEntry.objects.count() > 500
    assert c["programme_vouchers"] == Voucher.objects.count()


def test_the_plan_adds_up_to_about_870000_a_year_without_problems(programme):
    lines = list(PlanLine.objects.filter(programme=programme).select_related("programme"))
    shares = defaultdict(list)
    for funding in PlanLineFunding.objects.filter(line__programme=programme):
        shares[funding.line_id].append(funding.hours_share)
    splits = set()
    for line in lines:
        line.full_clean()  # year within the period, one kind of hours, same programme
        assert line.hours > 0
        assert check_shares(shares[line.pk], line.hours) is None
        splits.add(tuple(sorted(shares[line.pk])))
    assert (Decimal("100.00"),) in splits
    assert (Decimal("50.00"), Decimal("50.00")) in splits
    assert {line.year for line in lines} == set(programme.years)
    assert PlanLineFunding.objects.filter(out_of_pocket_incl_vat__gt=0).exists()

    overview = financing.overview(programme)
    assert overview.problems == []
    assert overview.total == sum((lf.total for lf in overview.lines), Decimal("0"))
    assert overview.total == sum((ft.total for ft in overview.per_funder), Decimal("0"))
    for year in programme.years:
        yearly = financing.overview(programme, year)
        assert yearly.problems == []
        assert Decimal("800000") <= yearly.total <= Decimal("950000"), year
    own = next(ft for ft in overview.per_funder if ft.funder.kind == Funder.Kind.COMPANIES)
    assert own.hours == 0
    assert own.total > 0  # the own contributions of the schemes' trajectories, incl. VAT


def test_schemes_follow_the_catalogue_instruments_they_are_linked_to(programme):
    schemes = {s.name: s for s in Scheme.objects.filter(programme=programme)}
    assert set(schemes) == {"Innovatietraject", "Exporttraject", "Groeitraject", "Clustertraject"}
    for scheme in schemes.values():
        scheme.full_clean()
        assert scheme.instrument is not None
        assert scheme.vat_rate == Decimal("21.00")
        assert scheme.value == scheme.max_granted + scheme.own_contribution
    export = schemes["Exporttraject"]
    assert export.value == export.instrument.amount_max
    assert export.own_contribution == export.instrument.own_contribution
    assert (export.available, export.hours_norm, export.hours_cap_per_company) == (
        40,
        Decimal("12.00"),
        Decimal("24.00"),
    )
    cluster = schemes["Clustertraject"]
    assert cluster.instrument.name == "Clusterondersteuning"
    assert (cluster.min_participants, cluster.available, cluster.value) == (4, 8, Decimal("20000"))
    # Each scheme's plan lines hand out, over the four years, what the scheme has.
    for scheme in schemes.values():
        planned = PlanLine.objects.filter(scheme=scheme).aggregate(n=Sum("count"))["n"]
        assert planned == scheme.available


def test_trajectories_in_every_status_within_what_each_scheme_has(programme):
    trajectories = list(
        Trajectory.objects.filter(programme=programme).select_related("scheme__instrument")
    )
    assert {t.status for t in trajectories} == set(S.values)
    participants = defaultdict(list)
    for trajectory_id, company_id in TrajectoryParticipant.objects.values_list(
        "trajectory_id", "company_id"
    ):
        participants[trajectory_id].append(company_id)
    companies = {c.pk: c for c in Company.objects.prefetch_related("sbi_codes")}
    for scheme in Scheme.objects.filter(programme=programme):
        own = [t for t in trajectories if t.scheme_id == scheme.pk]
        assert {t.status for t in own} == set(S.values), scheme.name
        committed = [t for t in own if t.status in Trajectory.COMMITTED]
        assert len(committed) <= scheme.available
        assert sum(t.granted_amount for t in committed) <= scheme.total_budget
        assert all(t.granted_amount == scheme.max_granted for t in committed)
        # A company takes part in one trajectory of a scheme at most.
        taking_part = [pk for t in own for pk in participants[t.pk]]
        assert len(set(taking_part)) == len(taking_part)
    for t in trajectories:
        group = participants[t.pk]
        assert t.company_id in group
        if t.scheme.is_collective:
            assert len(group) >= t.scheme.min_participants
        else:
            assert group == [t.company_id]
        # The participants meet the criteria of the scheme's instrument.
        instrument = t.scheme.instrument
        for pk in group:
            company = companies[pk]
            assert SizeClass.of(company.employees) in instrument.size_classes
            codes = {s.code for s in company.sbi_codes.all()}
            assert not codes & set(instrument.sbi_excluded)
            if instrument.company_age_min:
                age = (t.applied_on - company.founded_on).days // 365
                assert age >= instrument.company_age_min
        # Dates in order, within the period, never in the future.
        dates = [t.applied_on, t.approved_on, t.started_on, t.completed_on, t.evaluated_on]
        known = [d for d in dates if d is not None]
        assert known == sorted(known)
        assert programme.starts_on <= known[0]
        assert known[-1] <= TODAY
        assert all((t.supplier_name, t.deliverable, t.proposed_by_id))
        if t.status in Trajectory.COMMITTED:
            assert all((t.approved_on, t.approved_by_id))
        if t.status == S.WITHDRAWN:
            assert all((t.withdrawn_on, t.withdrawal_reason))
            assert t.approved_on is None
        if t.status == S.EVALUATED:
            assert t.evaluation


def test_vouchers_only_for_committed_trajectories_with_unique_codes(programme):
    vouchers = list(Voucher.objects.select_related("trajectory"))
    committed = Trajectory.objects.filter(programme=programme, status__in=Trajectory.COMMITTED)
    assert {v.trajectory_id for v in vouchers} == set(committed.values_list("pk", flat=True))
    assert len({v.code for v in vouchers}) == len(vouchers)
    assert {v.status for v in vouchers} == {Voucher.Status.ISSUED, Voucher.Status.REDEEMED}
    for voucher in vouchers:
        assert CODE.match(voucher.code), voucher.code
        assert voucher.company_id == voucher.trajectory.company_id
        assert voucher.amount == voucher.trajectory.granted_amount
        assert voucher.issued_on == voucher.trajectory.approved_on
        if voucher.status == Voucher.Status.REDEEMED:
            assert voucher.invoice_number
            assert voucher.paid_amount <= voucher.amount
            assert voucher.paid_amount <= voucher.invoice_amount
            assert voucher.trajectory.completed_on <= voucher.invoice_date <= voucher.paid_on
            assert voucher.paid_on <= TODAY
        else:
            assert voucher.paid_amount is None


def test_hours_are_registered_by_the_programme_people_on_past_working_days(programme):
    members = set(Membership.objects.values_list("user_id", "organisation_id"))
    executing = set(programme.organisations.values_list("pk", flat=True))
    planned = set(
        PlanLine.objects.filter(programme=programme).values_list(
            "year", "activity_type_id", "organisation_id"
        )
    )
    entries = list(HourEntry.objects.filter(programme=programme).select_related("trajectory"))
    first = min(e.date for e in entries)
    assert first >= TODAY - dt.timedelta(days=365)
    assert max(e.date for e in entries) <= TODAY
    for entry in entries:
        assert programme.starts_on <= entry.date <= TODAY
        assert is_working_day(entry.date)
        assert entry.organisation_id in executing
        assert (entry.user_id, entry.organisation_id) in members
        assert (entry.date.year, entry.activity_type_id, entry.organisation_id) in planned
        assert Decimal("0.25") <= entry.hours <= Decimal("24")
        trajectory = entry.trajectory
        if trajectory is not None:
            assert entry.company_id == trajectory.company_id
            assert trajectory.started_on <= entry.date
            # Registered while it ran or was completed, before its evaluation.
            assert entry.date <= (trajectory.evaluated_on or TODAY)
            assert trajectory.status in (S.RUNNING, S.COMPLETED, S.EVALUATED)
    # Everyone chose only companies and trajectories they may see (partner staff of the
    # KvK see the companies their organisation has dealt with, not the whole region).
    by_user = defaultdict(lambda: (set(), set()))
    for entry in entries:
        if entry.company_id:
            by_user[entry.user_id][0].add(entry.company_id)
        if entry.trajectory_id:
            by_user[entry.user_id][1].add(entry.trajectory_id)
    for user in User.objects.filter(pk__in=list(by_user)):
        companies, trajectories = by_user[user.pk]
        visible = companies_visible_to(user).filter(pk__in=companies).count()
        assert visible == len(companies), user.email
        visible = trajectories_visible_to(user).filter(pk__in=trajectories).count()
        assert visible == len(trajectories), user.email
    per_day = (
        HourEntry.objects.values("user_id", "date").annotate(h=Sum("hours")).order_by("-h").first()
    )
    assert per_day["h"] <= 8
    # Advisors, specialists, the programme manager and partner staff of KvK and NOM.
    roles = set(
        Membership.objects.filter(
            user__hour_entries__isnull=False, organisation__in=executing
        ).values_list("role", flat=True)
    )
    assert roles >= {"advisor", "specialist", "programme_manager", "partner"}


def cap_usage(programme):
    """(company, scheme or None) -> (hours, cap with permissions)."""
    overrides = defaultdict(Decimal)
    for company, scheme, extra in CapOverride.objects.filter(programme=programme).values_list(
        "company_id", "scheme_id", "extra_hours"
    ):
        overrides[(company, scheme)] += extra
    caps = dict(
        Scheme.objects.filter(programme=programme).values_list("pk", "hours_cap_per_company")
    )
    usage = {}
    for company, scheme, hours in (
        HourEntry.objects.filter(programme=programme, company__isnull=False)
        .values_list("company_id", "trajectory__scheme_id")
        .annotate(h=Sum("hours"))
        .order_by()
    ):
        cap = caps[scheme] if scheme is not None else programme.hours_cap_per_company
        if cap is not None:
            usage[(company, scheme)] = (hours, cap + overrides[(company, scheme)])
    return usage


def test_hours_per_company_stay_within_the_caps_and_some_come_close(programme):
    usage = cap_usage(programme)
    assert all(hours <= cap for hours, cap in usage.values())
    near = Counter(
        scheme is None
        for (_c, scheme), (hours, cap) in usage.items()
        if hours >= cap * Decimal("0.8")
    )
    assert near[True] >= 2  # outside trajectories, against the programme's cap
    assert near[False] >= 2  # on trajectories, against a scheme's cap
    for hours, cap in usage.values():
        assert hours <= cap * Decimal("0.95") or hours <= cap - 1
    # One company has more than the scheme's cap, with a programme manager's reason.
    (override,) = CapOverride.objects.filter(programme=programme).select_related("scheme")
    hours, _cap = usage[(override.company_id, override.scheme_id)]
    assert hours > override.scheme.hours_cap_per_company
    assert override.reason
    assert Membership.objects.filter(user=override.granted_by, role="programme_manager").exists()


def test_a_year_of_hours_roughly_follows_the_plan_pro_rata(programme):
    start = TODAY - dt.timedelta(days=364)
    planned = Decimal("0")
    per_line = {}
    for line in PlanLine.objects.filter(programme=programme).select_related("activity_type"):
        first, last = max(start, dt.date(line.year, 1, 1)), min(TODAY, dt.date(line.year, 12, 31))
        if first > last:
            continue
        share = Decimal((last - first).days + 1) / Decimal(365)
        planned += line.hours * share
        per_line[(line.year, line.activity_type_id, line.organisation_id)] = line.hours * share
    realised = dict.fromkeys(per_line, Decimal("0"))
    for year, activity, org, hours in (
        HourEntry.objects.filter(programme=programme)
        .values_list("date__year", "activity_type_id", "organisation_id")
        .annotate(h=Sum("hours"))
        .order_by()
    ):
        realised[(year, activity, org)] = hours
    total = sum(realised.values(), Decimal("0"))
    assert planned * Decimal("0.85") <= total <= planned * Decimal("1.1")
    # This year, line by line (the trajectories depend on how many are running).
    for key, hours in per_line.items():
        if key[0] == TODAY.year:
            assert hours * Decimal("0.3") <= realised[key] <= hours * Decimal("1.3"), key


def test_it_runs_twice_without_duplicating(demo, programme):
    before = snapshot()
    counts = {
        model: model.objects.count()
        for model in (Programme, PlanLine, Scheme, Trajectory, Voucher, HourEntry, CapOverride)
    }
    again = load_programme(demo.region, today=TODAY, seed=7)
    assert again["trajectories"] == counts[Trajectory]
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    assert snapshot() == before
    assert {model: model.objects.count() for model in counts} == counts


def test_the_same_seed_gives_the_same_programme(demo):
    before = snapshot()
    flush_programmes(demo.region)
    assert not Programme.objects.exists()
    load_programme(demo.region, today=TODAY, seed=7)
    assert snapshot() == before
    flush_programmes(demo.region)
    load_programme(demo.region, today=TODAY, seed=8)
    assert snapshot() != before


def test_a_demo_without_a_programme_gets_one_on_if_empty(demo):
    flush_programmes(demo.region)
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    text = out.getvalue()
    assert "already loaded" in text
    assert "1 programma, 52 planregels" in text
    programme = Programme.objects.get()
    # Loaded on the real today: a four-year programme in whose second year today falls.
    assert programme.years[1] == timezone.localdate().year
    assert Trajectory.objects.values("status").annotate(n=Count("pk")).count() == len(S.values)


def test_flush_removes_the_programme_with_the_companies(demo):
    flush()
    for model in (Programme, Trajectory, Voucher, HourEntry, Company):
        assert not model.objects.exists(), model.__name__
