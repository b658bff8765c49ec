"""The rules of clusters and cooperation initiatives, checked when members change: a
formed group cannot drop below them, a group is marked formed only when they hold, and
the message says exactly what is missing. A property test runs the rule over any set of
members and compares it with counting by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.collectives.models import Collective, Member
from loket.collectives.services import groups as services
from loket.collectives.services.groups import Composition, rule_problems
from loket.core.models import AuditEvent
from tests import factories as f
from tests.collectives.groups_setup import inside, members, outside, setup


@pytest.fixture
def data(world):
    return setup(world)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_a_cluster_with_two_companies_says_what_is_missing():
    assert rule_problems("cluster", Composition(total=2, outside=0)) == [
        "Een cluster heeft minstens 3 bedrijven; er zijn er 2."
    ]
    assert rule_problems("cluster", Composition(total=1, outside=0)) == [
        "Een cluster heeft minstens 3 bedrijven; er is er 1."
    ]


def test_a_cluster_with_too_many_from_outside_says_how_many():
    assert rule_problems("cluster", Composition(total=3, outside=2)) == [
        "Hoogstens de helft mag van buiten de regio komen; nu 2 van de 3."
    ]
    assert rule_problems("cluster", Composition(total=4, outside=2)) == []
    assert rule_problems("cluster", Composition(total=2, outside=2)) == [
        "Een cluster heeft minstens 3 bedrijven; er zijn er 2.",
        "Hoogstens de helft mag van buiten de regio komen; nu 2 van de 2.",
    ]


def test_a_cooperation_needs_two_companies_from_the_region():
    assert rule_problems("cooperation", Composition(total=3, outside=2)) == [
        "Een samenwerkingsinitiatief heeft minstens 2 bedrijven uit de regio; er is er 1."
    ]
    assert rule_problems("cooperation", Composition(total=2, outside=0)) == []
    assert rule_problems("financing_table", Composition(total=0, outside=0)) == []


@given(flags=st.lists(st.booleans(), max_size=12))
def test_the_rules_over_any_set_of_members(flags):
    """``flags``: per member, True when from outside the region."""
    total, out = len(flags), sum(flags)
    cluster = rule_problems("cluster", Composition(total=total, outside=out))
    assert (not cluster) == (total >= 3 and out * 2 <= total)
    assert any("minstens 3" in p for p in cluster) == (total < 3)
    assert any(f"nu {out} van de {total}." in p for p in cluster) == (out * 2 > total)
    cooperation = rule_problems("cooperation", Composition(total=total, outside=out))
    assert (not cooperation) == (total - out >= 2)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(flags=st.lists(st.booleans(), min_size=0, max_size=7))
def test_the_counted_composition_and_marking_formed_agree_with_a_hand_count(world, data, flags):
    """Members in the database (some from outside, a company without a municipality counts
    as outside, some who left): marking formed succeeds exactly when the hand count says
    the rule holds."""
    with transaction.atomic():
        cluster = f.CollectiveFactory(
            programme=data.programme, organisation=world.bureau, opportunity="x"
        )
        for i, from_outside in enumerate(flags):
            if from_outside:
                company = outside(world, data) if i % 2 else f.CompanyFactory(region=world.region)
            else:
                company = inside(world)
            f.MemberFactory(collective=cluster, company=company)
        gone = f.MemberFactory(collective=cluster, company=inside(world))
        gone.left_on = dt.date.today()
        gone.save()
        total, out = len(flags), sum(flags)
        assert services.composition_of(cluster) == Composition(total, out)
        holds = total >= 3 and out * 2 <= total
        if holds:
            services.mark_formed(world.alice, cluster)
            cluster.refresh_from_db()
            assert cluster.formed_on == dt.date.today()
        else:
            with pytest.raises(ValidationError):
                services.mark_formed(world.alice, cluster)
            cluster.refresh_from_db()
            assert cluster.formed_on is None
        transaction.set_rollback(True)


def test_a_cluster_of_two_cannot_be_marked_formed_and_a_third_makes_it(world, data):
    members(data.cluster, [inside(world), inside(world)])
    with pytest.raises(ValidationError) as refused:
        services.mark_formed(world.alice, data.cluster)
    assert "Een cluster heeft minstens 3 bedrijven; er zijn er 2." in _messages(refused.value)
    services.add_member(world.alice, data.cluster, inside(world))
    services.mark_formed(world.alice, data.cluster, dt.date(2025, 3, 1))
    data.cluster.refresh_from_db()
    assert data.cluster.formed_on == dt.date(2025, 3, 1)
    assert AuditEvent.objects.filter(
        object_type="collectives.collective",
        object_id=data.cluster.pk,
        changes__has_key="formed_on",
    ).exists()
    with pytest.raises(ValidationError, match="al gevormd"):
        services.mark_formed(world.alice, data.cluster)


def test_a_formed_cluster_cannot_drop_below_three(world, data):
    first, *_ = members(data.cluster, [inside(world), inside(world), inside(world)])
    services.mark_formed(world.alice, data.cluster)
    data.cluster.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.leave(world.alice, first)
    assert "Een cluster heeft minstens 3 bedrijven; er zijn er 2." in _messages(refused.value)
    first.refresh_from_db()
    assert first.left_on is None
    # with a fourth company, one may leave
    services.add_member(world.alice, data.cluster, inside(world))
    services.leave(world.alice, first)
    first.refresh_from_db()
    assert first.left_on == dt.date.today()


def test_a_formed_cluster_cannot_take_too_many_from_outside(world, data):
    members(data.cluster, [inside(world), inside(world), outside(world, data)])
    services.mark_formed(world.alice, data.cluster)
    data.cluster.refresh_from_db()
    services.add_member(world.alice, data.cluster, outside(world, data))  # 2 of 4: fine
    newcomer = outside(world, data)
    with pytest.raises(ValidationError) as refused:
        services.add_member(world.alice, data.cluster, newcomer)
    assert "Hoogstens de helft mag van buiten de regio komen; nu 3 van de 5." in _messages(
        refused.value
    )
    assert not Member.objects.filter(company=newcomer).exists()


def test_a_not_yet_formed_group_takes_any_change(world, data):
    (only,) = members(data.cluster, [outside(world, data)])
    services.add_member(world.alice, data.cluster, outside(world, data))
    services.leave(world.alice, only)
    assert services.rule_problems_of(data.cluster) == [
        "Een cluster heeft minstens 3 bedrijven; er is er 1.",
        "Hoogstens de helft mag van buiten de regio komen; nu 1 van de 1.",
    ]


def test_a_formed_cooperation_keeps_two_from_the_region(world, data):
    a, _b = members(data.cooperation, [inside(world), inside(world)])
    services.add_member(world.alice, data.cooperation, outside(world, data))
    services.mark_formed(world.alice, data.cooperation)
    data.cooperation.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.leave(world.alice, a)
    assert (
        "Een samenwerkingsinitiatief heeft minstens 2 bedrijven uit de regio; er is er 1."
        in _messages(refused.value)
    )


def test_a_company_that_left_joins_again_and_one_cannot_join_twice(world, data):
    company = inside(world)
    member = services.add_member(world.alice, data.cluster, company, role="lead")
    with pytest.raises(ValidationError, match="doet al mee"):
        services.add_member(world.alice, data.cluster, company)
    services.leave(world.alice, member)
    again = services.add_member(world.alice, data.cluster, company, interests=" Duits ")
    assert again.pk == member.pk
    assert again.left_on is None
    assert again.interests == "Duits"
    assert again.role == "member"


def test_a_company_of_another_region_is_refused(world, data):
    with pytest.raises(ValidationError, match="andere regio"):
        services.add_member(world.alice, data.cluster, f.CompanyFactory(region=world.other_region))


def test_only_who_manages_the_collective_changes_members(world, data):
    for user in (world.bob, world.charlie, world.olga):
        with pytest.raises(PermissionDenied):
            services.add_member(user, data.cluster, inside(world))
        with pytest.raises(PermissionDenied):
            services.mark_formed(user, data.cluster)
    assert not data.cluster.members.exists()


def test_only_a_group_is_formed_and_only_a_cluster_has_a_phase(world, data):
    table = f.CollectiveFactory(
        programme=data.programme, organisation=world.bureau, kind="financing_table", phase=""
    )
    with pytest.raises(ValidationError, match="Alleen een cluster of samenwerkingsinitiatief"):
        services.mark_formed(world.alice, table)
    with pytest.raises(ValidationError, match="Alleen een cluster heeft een fase"):
        services.set_phase(world.alice, table, "develop")
    services.set_phase(world.alice, data.cluster, "organise")
    data.cluster.refresh_from_db()
    assert data.cluster.phase == Collective.Phase.ORGANISE
    with pytest.raises(ValidationError, match="toekomst"):
        services.mark_formed(world.alice, data.cluster, dt.date.today() + dt.timedelta(days=1))


def test_creating_keeps_only_the_fields_of_the_kind(world, data):
    table = services.create_collective(
        world.alice,
        world.region.pk,
        {
            "kind": "crisis_table",
            "name": "Crisistafel Drenthe",
            "programme": data.programme,
            "organisation": world.bureau,
            "phase": "develop",
            "opportunity": "niet van een tafel",
            "country": "Duitsland",
            "service_level_days": 3,
        },
    )
    assert (table.phase, table.opportunity, table.country) == ("", "", "")
    assert table.table_service_level() == 3
    with pytest.raises(ValidationError) as refused:
        services.create_collective(
            world.alice,
            world.region.pk,
            {
                "kind": "cluster",
                "name": "Cluster zonder kans",
                "programme": data.programme,
                "organisation": world.bureau,
            },
        )
    assert "opportunity" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.create_collective(
            world.alice,
            world.region.pk,
            {
                "kind": "country_table",
                "name": "Landentafel",
                "programme": data.programme,
                "organisation": world.bureau,
            },
        )
    assert "country" in refused.value.message_dict


def test_a_partner_creates_a_collective_only_for_his_own_organisation(world, data):
    base = {"kind": "cooperation", "name": "Assen Samen", "programme": data.programme}
    with pytest.raises(ValidationError) as refused:
        services.create_collective(
            world.bob, world.region.pk, {**base, "organisation": world.bureau}
        )
    assert "organisation" in refused.value.message_dict
    made = services.create_collective(
        world.bob, world.region.pk, {**base, "organisation": world.gem_assen}
    )
    assert made.organisation == world.gem_assen
    with pytest.raises(PermissionDenied):
        services.create_collective(
            world.bob, world.other_region.pk, {**base, "organisation": world.gem_assen}
        )
