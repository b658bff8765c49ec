"""Who picks up a question that arrives without an owner (the public portal).

Programme managers configure ``AssignmentRule``s: municipality and theme to a team of
advisors. The most specific active rule wins (municipality and theme, then municipality
alone, then theme alone, then the catch-all rule), and within its team the question goes
round robin: to the member after the one who got the previous question. Members who can
no longer take cases (switched off, or without a case role in the region) are skipped;
a rule with nobody left passes the question to the next rule that applies. Without any
rule, the question goes to a team lead of the region's programme organisation, else to
its first programme manager, so no question is ever left without an owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from loket.accounts.models import Membership, Organisation, User
from loket.accounts.queries import managed_region_ids
from loket.casework.models import AssignmentRule
from loket.core import audit
from loket.core.models import AuditEvent, Municipality, Region, Theme
from loket.core.permissions import CASE_ROLES, require, scope_of


def _eligible_ids(rule: AssignmentRule, region_id: int) -> list[int]:
    """Team members who can still take cases in the region, in a stable order (by id)."""
    return sorted(
        set(
            Membership.objects.filter(
                user__assignment_rules=rule,
                user__is_active=True,
                organisation__region_id=region_id,
                role__in=CASE_ROLES,
            ).values_list("user_id", flat=True)
        )
    )


def rules_for(
    region: Region, municipality_id: int | None, theme_ids: Iterable[int]
) -> list[AssignmentRule]:
    """The active rules that apply, most specific first; ties go to the oldest rule."""
    themes = set(theme_ids)
    rules = (
        AssignmentRule.objects.filter(region=region, active=True)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))
        .filter(Q(theme__isnull=True) | Q(theme_id__in=themes))
        .order_by("id")
    )
    # sorted() is stable: within one specificity the oldest rule stays first.
    return sorted(rules, key=lambda rule: -rule.specificity)


def rule_for(
    region: Region, municipality_id: int | None, theme_ids: Iterable[int]
) -> AssignmentRule | None:
    """The most specific active rule that applies; ties go to the oldest rule."""
    rules = rules_for(region, municipality_id, theme_ids)
    return rules[0] if rules else None


def _take_turn(rule_id: int, region_id: int) -> User | None:
    """The next team member of a rule, advancing its round robin; None when the rule is
    gone, switched off or has nobody left who can take cases. Call inside a transaction:
    the rule row stays locked until it ends (``SELECT ... FOR UPDATE`` on PostgreSQL;
    SQLite runs Loket's transactions IMMEDIATE, one writer at a time), so two questions
    at once never go to the same person."""
    rule = (
        AssignmentRule.objects.select_for_update()
        .filter(pk=rule_id, active=True)
        .order_by("pk")  # not the default order: its outer joins cannot be locked
        .first()
    )
    if rule is None:
        return None
    team = _eligible_ids(rule, region_id)
    if not team:
        return None
    after = rule.last_assigned_id
    owner_id = next((pk for pk in team if after is not None and pk > after), team[0])
    AssignmentRule.objects.filter(pk=rule_id).update(last_assigned_id=owner_id)
    return User.objects.get(pk=owner_id)


def _fallback_owner(region: Region) -> User | None:
    memberships = (
        Membership.objects.filter(
            organisation__region=region,
            organisation__kind=Organisation.Kind.PROGRAMME,
            role__in=CASE_ROLES,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("-is_team_lead", "role", "user_id")
    )
    for membership in memberships:
        if membership.is_team_lead or membership.role == "programme_manager":
            return membership.user
    first = memberships.first()
    return first.user if first else None


def assign_owner(
    region: Region, municipality_id: int | None, theme_ids: Iterable[int] = ()
) -> User:
    """The advisor who gets the next question for this municipality and these themes.
    Advances the round robin of the most specific rule that has someone available."""
    theme_ids = list(theme_ids)
    with transaction.atomic():
        for rule in rules_for(region, municipality_id, theme_ids):
            owner = _take_turn(rule.pk, region.pk)
            if owner is not None:
                return owner
    fallback = _fallback_owner(region)
    if fallback is None:
        raise ValidationError(
            _(
                "Er is niemand in deze regio die hulpvragen kan oppakken. "
                "Neem telefonisch contact op."
            )
        )
    return fallback


# --- the read side of the configuration page -------------------------------------------


def rules_managed_by(user: Any) -> QuerySet[AssignmentRule]:
    """The rules of the user's managed regions, with what the list page shows: the team
    (and each member's case roles, to mark who can no longer take questions)."""
    case_memberships = Membership.objects.filter(role__in=CASE_ROLES).select_related("organisation")
    team = User.objects.order_by("full_name", "id").prefetch_related(
        Prefetch("memberships", queryset=case_memberships, to_attr="case_memberships")
    )
    return (
        AssignmentRule.objects.filter(region_id__in=managed_region_ids(user))
        .select_related("region", "municipality", "theme", "last_assigned")
        .prefetch_related(Prefetch("advisors", queryset=team))
    )


def get_rule_for_manager(user: Any, pk: int) -> AssignmentRule:
    rule = (
        AssignmentRule.objects.filter(pk=pk, region_id__in=managed_region_ids(user))
        .select_related("region", "municipality", "theme", "last_assigned")
        .first()
    )
    if rule is None:
        raise Http404
    return rule


def can_take_questions(user: User, region_id: int) -> bool:
    """For a user from ``rules_managed_by`` (memberships prefetched): may they get one?"""
    memberships = getattr(user, "case_memberships", None)
    if memberships is None:
        return user.is_active and scope_of(user).can_work_cases(region_id)
    return user.is_active and any(m.organisation.region_id == region_id for m in memberships)


@dataclass
class Coverage:
    """Per region: the municipalities without a rule of their own, and whether a rule for
    every municipality catches their questions (else they go to the fallback)."""

    region: Region
    uncovered: list[Municipality] = field(default_factory=list)
    has_catch_all: bool = False


def coverage(region_ids: Iterable[int]) -> list[Coverage]:
    """The gaps in the rules of these regions (three queries, whatever their size)."""
    region_ids = list(region_ids)
    active = AssignmentRule.objects.filter(region_id__in=region_ids, active=True)
    covered = set(
        active.filter(municipality__isnull=False).values_list("municipality_id", flat=True)
    )
    catch_all = set(
        active.filter(municipality__isnull=True, theme__isnull=True).values_list(
            "region_id", flat=True
        )
    )
    out = {
        region.pk: Coverage(region=region, has_catch_all=region.pk in catch_all)
        for region in Region.objects.filter(pk__in=region_ids).order_by("name")
    }
    for municipality in Municipality.objects.filter(region_id__in=region_ids).order_by("name"):
        if municipality.pk not in covered:
            out[municipality.region_id].uncovered.append(municipality)
    return list(out.values())


# --- configuration by programme managers ---------------------------------------------


def _validate_rule(rule: AssignmentRule, advisors: list[User]) -> None:
    errors: dict[str, str] = {}
    if rule.municipality is not None and rule.municipality.region_id != rule.region_id:
        errors["municipality"] = _("Deze gemeente hoort niet bij de regio.")
    if not advisors:
        errors["advisors"] = _("Kies minstens één adviseur.")
    elif any(not u.is_active or not scope_of(u).can_work_cases(rule.region_id) for u in advisors):
        errors["advisors"] = _(
            "Iedereen in het team moet hulpvragen kunnen behandelen in deze regio."
        )
    duplicate = AssignmentRule.objects.filter(
        region_id=rule.region_id,
        municipality=rule.municipality,
        theme=rule.theme,
        active=True,
    ).exclude(pk=rule.pk)
    if rule.active and duplicate.exists():
        errors["__all__"] = _("Er is al een actieve regel voor deze gemeente en dit thema.")
    if errors:
        raise ValidationError(errors)


_AUDITED = ("municipality", "theme", "active", "advisors")


def save_rule(
    actor: User,
    region: Region,
    data: Mapping[str, Any],
    rule: AssignmentRule | None = None,
) -> AssignmentRule:
    """Create or change a rule (programme managers and administrators of the region).
    ``data``: municipality (Municipality or None), theme (Theme or None), advisors
    (users), active (bool)."""
    require(scope_of(actor).can_manage(region.pk))
    creating = rule is None
    if rule is None:
        rule = AssignmentRule(region=region)
    require(rule.region_id == region.pk)
    before = audit.snapshot(rule, _AUDITED) if not creating else {}
    municipality: Municipality | None = data.get("municipality")
    theme: Theme | None = data.get("theme")
    rule.municipality = municipality
    rule.theme = theme
    rule.active = bool(data.get("active", True))
    advisors = list(data.get("advisors", []))
    with transaction.atomic():
        # One change to the region's rules at a time: two managers saving the same
        # municipality and theme at once cannot both pass the duplicate check.
        Region.objects.select_for_update().filter(pk=region.pk).first()
        _validate_rule(rule, advisors)
        rule.save()
        rule.advisors.set(advisors)
        audit.record(
            actor,
            AuditEvent.Action.CREATE if creating else AuditEvent.Action.CHANGE,
            rule,
            changes=audit.diff(before, audit.snapshot(rule, _AUDITED)),
        )
    return rule


def delete_rule(actor: User, rule: AssignmentRule) -> None:
    require(scope_of(actor).can_manage(rule.region_id))
    with transaction.atomic():
        audit.record(actor, AuditEvent.Action.DELETE, rule)
        rule.delete()
