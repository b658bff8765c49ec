"""Read side of the accounts app: what a manager may administer, scoped by region.

Programme managers and administrators manage the organisations of the regions in which
they hold that role, and the users who are a member of one of those organisations.
Anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from loket.accounts.models import ApiToken, Membership, Organisation, User
from loket.core.models import Municipality, Region
from loket.core.permissions import MANAGER_ROLES, scope_of


def managed_region_ids(user: Any) -> frozenset[int]:
    """Regions in which the user is a programme manager or administrator."""
    scope = scope_of(user)
    return frozenset(r for r, roles in scope.roles_by_region.items() if roles & MANAGER_ROLES)


def managed_regions(user: Any) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=managed_region_ids(user)).order_by("name")


def organisations_managed_by(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(region_id__in=managed_region_ids(user)).select_related(
        "region", "municipality"
    )


def municipalities_managed_by(user: Any) -> QuerySet[Municipality]:
    return Municipality.objects.filter(region_id__in=managed_region_ids(user)).order_by("name")


def get_organisation_for_manager(user: Any, pk: int) -> Organisation:
    organisation = organisations_managed_by(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def users_managed_by(user: Any) -> QuerySet[User]:
    """Users with at least one membership in a managed region, with those memberships
    (and only those) prefetched as ``managed_memberships``."""
    regions = managed_region_ids(user)
    in_scope = Membership.objects.filter(organisation__region_id__in=regions)
    return User.objects.filter(pk__in=in_scope.values("user_id")).prefetch_related(
        Prefetch(
            "memberships",
            queryset=in_scope.select_related("organisation").order_by("organisation__name", "role"),
            to_attr="managed_memberships",
        )
    )


def filter_users(
    users: QuerySet[User],
    *,
    managed_by: Any,
    organisation: Organisation | None = None,
    role: str | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """Narrow ``users_managed_by`` by membership (in the manager's regions) and status."""
    if organisation is not None or role is not None:
        members = Membership.objects.filter(
            organisation__region_id__in=managed_region_ids(managed_by)
        )
        if organisation is not None:
            members = members.filter(organisation=organisation)
        if role is not None:
            members = members.filter(role=role)
        users = users.filter(pk__in=members.values("user_id"))
    if active is not None:
        users = users.filter(is_active=active)
    return users


def get_user_for_manager(user: Any, pk: int) -> User:
    found = users_managed_by(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_membership_for_manager(user: Any, pk: int) -> Membership:
    membership = (
        Membership.objects.filter(pk=pk, organisation__region_id__in=managed_region_ids(user))
        .select_related("organisation", "user")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at")


def get_token_of(user: Any, pk: int) -> ApiToken:
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token
