"""Who picks up a portal question: the most specific active rule, round robin within its
team, members who cannot take cases skipped, the team lead as the fallback, a clear error
when nobody can; and the rules' configuration (validation, permission, audit)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection

from loket.accounts.models import Membership
from loket.casework import routing
from loket.casework.models import AssignmentRule
from loket.core.models import AuditEvent, Theme
from tests import factories as f


def _advisor(world, name, org=None, role="advisor", **kw):
    user = f.UserFactory(email=f"{name.lower()}@ibdo.example", full_name=name)
    f.MembershipFactory(user=user, organisation=org or world.bureau, role=role, **kw)
    return user


@pytest.fixture
def team(world):
    return [_advisor(world, name) for name in ("Ann", "Ben", "Cas")]


def _theme(slug):
    return Theme.objects.get(slug=slug)


def _rule(world, advisors, **kw):
    return f.AssignmentRuleFactory(region=world.region, advisors=advisors, **kw)


# --- which rule ------------------------------------------------------------------------


def test_the_most_specific_active_rule_wins(world):
    export, finance = _theme("export"), _theme("finance")
    everyone = _advisor(world, "Eef")
    by_theme = _advisor(world, "Tom")
    by_town = _advisor(world, "Gijs")
    by_both = _advisor(world, "Bo")
    _rule(world, [everyone])
    _rule(world, [by_theme], theme=export)
    _rule(world, [by_town], municipality=world.assen)
    _rule(world, [by_both], municipality=world.assen, theme=export)

    assert routing.assign_owner(world.region, world.assen.pk, [export.pk]) == by_both
    assert routing.assign_owner(world.region, world.assen.pk, [finance.pk]) == by_town
    assert routing.assign_owner(world.region, world.assen.pk, []) == by_town
    assert routing.assign_owner(world.region, world.emmen.pk, [export.pk]) == by_theme
    assert routing.assign_owner(world.region, world.emmen.pk, [finance.pk]) == everyone
    assert routing.assign_owner(world.region, None, []) == everyone


def test_between_equally_specific_rules_the_oldest_wins(world):
    first, second = _advisor(world, "Eerste"), _advisor(world, "Tweede")
    _rule(world, [first], municipality=world.assen, theme=_theme("export"))
    _rule(world, [second], municipality=world.assen, theme=_theme("finance"))
    themes = [_theme("finance").pk, _theme("export").pk]
    assert routing.assign_owner(world.region, world.assen.pk, themes) == first


def test_inactive_rules_and_rules_of_another_region_are_ignored(world):
    town = _advisor(world, "Gijs")
    twente = _advisor(world, "Olaf", org=world.twente_bureau)
    _rule(world, [town], municipality=world.assen, active=False)
    f.AssignmentRuleFactory(region=world.other_region, advisors=[twente])
    # No active rule of Drenthe: the team lead of the programme bureau.
    assert routing.assign_owner(world.region, world.assen.pk, []) == world.alice


# --- round robin -----------------------------------------------------------------------


def test_questions_go_round_robin_across_three_advisors(world, team):
    rule = _rule(world, team, municipality=world.assen)
    owners = [routing.assign_owner(world.region, world.assen.pk) for _ in range(7)]
    ann, ben, cas = team
    assert owners == [ann, ben, cas, ann, ben, cas, ann]
    rule.refresh_from_db()
    assert rule.last_assigned == ann


def test_round_robin_continues_after_the_last_member_left_the_team(world, team):
    ann, ben, cas = team
    rule = _rule(world, team, municipality=world.assen)
    assert routing.assign_owner(world.region, world.assen.pk) == ann
    assert routing.assign_owner(world.region, world.assen.pk) == ben
    rule.advisors.remove(ben)
    assert routing.assign_owner(world.region, world.assen.pk) == cas
    assert routing.assign_owner(world.region, world.assen.pk) == ann


def test_members_who_cannot_take_cases_are_skipped(world, team):
    ann, ben, cas = team
    _rule(world, team, municipality=world.assen)
    ben.is_active = False
    ben.save()
    # Cas loses his case role in this region: he is now a partner elsewhere only.
    Membership.objects.filter(user=cas).delete()
    f.MembershipFactory(user=cas, organisation=world.gem_emmen, role="partner")
    owners = [routing.assign_owner(world.region, world.assen.pk) for _ in range(3)]
    assert owners == [ann, ann, ann]


def test_a_rule_with_nobody_available_passes_to_the_next_rule(world, team):
    _ann, ben, cas = team
    _rule(world, [ben], municipality=world.assen)
    _rule(world, [cas])
    ben.is_active = False
    ben.save()
    assert routing.assign_owner(world.region, world.assen.pk) == cas


# --- fallback and nobody ---------------------------------------------------------------


def test_without_a_rule_the_team_lead_of_the_programme_bureau_gets_it(world, team):
    assert routing.assign_owner(world.region, world.emmen.pk) == world.alice


def test_without_a_team_lead_the_programme_manager_gets_it(world, team):
    world.alice.is_active = False
    world.alice.save()
    assert routing.assign_owner(world.region, world.emmen.pk) == world.pam


def test_with_nobody_to_take_it_the_error_says_so(world):
    Membership.objects.filter(
        organisation__region=world.region, role__in=["advisor", "programme_manager"]
    ).delete()
    with pytest.raises(ValidationError) as error:
        routing.assign_owner(world.region, world.assen.pk)
    assert "Er is niemand in deze regio die hulpvragen kan oppakken" in error.value.messages[0]


# --- two questions at once -------------------------------------------------------------


def _assign_retrying_on_locks(world):
    """SQLite's in-memory test database answers "table is locked" where a file database
    waits (busy_timeout): then the question is simply asked again, as a visitor would."""
    for _attempt in range(200):
        try:
            return routing.assign_owner(world.region, world.assen.pk)
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("still locked after 200 attempts")


@pytest.mark.django_db(transaction=True)
def test_questions_at_the_same_time_still_go_round_robin(world, team):
    """Six threads ask for an owner at once, each with its own database connection: the
    lock on the rule (a row lock on PostgreSQL, one writer at a time on SQLite) makes them
    take turns, so each advisor gets exactly two."""
    _rule(world, team, municipality=world.assen)
    owners: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def ask():
        try:
            start.wait()
            owners.append(_assign_retrying_on_locks(world).pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Counter(owners) == {user.pk: 2 for user in team}


# --- configuration: save_rule and delete_rule ------------------------------------------


def test_a_manager_creates_a_rule_and_the_audit_trail_records_it(world, team):
    rule = routing.save_rule(
        world.pam,
        world.region,
        {"municipality": world.assen, "theme": None, "advisors": team, "active": True},
    )
    assert set(rule.advisors.all()) == set(team)
    event = AuditEvent.objects.get(object_type="casework.assignmentrule", object_id=rule.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == world.pam
    assert event.changes["advisors"] == [None, sorted(u.pk for u in team)]


def test_saving_an_unchanged_team_records_no_team_change(world, team):
    rule = _rule(world, team, municipality=world.assen)
    routing.save_rule(
        world.pam,
        world.region,
        {"municipality": world.assen, "theme": None, "advisors": team, "active": False},
        rule,
    )
    event = AuditEvent.objects.get(object_type="casework.assignmentrule", object_id=rule.pk)
    assert event.changes == {"active": [True, False]}


@pytest.mark.parametrize("role", ["alice", "bob", "olga"])
def test_only_managers_of_the_region_configure_rules(world, team, role):
    with pytest.raises(PermissionDenied):
        routing.save_rule(getattr(world, role), world.region, {"advisors": team})
    rule = _rule(world, team)
    with pytest.raises(PermissionDenied):
        routing.delete_rule(getattr(world, role), rule)
    assert AssignmentRule.objects.filter(pk=rule.pk).exists()


def test_a_rule_of_another_region_cannot_be_saved_through_this_one(world, team):
    twente = f.AssignmentRuleFactory(region=world.other_region)
    with pytest.raises(PermissionDenied):
        routing.save_rule(world.pam, world.region, {"advisors": team}, twente)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"advisors": []}, "advisors", "Kies minstens één adviseur."),
        ("olga", "advisors", "Iedereen in het team moet hulpvragen kunnen behandelen"),
        ("bob", "advisors", "Iedereen in het team moet hulpvragen kunnen behandelen"),
        ("inactive", "advisors", "Iedereen in het team moet hulpvragen kunnen behandelen"),
        ("twente_town", "municipality", "Deze gemeente hoort niet bij de regio."),
        ("duplicate", "__all__", "Er is al een actieve regel voor deze gemeente en dit thema."),
    ],
)
def test_an_invalid_rule_is_refused_on_its_field_and_nothing_is_saved(
    world, team, change, field, message
):
    data = {"municipality": world.assen, "theme": None, "advisors": team, "active": True}
    if change == "olga":
        data["advisors"] = [*team, world.olga]
    elif change == "bob":
        data["advisors"] = [world.bob]
    elif change == "inactive":
        team[0].is_active = False
        team[0].save()
    elif change == "twente_town":
        data["municipality"] = f.MunicipalityFactory(
            region=world.other_region, name="Enschede", cbs_code="GM0153"
        )
    elif change == "duplicate":
        _rule(world, [team[0]], municipality=world.assen)
    else:
        data.update(change)
    before = (AssignmentRule.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        routing.save_rule(world.pam, world.region, data)
    assert message in " ".join(error.value.message_dict[field])
    assert (AssignmentRule.objects.count(), AuditEvent.objects.count()) == before


def test_an_inactive_duplicate_is_allowed(world, team):
    _rule(world, [team[0]], municipality=world.assen)
    rule = routing.save_rule(
        world.pam,
        world.region,
        {"municipality": world.assen, "advisors": [team[1]], "active": False},
    )
    assert not rule.active


def test_deleting_a_rule_is_audited_and_questions_fall_back(world, team):
    rule = _rule(world, team, municipality=world.assen)
    pk = rule.pk
    routing.delete_rule(world.adam, rule)
    assert not AssignmentRule.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(
        object_type="casework.assignmentrule", object_id=pk, action="delete"
    ).exists()
    assert routing.assign_owner(world.region, world.assen.pk) == world.alice


def test_coverage_shows_municipalities_without_a_rule(world, team):
    _rule(world, team, municipality=world.assen)
    (drenthe,) = routing.coverage([world.region.pk])
    assert [m.name for m in drenthe.uncovered] == ["Emmen"]
    assert not drenthe.has_catch_all
    _rule(world, team)
    (drenthe,) = routing.coverage([world.region.pk])
    assert drenthe.has_catch_all
