"""The read side of programmes: who sees which programme, trajectory and hours, and who
may do what with them.

- Programme staff of the region (advisors, specialists, programme managers,
  administrators) see the region's programmes, plans, schemes and trajectories.
- Staff of an executing organisation (e.g. the chamber of commerce or the development
  agency) see the programmes their organisation executes and register hours on them.
- Programme managers (and administrators) edit the plan, funders, rates and schemes;
  only programme managers approve trajectories and allow hours over a company's cap.
- Advisors and specialists propose trajectories.
- Hour entries: everyone sees their own; programme managers see all of their region's.
- Anything else is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from loket.core.permissions import scope_of
from loket.programmes.models import HourEntry, Programme, Scheme, Trajectory


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    scope = scope_of(user)
    if not scope.region_ids:
        return Programme.objects.none()
    return Programme.objects.filter(
        Q(region_id__in=scope.programme_region_ids())
        | Q(organisations__in=scope.organisation_ids, region_id__in=scope.region_ids)
    ).distinct()


def get_programme_for_user(user: Any, pk: int) -> Programme:
    programme = programmes_visible_to(user).select_related("region").filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def executing_organisation_ids(programme: Programme) -> frozenset[int]:
    cached = getattr(programme, "_loket_org_ids", None)
    if cached is None:
        cached = frozenset(programme.organisations.values_list("pk", flat=True))
        programme._loket_org_ids = cached  # type: ignore[attr-defined]
    return cached


def can_edit_plan(user: Any, programme: Programme) -> bool:
    """Plan, funders, rates, activity types and schemes."""
    return scope_of(user).has_role(
        "programme_manager", "administrator", region_id=programme.region_id
    )


def can_approve(user: Any, programme: Programme) -> bool:
    """Approve trajectories and allow hours over a cap: the programme manager."""
    return scope_of(user).has_role("programme_manager", region_id=programme.region_id)


def can_propose(user: Any, programme: Programme) -> bool:
    """Propose or register an application for a trajectory, and run one."""
    return scope_of(user).can_work_cases(programme.region_id)


def hour_organisations(user: Any, programme: Programme) -> list[int]:
    """The user's organisations that execute the programme, programme bureau first; the
    hours of a user are booked on the first."""
    scope = scope_of(user)
    executing = executing_organisation_ids(programme)
    return [o for o in scope.organisations_in(programme.region_id) if o in executing]


def can_register_hours(user: Any, programme: Programme) -> bool:
    return bool(hour_organisations(user, programme))


def schemes_visible_to(user: Any) -> QuerySet[Scheme]:
    return Scheme.objects.filter(programme__in=programmes_visible_to(user))


def trajectories_visible_to(user: Any) -> QuerySet[Trajectory]:
    """Programme staff see the region's trajectories; a supplier's staff see the
    trajectories their organisation delivers."""
    scope = scope_of(user)
    if not scope.region_ids:
        return Trajectory.objects.none()
    return Trajectory.objects.filter(
        Q(region_id__in=scope.programme_region_ids())
        | Q(supplier_organisation__in=scope.organisation_ids, region_id__in=scope.region_ids)
    )


def get_trajectory_for_user(user: Any, pk: int) -> Trajectory:
    trajectory = (
        trajectories_visible_to(user)
        .select_related("programme", "scheme", "company", "supplier_organisation", "specialist")
        .filter(pk=pk)
        .first()
    )
    if trajectory is None:
        raise Http404
    return trajectory


def hour_entries_visible_to(user: Any) -> QuerySet[HourEntry]:
    """One's own hours; a programme manager sees all hours of the region's programmes."""
    scope = scope_of(user)
    if user is None or not getattr(user, "is_authenticated", False):
        return HourEntry.objects.none()
    manager_regions = [
        region
        for region in scope.region_ids
        if scope.has_role("programme_manager", region_id=region)
    ]
    return HourEntry.objects.filter(Q(user_id=user.pk) | Q(region_id__in=manager_regions))
