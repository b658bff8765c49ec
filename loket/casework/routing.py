"""Who picks up a question that arrives without an owner (the public portal).

Programme managers configure ``AssignmentRule``s: municipality and theme to a team of
advisors. The most specific active rule wins (municipality and theme, then municipality
alone, then theme alone, then the catch-all rule), and within its team the question goes
round robin: to the member after the one who got the previous question. Without any
rule, the question goes to a team lead of the region's programme organisation, else to
its first programme manager, so no question is ever left without an owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from loket.accounts.models import Membership, Organisation, User
from loket.casework.models import AssignmentRule
from loket.core import audit
from loket.core.models import AuditEvent, Municipality, Region, Theme
from loket.core.permissions import CASE_ROLES, require, scope_of


def _eligible(users: Iterable[User], region_id: int) -> list[User]:
    """Team members who can still take cases in the region, in a stable order."""
    return sorted(
        (u for u in users if u.is_active and scope_of(u).can_work_cases(region_id)),
        key=lambda u: u.pk,
    )


def rule_for(
    region: Region, municipality_id: int | None, theme_ids: Iterable[int]
) -> AssignmentRule | None:
    """The most specific active rule that applies; ties go to the oldest rule."""
    themes = set(theme_ids)
    rules = (
        AssignmentRule.objects.filter(region=region, active=True)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))
        .filter(Q(theme__isnull=True) | Q(theme_id__in=themes))
        .order_by("id")
    )
    best: AssignmentRule | None = None
    for rule in rules:
        if best is None or rule.specificity > best.specificity:
            best = rule
    return best


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
    Advances the rule's round robin (locked, so two questions at once go to two people)."""
    theme_ids = list(theme_ids)
    with transaction.atomic():
        rule = rule_for(region, municipality_id, theme_ids)
        if rule is not None:
            rule = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
            team = _eligible(rule.advisors.all(), region.pk)
            if team:
                after = rule.last_assigned_id
                following = [u for u in team if after is not None and u.pk > after]
                owner = following[0] if following else team[0]
                rule.last_assigned = owner
                rule.save(update_fields=["last_assigned"])
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


# --- configuration by programme managers ---------------------------------------------


def _validate_rule(rule: AssignmentRule, advisors: list[User]) -> None:
    errors: dict[str, str] = {}
    if rule.municipality is not None and rule.municipality.region_id != rule.region_id:
        errors["municipality"] = _("Deze gemeente hoort niet bij de regio.")
    if not advisors:
        errors["advisors"] = _("Kies minstens één adviseur.")
    elif any(not scope_of(u).can_work_cases(rule.region_id) for u in advisors):
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
    before = audit.snapshot(rule, ("municipality", "theme", "active")) if not creating else {}
    municipality: Municipality | None = data.get("municipality")
    theme: Theme | None = data.get("theme")
    rule.municipality = municipality
    rule.theme = theme
    rule.active = bool(data.get("active", True))
    advisors = list(data.get("advisors", []))
    _validate_rule(rule, advisors)
    with transaction.atomic():
        rule.save()
        rule.advisors.set(advisors)
        after = audit.snapshot(rule, ("municipality", "theme", "active"))
        after["advisors"] = sorted(u.pk for u in advisors)
        audit.record(
            actor,
            AuditEvent.Action.CREATE if creating else AuditEvent.Action.CHANGE,
            rule,
            changes=audit.diff(before, after),
        )
    return rule


def delete_rule(actor: User, rule: AssignmentRule) -> None:
    require(scope_of(actor).can_manage(rule.region_id))
    with transaction.atomic():
        audit.record(actor, AuditEvent.Action.DELETE, rule)
        rule.delete()
