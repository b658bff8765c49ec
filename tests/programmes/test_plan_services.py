"""The rules of programmes and their plan, through ``services.plan``: who may change
them, what a valid programme, funder, rate, activity type and plan line is, what may be
deleted, and the audit trail of every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from loket.core.models import AuditEvent
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
)
from loket.programmes.services import plan as services
from loket.programmes.services.plan import FundingInput
from tests import factories as f
from tests.programmes.plan_factories import small_plan

D = Decimal


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def plan(world):
    return small_plan(world)


def errors_of(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def events(obj, action=None, pk=None):
    qs = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=pk if pk is not None else obj.pk
    )
    return qs.filter(action=action) if action else qs


# --- programmes ----------------------------------------------------------------------


def test_a_programme_manager_starts_a_programme_with_the_standard_activity_types(world):
    programme = services.create_programme(
        world.pam,
        world.region,
        {
            "name": "IBDO 2014-2015",
            "description": "Eén loket",
            "starts_on": dt.date(2014, 5, 1),
            "ends_on": dt.date(2015, 12, 31),
            "hours_cap_per_company": D("24.00"),
        },
        organisations=[world.bureau, world.gem_assen],
    )
    assert programme.years == [2014, 2015]
    assert set(programme.organisations.all()) == {world.bureau, world.gem_assen}
    types = {t.code: t for t in ActivityType.objects.filter(programme=programme)}
    assert len(types) == 10
    assert types["gesprekken"].default_hours_per_unit == D("2.00")
    assert types["fysieke-evenementen"].default_hours_per_unit == D("175.00")
    assert types["innovatie-export-groeitrajecten"].default_hours_per_unit == D("12.00")
    assert types["marketing"].default_hours_per_unit is None
    assert all(t.region_id == world.region.pk for t in types.values())
    event = events(programme, AuditEvent.Action.CREATE).get()
    assert event.actor == world.pam
    assert event.changes["organisations"] == sorted([world.bureau.pk, world.gem_assen.pk])
    assert event.changes["activity_types"] == 10


def test_without_standard_activity_types_the_programme_starts_empty(world):
    programme = services.create_programme(
        world.adam,
        world.region,
        {"name": "Leeg", "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2025, 12, 31)},
        standard_activity_types=False,
    )
    assert not ActivityType.objects.filter(programme=programme).exists()


@pytest.mark.parametrize("role", ["alice", "bob", "charlie", "olga"])
def test_only_managers_of_the_region_start_programmes(world, role):
    with pytest.raises(PermissionDenied):
        services.create_programme(
            getattr(world, role),
            world.region,
            {"name": "X", "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2025, 12, 31)},
        )
    assert not Programme.objects.exists()


def test_executing_organisations_come_from_the_programmes_region(world):
    with pytest.raises(ValidationError) as exc:
        services.create_programme(
            world.pam,
            world.region,
            {"name": "X", "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2025, 12, 31)},
            organisations=[world.bureau, world.twente_bureau],
        )
    assert "Programmabureau Twente" in errors_of(exc)["organisations"][0]
    assert not Programme.objects.exists()


def test_period_in_order_and_name_unique_in_the_region(world, plan):
    with pytest.raises(ValidationError) as exc:
        services.create_programme(
            world.pam,
            world.region,
            {
                "name": plan.programme.name,
                "starts_on": dt.date(2026, 1, 1),
                "ends_on": dt.date(2025, 1, 1),
            },
        )
    errors = errors_of(exc)
    assert errors["name"] == ["Er is al een programma met deze naam in de regio."]
    assert errors["ends_on"] == ["De einddatum ligt voor de begindatum."]


def test_a_shorter_period_may_not_leave_plan_lines_or_rates_outside(world, plan):
    f.PlanLineFactory(
        programme=plan.programme,
        year=2026,
        activity_type=plan.talks,
        organisation=world.bureau,
        funders={plan.province: (100, 0)},
    )
    with pytest.raises(ValidationError) as exc:
        services.update_programme(world.pam, plan.programme, {"ends_on": dt.date(2025, 12, 31)})
    assert "2026" in errors_of(exc)["ends_on"][0]
    plan.programme.refresh_from_db()
    assert plan.programme.ends_on == dt.date(2026, 12, 31)


def test_an_organisation_with_plan_lines_stays_executing(world, plan):
    f.PlanLineFactory(
        programme=plan.programme,
        activity_type=plan.talks,
        organisation=world.gem_assen,
        funders={plan.province: (100, 0)},
    )
    with pytest.raises(ValidationError) as exc:
        services.update_programme(world.pam, plan.programme, {}, organisations=[world.bureau])
    assert "Gemeente Assen" in errors_of(exc)["organisations"][0]
    assert world.gem_assen in plan.programme.organisations.all()


def test_editing_a_programme_is_audited_with_what_changed(world, plan):
    services.update_programme(
        world.pam,
        plan.programme,
        {"name": "Plan 2025-2027", "ends_on": dt.date(2027, 12, 31)},
        organisations=[world.bureau, world.gem_assen, world.gem_emmen],
    )
    event = events(plan.programme, AuditEvent.Action.CHANGE).get()
    assert event.changes["name"] == ["Plan 2025-2026", "Plan 2025-2027"]
    assert event.changes["ends_on"] == ["2026-12-31", "2027-12-31"]
    assert world.gem_emmen.pk in event.changes["organisations"][1]


def test_an_advisor_may_not_edit_a_programme(world, plan):
    with pytest.raises(PermissionDenied):
        services.update_programme(world.alice, plan.programme, {"name": "Anders"})


# --- funders -------------------------------------------------------------------------


def test_funders_are_added_changed_and_deleted_with_an_audit_trail(world, plan):
    funder = services.create_funder(
        world.pam, plan.programme, {"name": "Regio Deal", "kind": Funder.Kind.NATIONAL}
    )
    assert funder.position == 30  # after the province (10) and the chamber (20)
    services.update_funder(world.pam, funder, {"name": "Regio Deal Drenthe"})
    pk = funder.pk
    services.delete_funder(world.pam, funder)
    assert not Funder.objects.filter(pk=pk).exists()
    actions = list(events(funder, pk=pk).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "change", "delete"]


def test_one_own_contributions_funder_per_programme(world, plan):
    services.create_funder(
        world.pam, plan.programme, {"name": "Ondernemers", "kind": Funder.Kind.COMPANIES}
    )
    with pytest.raises(ValidationError) as exc:
        services.create_funder(
            world.pam, plan.programme, {"name": "Bedrijven", "kind": Funder.Kind.COMPANIES}
        )
    assert "eigen bijdragen" in errors_of(exc)["kind"][0]
    with pytest.raises(ValidationError) as exc:
        services.update_funder(world.pam, plan.chamber, {"kind": Funder.Kind.COMPANIES})
    assert "kind" in errors_of(exc)
    plan.chamber.refresh_from_db()
    assert plan.chamber.kind == Funder.Kind.CHAMBER


def test_a_funder_with_plan_lines_or_schemes_is_not_deleted(world, plan):
    f.PlanLineFactory(
        programme=plan.programme,
        activity_type=plan.talks,
        organisation=world.bureau,
        funders={plan.province: (100, 0)},
    )
    f.SchemeFactory(programme=plan.programme, funder=plan.chamber)
    with pytest.raises(ValidationError) as exc:
        services.delete_funder(world.pam, plan.province)
    assert "planregel" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.delete_funder(world.pam, plan.chamber)
    assert "regeling" in exc.value.messages[0]
    assert Funder.objects.filter(programme=plan.programme).count() == 2


# --- rates ---------------------------------------------------------------------------


def test_rates_are_per_executing_organisation_and_year_of_the_period(world, plan):
    rate = services.create_rate(
        world.pam,
        plan.programme,
        {"organisation": world.bureau, "year": 2026, "rate": D("110.00")},
    )
    assert rate.region_id == world.region.pk
    with pytest.raises(ValidationError) as exc:
        services.create_rate(
            world.pam, plan.programme, {"organisation": world.bureau, "year": 2026, "rate": D("1")}
        )
    assert errors_of(exc)["year"] == ["Deze organisatie heeft voor dit jaar al een tarief."]
    with pytest.raises(ValidationError) as exc:
        services.create_rate(
            world.pam, plan.programme, {"organisation": world.bureau, "year": 2027, "rate": D("1")}
        )
    assert "looptijd" in errors_of(exc)["year"][0]
    with pytest.raises(ValidationError) as exc:
        services.create_rate(
            world.pam,
            plan.programme,
            {"organisation": world.gem_emmen, "year": 2025, "rate": D("1")},
        )
    assert errors_of(exc)["organisation"] == ["Deze organisatie voert het programma niet uit."]
    with pytest.raises(ValidationError) as exc:
        services.update_rate(world.pam, rate, {"rate": D("-1")})
    assert "rate" in errors_of(exc)
    pk = rate.pk
    services.delete_rate(world.pam, rate)
    assert list(events(rate, pk=pk).order_by("id").values_list("action", flat=True)) == [
        "create",
        "delete",
    ]
    assert HourlyRate.objects.filter(programme=plan.programme).count() == 1


# --- activity types ------------------------------------------------------------------


def test_an_activity_type_gets_a_code_from_its_name(world, plan):
    first = services.create_activity_type(world.pam, plan.programme, {"name": "Webinars"})
    assert first.code == "webinars"
    with pytest.raises(ValidationError) as exc:
        services.create_activity_type(world.pam, plan.programme, {"name": "Webinars"})
    assert errors_of(exc)["name"] == ["Deze activiteitsoort bestaat al in het programma."]
    second = services.create_activity_type(
        world.pam, plan.programme, {"name": "Webinars!", "default_hours_per_unit": D("8")}
    )
    assert second.code == "webinars-2"
    with pytest.raises(ValidationError) as exc:
        services.update_activity_type(world.pam, second, {"code": "webinars"})
    assert errors_of(exc)["code"] == ["Deze code is al in gebruik in het programma."]


def test_an_activity_type_in_use_is_not_deleted(world, plan):
    f.PlanLineFactory(
        programme=plan.programme,
        activity_type=plan.talks,
        organisation=world.bureau,
        funders={plan.province: (100, 0)},
    )
    f.HourEntryFactory(
        programme=plan.programme,
        user=world.alice,
        organisation=world.bureau,
        activity_type=plan.management,
    )
    for activity_type, word in ((plan.talks, "planregel"), (plan.management, "uren")):
        with pytest.raises(ValidationError) as exc:
            services.delete_activity_type(world.pam, activity_type)
        assert word in exc.value.messages[0]
    unused = services.create_activity_type(world.pam, plan.programme, {"name": "Marketing"})
    services.delete_activity_type(world.pam, unused)
    assert not ActivityType.objects.filter(pk=unused.pk).exists()


# --- plan lines ----------------------------------------------------------------------


def line_data(plan, **changes):
    data = {
        "year": 2025,
        "activity_type": plan.talks,
        "organisation": plan.bureau,
        "count": 10,
        "hours_per_unit": D("2.00"),
    }
    data.update(changes)
    return data


def test_a_plan_line_with_a_fifty_fifty_split(world, plan):
    line = services.create_plan_line(
        world.pam,
        plan.programme,
        line_data(plan),
        [
            FundingInput(plan.province, D("50"), D("121.00")),
            FundingInput(plan.chamber, D("50"), D("0")),
        ],
    )
    assert line.hours == D("20.00")
    parts = {p.funder_id: p for p in PlanLineFunding.objects.filter(line=line)}
    assert parts[plan.province.pk].out_of_pocket_incl_vat == D("121.00")
    assert parts[plan.chamber.pk].hours_share == D("50")
    assert all(p.region_id == world.region.pk for p in parts.values())
    event = events(line, AuditEvent.Action.CREATE).get()
    assert f"{plan.province.pk}:50.00:121.00" in event.changes["fundings"]


def test_without_norm_or_fixed_hours_a_line_takes_the_activity_types_norm(world, plan):
    line = services.create_plan_line(
        world.pam,
        plan.programme,
        line_data(plan, hours_per_unit=None, count=3),
        [FundingInput(plan.province, D("100"))],
    )
    assert line.hours_per_unit == D("2.00")
    assert line.hours == D("6.00")


def test_a_funder_with_nothing_is_not_stored(world, plan):
    line = services.create_plan_line(
        world.pam,
        plan.programme,
        line_data(plan),
        [FundingInput(plan.province, D("100")), FundingInput(plan.chamber, D("0"), D("0"))],
    )
    assert list(line.fundings.values_list("funder_id", flat=True)) == [plan.province.pk]


@pytest.mark.parametrize(
    ("shares", "total"),
    [((D("50"), D("60")), "110.00"), ((D("50"), D("0")), "50.00"), ((), "0.00")],
)
def test_shares_of_a_line_with_hours_add_up_to_100(world, plan, shares, total):
    fundings = [
        FundingInput(fu, s) for fu, s in zip((plan.province, plan.chamber), shares, strict=False)
    ]
    with pytest.raises(ValidationError) as exc:
        services.create_plan_line(world.pam, plan.programme, line_data(plan), fundings)
    message = errors_of(exc)["fundings"][0]
    assert "100 %" in message
    assert not PlanLine.objects.exists()


def test_a_line_without_hours_may_have_no_shares(world, plan):
    line = services.create_plan_line(
        world.pam,
        plan.programme,
        line_data(plan, activity_type=plan.management, hours_per_unit=None, fixed_hours=D("0")),
        [FundingInput(plan.province, D("0"), D("500.00"))],
    )
    assert line.hours == D("0")


def test_plan_line_rules(world, plan):
    other = small_plan(world, name="Ander programma")
    other_scheme = f.SchemeFactory(programme=other.programme, funder=other.province)
    cases = [
        (line_data(plan, fixed_hours=D("5")), "fixed_hours"),
        (line_data(plan, year=2027), "year"),
        (line_data(plan, organisation=world.gem_emmen), "organisation"),
        (line_data(plan, organisation=world.twente_bureau), "organisation"),
        (line_data(plan, scheme=other_scheme), "scheme"),
        (line_data(plan, activity_type=other.talks), "activity_type"),
        (line_data(plan, count=-1), "count"),
        (line_data(plan, hours_per_unit=D("-2")), "hours_per_unit"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.create_plan_line(
                world.pam, plan.programme, data, [FundingInput(plan.province, D("100"))]
            )
        assert field in errors_of(exc), (data, errors_of(exc))
    with pytest.raises(ValidationError) as exc:
        services.create_plan_line(
            world.pam, plan.programme, line_data(plan), [FundingInput(other.province, D("100"))]
        )
    assert "geen financier van dit programma" in errors_of(exc)["fundings"][0]
    assert not PlanLine.objects.exists()


def test_one_line_per_year_activity_and_organisation(world, plan):
    services.create_plan_line(
        world.pam, plan.programme, line_data(plan), [FundingInput(plan.province, D("100"))]
    )
    with pytest.raises(ValidationError) as exc:
        services.create_plan_line(
            world.pam, plan.programme, line_data(plan), [FundingInput(plan.province, D("100"))]
        )
    assert "al in het plan" in errors_of(exc)["activity_type"][0]


def test_updating_a_line_replaces_its_split_and_is_audited(world, plan):
    line = services.create_plan_line(
        world.pam,
        plan.programme,
        line_data(plan),
        [FundingInput(plan.province, D("50")), FundingInput(plan.chamber, D("50"))],
    )
    services.update_plan_line(
        world.pam, line, {"count": 20}, [FundingInput(plan.chamber, D("100"), D("60.50"))]
    )
    line.refresh_from_db()
    assert line.hours == D("40.00")
    assert list(line.fundings.values_list("funder_id", "hours_share")) == [
        (plan.chamber.pk, D("100.00"))
    ]
    change = events(line, AuditEvent.Action.CHANGE).get()
    assert change.changes["count"] == [10, 20]
    assert change.changes["fundings"][1] == [f"{plan.chamber.pk}:100.00:60.50"]


def test_a_refused_update_changes_nothing(world, plan):
    line = services.create_plan_line(
        world.pam, plan.programme, line_data(plan), [FundingInput(plan.province, D("100"))]
    )
    with pytest.raises(ValidationError):
        services.update_plan_line(
            world.pam, line, {"count": 99}, [FundingInput(plan.province, D("90"))]
        )
    line.refresh_from_db()
    assert line.count == 10
    assert line.fundings.get().hours_share == D("100.00")
    assert not events(line, AuditEvent.Action.CHANGE).exists()


def test_deleting_a_line_is_audited_and_removes_its_split(world, plan):
    line = services.create_plan_line(
        world.pam, plan.programme, line_data(plan), [FundingInput(plan.province, D("100"))]
    )
    pk = line.pk
    services.delete_plan_line(world.adam, line)
    assert not PlanLineFunding.objects.exists()
    event = events(line, AuditEvent.Action.DELETE, pk=pk).get()
    assert event.actor == world.adam


@pytest.mark.parametrize("role", ["alice", "bob", "charlie", "olga"])
def test_only_managers_change_the_plan(world, plan, role):
    user = getattr(world, role)
    for call in (
        lambda: services.create_funder(user, plan.programme, {"name": "X", "kind": "other"}),
        lambda: services.update_funder(user, plan.province, {"name": "Y"}),
        lambda: services.delete_funder(user, plan.chamber),
        lambda: services.create_rate(
            user, plan.programme, {"organisation": world.bureau, "year": 2026, "rate": D("1")}
        ),
        lambda: services.delete_rate(user, plan.rate),
        lambda: services.create_activity_type(user, plan.programme, {"name": "Z"}),
        lambda: services.delete_activity_type(user, plan.management),
        lambda: services.create_plan_line(
            user, plan.programme, line_data(plan), [FundingInput(plan.province, D("100"))]
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not AuditEvent.objects.filter(actor=user).exists()
