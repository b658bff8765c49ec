"""The one permission module: who may see and do what, from a user's memberships.

Visibility of records is composed from this in each app's ``queries.py``; this module
only answers questions about the user. The scope is read once per user object (one
query) and cached on it, so a page asks it as often as it likes for free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Roles of the programme itself: they see every company of their region.
PROGRAMME_ROLES = frozenset({"advisor", "specialist", "programme_manager", "administrator"})
# Roles that may own and work cases and record intakes for any company of the region.
CASE_ROLES = frozenset({"advisor", "specialist", "programme_manager"})
MANAGER_ROLES = frozenset({"programme_manager", "administrator"})


@dataclass(frozen=True)
class Scope:
    """What one user is, per region and organisation."""

    user_id: int | None
    organisation_ids: frozenset[int] = frozenset()
    region_ids: frozenset[int] = frozenset()
    # region id -> roles held in that region
    roles_by_region: dict[int, frozenset[str]] = field(default_factory=dict)
    # organisation id -> roles held there
    roles_by_organisation: dict[int, frozenset[str]] = field(default_factory=dict)
    team_lead_organisation_ids: frozenset[int] = frozenset()
    # organisation id -> its region id
    organisation_regions: dict[int, int] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        out: set[str] = set()
        for roles in self.roles_by_region.values():
            out |= roles
        return frozenset(out)

    def programme_region_ids(self) -> frozenset[int]:
        """Regions in which the user sees every company (a programme role)."""
        return frozenset(r for r, roles in self.roles_by_region.items() if roles & PROGRAMME_ROLES)

    def has_role(self, *roles: str, region_id: int | None = None) -> bool:
        if region_id is None:
            return bool(self.roles & set(roles))
        return bool(self.roles_by_region.get(region_id, frozenset()) & set(roles))

    def is_programme_staff(self, region_id: int) -> bool:
        return self.has_role(*PROGRAMME_ROLES, region_id=region_id)

    def can_work_cases(self, region_id: int) -> bool:
        return self.has_role(*CASE_ROLES, region_id=region_id)

    def can_manage(self, region_id: int | None = None) -> bool:
        """Administer organisations, users and roles (programme managers, administrators)."""
        return self.has_role(*MANAGER_ROLES, region_id=region_id)

    def can_audit(self, region_id: int) -> bool:
        return self.has_role("administrator", region_id=region_id)

    def organisations_in(self, region_id: int) -> list[int]:
        """The user's organisations in a region, programme organisations first."""
        orgs = [o for o, r in self.organisation_regions.items() if r == region_id]
        return sorted(
            orgs, key=lambda o: (not (self.roles_by_organisation[o] & PROGRAMME_ROLES), o)
        )

    def is_member_of(self, organisation_id: int) -> bool:
        return organisation_id in self.organisation_ids

    def requires_mfa(self, roles_requiring: list[str] | tuple[str, ...]) -> bool:
        return bool(self.roles & set(roles_requiring))


EMPTY_SCOPE = Scope(user_id=None)


def scope_of(user: Any) -> Scope:
    """The user's scope, read once and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    cached = getattr(user, "_loket_scope", None)
    if cached is not None:
        return cached
    from loket.accounts.models import Membership

    rows = Membership.objects.filter(user_id=user.pk).values_list(
        "organisation_id", "organisation__region_id", "role", "is_team_lead"
    )
    by_region: dict[int, set[str]] = {}
    by_org: dict[int, set[str]] = {}
    leads: set[int] = set()
    org_regions: dict[int, int] = {}
    for org_id, region_id, role, is_lead in rows:
        org_regions[org_id] = region_id
        by_region.setdefault(region_id, set()).add(role)
        by_org.setdefault(org_id, set()).add(role)
        if is_lead:
            leads.add(org_id)
    scope = Scope(
        user_id=user.pk,
        organisation_ids=frozenset(by_org),
        region_ids=frozenset(by_region),
        roles_by_region={k: frozenset(v) for k, v in by_region.items()},
        roles_by_organisation={k: frozenset(v) for k, v in by_org.items()},
        team_lead_organisation_ids=frozenset(leads),
        organisation_regions=org_regions,
    )
    user._loket_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after memberships change."""
    if hasattr(user, "_loket_scope"):
        del user._loket_scope


def require(condition: bool) -> None:
    """Raise PermissionDenied unless ``condition``; services call this."""
    if not condition:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
