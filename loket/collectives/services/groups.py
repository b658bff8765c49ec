"""Collectives and their members: create and change a collective, add a company, change
a member, let a member leave, move a cluster to another phase, mark a group formed.

The rules of the groups (``rule_problems``):

- a cluster has at least 3 companies, and at most half of them from outside the region;
- a cooperation initiative has at least 2 companies from the region.

A company is from the region when its municipality belongs to the collective's region.
The rules are checked whenever members change: a formed cluster or initiative cannot drop
below them (the change is refused with what would be missing), and a group can be marked
formed only when they hold. Every change is audited; each runs in one transaction under a
lock on the collective, so two people changing members at once cannot together break the
rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loket.accounts.models import Organisation, User
from loket.collectives.models import (
    CLUSTER_MIN_COMPANIES,
    COOPERATION_MIN_COMPANIES,
    Collective,
    Member,
)
from loket.collectives.queries import can_create_collectives, can_manage_collective
from loket.companies.models import Company
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require, scope_of

Kind = Collective.Kind

COMMON_FIELDS = (
    "programme",
    "name",
    "description",
    "themes",
    "organisation",
    "coordinator",
    "ended_on",
)
KIND_FIELDS = ("opportunity", "phase", "country", "service_level_days")
CREATE_FIELDS = ("kind", *COMMON_FIELDS, *KIND_FIELDS)
UPDATE_FIELDS = (*COMMON_FIELDS, *KIND_FIELDS)
AUDITED = (*CREATE_FIELDS, "formed_on")
MEMBER_FIELDS = ("role", "interests")


# --- the rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Composition:
    """The active members of a collective: how many, and how many from outside the region."""

    total: int
    outside: int

    @property
    def inside(self) -> int:
        return self.total - self.outside

    def plus(self, *, inside: bool) -> Composition:
        return Composition(self.total + 1, self.outside + (0 if inside else 1))

    def minus(self, *, inside: bool) -> Composition:
        return Composition(self.total - 1, self.outside - (0 if inside else 1))


def rule_problems(kind: str, composition: Composition) -> list[str]:
    """What a group of this kind and composition lacks; empty when the rule holds (and for
    kinds without a rule)."""
    problems: list[str] = []
    if kind == Kind.CLUSTER:
        if composition.total < CLUSTER_MIN_COMPANIES:
            problems.append(
                ngettext(
                    "Een cluster heeft minstens %(min)s bedrijven; er is er %(n)s.",
                    "Een cluster heeft minstens %(min)s bedrijven; er zijn er %(n)s.",
                    composition.total,
                )
                % {"min": CLUSTER_MIN_COMPANIES, "n": composition.total}
            )
        if composition.outside * 2 > composition.total:
            problems.append(
                _("Hoogstens de helft mag van buiten de regio komen; nu %(n)s van de %(total)s.")
                % {"n": composition.outside, "total": composition.total}
            )
    elif kind == Kind.COOPERATION and composition.inside < COOPERATION_MIN_COMPANIES:
        problems.append(
            ngettext(
                "Een samenwerkingsinitiatief heeft minstens %(min)s bedrijven uit de regio; "
                "er is er %(n)s.",
                "Een samenwerkingsinitiatief heeft minstens %(min)s bedrijven uit de regio; "
                "er zijn er %(n)s.",
                composition.inside,
            )
            % {"min": COOPERATION_MIN_COMPANIES, "n": composition.inside}
        )
    return problems


def is_from_region(company: Company, collective: Collective) -> bool:
    municipality = company.municipality
    return municipality is not None and municipality.region_id == collective.region_id


def composition_of(collective: Collective) -> Composition:
    """The active members of ``collective`` (one query)."""
    counts = Member.objects.filter(collective=collective, left_on__isnull=True).aggregate(
        total=Count("id"),
        inside=Count("id", filter=Q(company__municipality__region_id=collective.region_id)),
    )
    return Composition(total=counts["total"], outside=counts["total"] - counts["inside"])


def rule_problems_of(collective: Collective) -> list[str]:
    if not collective.is_group:
        return []
    return rule_problems(collective.kind, composition_of(collective))


def _refuse_if_formed_breaks(collective: Collective, after: Composition) -> None:
    if collective.formed_on is None or not collective.is_group:
        return
    problems = rule_problems(collective.kind, after)
    if problems:
        raise ValidationError(
            _("%(name)s is gevormd en moet aan de regel blijven voldoen. %(problems)s")
            % {"name": collective.name, "problems": " ".join(problems)}
        )


# --- collectives -----------------------------------------------------------------------


def lock_collective(pk: int) -> Collective:
    """The collective, locked for this transaction (a row lock on PostgreSQL; SQLite's
    transactions are IMMEDIATE already)."""
    return Collective.objects.select_for_update(of=("self",)).get(pk=pk)


def _clean_kind_fields(collective: Collective) -> None:
    """Blank the fields that do not belong to the collective's kind."""
    if not collective.is_group:
        collective.opportunity = ""
    if collective.kind != Kind.CLUSTER:
        collective.phase = ""
    elif not collective.phase:
        collective.phase = Collective.Phase.DISCOVER
    if collective.kind != Kind.COUNTRY_TABLE:
        collective.country = ""
    if not collective.is_table:
        collective.service_level_days = None


def _check(actor: User, collective: Collective) -> None:
    errors: dict[str, list[str]] = {}
    try:
        collective.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    region_id = collective.region_id
    if collective.programme_id and collective.programme.region_id != region_id:
        errors["programme"] = [_("Dit programma hoort bij een andere regio.")]
    if collective.organisation_id and "organisation" not in errors:
        org = collective.organisation
        scope = scope_of(actor)
        if org.region_id != region_id:
            errors["organisation"] = [_("Deze organisatie hoort bij een andere regio.")]
        elif not (scope.is_programme_staff(region_id) or scope.is_member_of(org.pk)):
            errors["organisation"] = [
                _("Kies uw eigen organisatie; alleen het programma kiest een andere.")
            ]
    if (
        collective.coordinator_id
        and not collective.coordinator.memberships.filter(  # type: ignore[union-attr]
            organisation__region_id=region_id
        ).exists()
    ):
        errors["coordinator"] = [_("De trekker moet bij een organisatie van de regio werken.")]
    if collective.kind == Kind.CLUSTER and not collective.opportunity.strip():
        errors.setdefault("opportunity", []).append(
            _("Beschrijf de gezamenlijke kans van het cluster.")
        )
    if collective.kind == Kind.COUNTRY_TABLE and not collective.country.strip():
        errors.setdefault("country", []).append(_("Vul het land van de landentafel in."))
    if collective.ended_on and collective.formed_on and collective.ended_on < collective.formed_on:
        errors.setdefault("ended_on", []).append(
            _("De einddatum ligt vóór de datum waarop het collectief gevormd is.")
        )
    if errors:
        raise ValidationError(errors)


def _apply(collective: Collective, data: Mapping[str, Any], fields: tuple[str, ...]) -> list[Any]:
    themes: list[Any] | None = None
    for key, value in data.items():
        if key not in fields:
            raise ValueError(f"Unknown field: {key}")
        if key == "themes":
            themes = list(value or [])
            continue
        if key == "service_level_days" and value is None:
            collective.service_level_days = None
            continue
        setattr(collective, key, value.strip() if isinstance(value, str) else value)
    return themes if themes is not None else []


def create_collective(actor: User, region_id: int, data: Mapping[str, Any]) -> Collective:
    require(can_create_collectives(actor, region_id))
    collective = Collective(region_id=region_id, created_by=actor)
    themes = _apply(collective, data, CREATE_FIELDS)
    if collective.kind not in Kind.values:
        raise ValidationError({"kind": [_("Kies een soort.")]})
    _clean_kind_fields(collective)
    _check(actor, collective)
    with transaction.atomic():
        collective.save()
        collective.themes.set(themes)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            collective,
            changes=audit.diff({}, audit.snapshot(collective, AUDITED)),
        )
    return collective


def update_collective(actor: User, collective: Collective, data: Mapping[str, Any]) -> Collective:
    """Change a collective; its kind stays what it is."""
    require(can_manage_collective(actor, collective))
    with transaction.atomic():
        locked = lock_collective(collective.pk)
        before = audit.snapshot(locked, AUDITED)
        themes = _apply(locked, data, UPDATE_FIELDS)
        _clean_kind_fields(locked)
        _check(actor, locked)
        locked.save()
        if "themes" in data:
            locked.themes.set(themes)
        changes = audit.diff(before, audit.snapshot(locked, AUDITED))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, locked, changes=changes)
    return locked


def set_phase(actor: User, collective: Collective, phase: str) -> Collective:
    """Move a cluster to another phase (discover, develop, organise)."""
    require(can_manage_collective(actor, collective))
    if collective.kind != Kind.CLUSTER:
        raise ValidationError({"phase": [_("Alleen een cluster heeft een fase.")]})
    if phase not in Collective.Phase.values:
        raise ValidationError({"phase": [_("Kies een fase.")]})
    with transaction.atomic():
        locked = lock_collective(collective.pk)
        if locked.phase != phase:
            audit.record(
                actor, AuditEvent.Action.CHANGE, locked, changes={"phase": [locked.phase, phase]}
            )
            locked.phase = phase
            locked.save(update_fields=["phase", "updated_at"])
    return locked


def mark_formed(actor: User, collective: Collective, on: dt.date | None = None) -> Collective:
    """Mark a cluster or cooperation initiative formed; only when its rule holds."""
    require(can_manage_collective(actor, collective))
    on = on or timezone.localdate()
    if not collective.is_group:
        raise ValidationError(_("Alleen een cluster of samenwerkingsinitiatief wordt gevormd."))
    if on > timezone.localdate():
        raise ValidationError({"formed_on": [_("De datum mag niet in de toekomst liggen.")]})
    with transaction.atomic():
        locked = lock_collective(collective.pk)
        if locked.formed_on is not None:
            raise ValidationError(
                _("%(name)s is al gevormd op %(date)s.")
                % {"name": locked.name, "date": locked.formed_on.strftime("%d-%m-%Y")}
            )
        problems = rule_problems(locked.kind, composition_of(locked))
        if problems:
            raise ValidationError(
                _("%(name)s kan nog niet gevormd worden. %(problems)s")
                % {"name": locked.name, "problems": " ".join(problems)}
            )
        locked.formed_on = on
        locked.save(update_fields=["formed_on", "updated_at"])
        audit.record(
            actor, AuditEvent.Action.CHANGE, locked, changes={"formed_on": [None, on.isoformat()]}
        )
    return locked


# --- members ---------------------------------------------------------------------------


def _member_check(member: Member) -> None:
    try:
        member.full_clean(exclude=["collective", "company", "region"], validate_constraints=False)
    except ValidationError as exc:
        messages = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise ValidationError(messages) from exc


def add_member(
    actor: User,
    collective: Collective,
    company: Company,
    *,
    role: str = Member.Role.MEMBER,
    interests: str = "",
    joined_on: dt.date | None = None,
) -> Member:
    """Add a company of the region; a company that left before joins again. A formed
    group may not come to break its rule (a cluster with too many from outside)."""
    require(can_manage_collective(actor, collective))
    if company.region_id != collective.region_id:
        raise ValidationError({"company": [_("Dit bedrijf hoort bij een andere regio.")]})
    joined_on = joined_on or timezone.localdate()
    with transaction.atomic():
        locked = lock_collective(collective.pk)
        member = Member.objects.filter(collective=locked, company=company).first()
        if member is not None and member.left_on is None:
            raise ValidationError({"company": [_("Dit bedrijf doet al mee.")]})
        after = composition_of(locked).plus(inside=is_from_region(company, locked))
        _refuse_if_formed_breaks(locked, after)
        action = AuditEvent.Action.CHANGE if member is not None else AuditEvent.Action.CREATE
        if member is None:
            member = Member(collective=locked, region_id=locked.region_id, company=company)
        member.role = role
        member.interests = interests.strip()
        member.joined_on = joined_on
        member.left_on = None
        _member_check(member)
        member.save()
        audit.record(
            actor,
            action,
            member,
            company_id=company.pk,
            label=f"{company.name} in {locked.name}",
            changes={"role": member.role, "joined_on": joined_on.isoformat()},
        )
    return member


def update_member(actor: User, member: Member, data: Mapping[str, Any]) -> Member:
    """Change a member's role and interests."""
    collective = member.collective
    require(can_manage_collective(actor, collective))
    with transaction.atomic():
        lock_collective(collective.pk)
        locked = Member.objects.select_related("company").get(pk=member.pk)
        before = audit.snapshot(locked, MEMBER_FIELDS)
        for key, value in data.items():
            if key not in MEMBER_FIELDS:
                raise ValueError(f"Unknown field: {key}")
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        _member_check(locked)
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, MEMBER_FIELDS))
        if changes:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                locked,
                company_id=locked.company_id,
                label=f"{locked.company.name} in {collective.name}",
                changes=changes,
            )
    return locked


def leave(actor: User, member: Member, on: dt.date | None = None) -> Member:
    """The company stops taking part. A formed group may not drop below its rule."""
    collective = member.collective
    require(can_manage_collective(actor, collective))
    on = on or timezone.localdate()
    with transaction.atomic():
        locked_collective = lock_collective(collective.pk)
        locked = Member.objects.select_related("company__municipality").get(pk=member.pk)
        if locked.left_on is not None:
            raise ValidationError(_("Dit bedrijf doet al niet meer mee."))
        if on < locked.joined_on:
            raise ValidationError(
                {"left_on": [_("De datum ligt vóór de datum waarop het bedrijf meedeed.")]}
            )
        after = composition_of(locked_collective).minus(
            inside=is_from_region(locked.company, locked_collective)
        )
        _refuse_if_formed_breaks(locked_collective, after)
        locked.left_on = on
        locked.save(update_fields=["left_on"])
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            locked,
            company_id=locked.company_id,
            label=f"{locked.company.name} in {locked_collective.name}",
            changes={"left_on": [None, on.isoformat()]},
        )
    return locked


def organisations_for(actor: User, region_id: int) -> Any:
    """The organisations the user may make responsible for a collective: every one of the
    region for programme staff, else the user's own."""
    scope = scope_of(actor)
    organisations = Organisation.objects.filter(region_id=region_id)
    if not scope.is_programme_staff(region_id):
        organisations = organisations.filter(pk__in=scope.organisation_ids)
    return organisations.order_by("name", "pk")
