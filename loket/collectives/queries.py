"""The read side of collective instruments.

- Programme staff of the region see and manage every collective of the region.
- Staff of the responsible organisation (a cluster organisation, a bank for a financing
  table, a school for a carousel) see and manage it; staff of a carousel round's school
  see that carousel.
- Members, sessions, cases brought in, rounds, students, teams and matches are visible
  with their collective. Anything else is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from loket.collectives.models import (
    CarouselRound,
    Collective,
    Match,
    Member,
    Student,
    StudentTeam,
    TableCase,
    TableSession,
)
from loket.core.permissions import scope_of


def collectives_visible_to(user: Any) -> QuerySet[Collective]:
    scope = scope_of(user)
    if not scope.region_ids:
        return Collective.objects.none()
    orgs = scope.organisation_ids
    school = CarouselRound.objects.filter(collective_id=OuterRef("pk"), school_id__in=orgs)
    return Collective.objects.filter(
        Q(region_id__in=scope.programme_region_ids())
        | Q(organisation_id__in=orgs)
        | Q(Exists(school))
    )


def get_collective_for_user(user: Any, pk: int) -> Collective:
    collective = (
        collectives_visible_to(user)
        .select_related("region", "programme", "organisation", "coordinator")
        .filter(pk=pk)
        .first()
    )
    if collective is None:
        raise Http404
    return collective


def can_create_collectives(user: Any, region_id: int) -> bool:
    return region_id in scope_of(user).region_ids


def can_manage_collective(user: Any, collective: Collective) -> bool:
    """Change the collective, its members, sessions, rounds and matches: programme staff
    of the region and staff of the responsible organisation (or a round's school)."""
    scope = scope_of(user)
    if scope.is_programme_staff(collective.region_id) or scope.is_member_of(
        collective.organisation_id
    ):
        return True
    return (
        collective.is_carousel
        and CarouselRound.objects.filter(
            collective=collective, school_id__in=scope.organisation_ids
        ).exists()
    )


def _within(model: Any, user: Any, path: str = "collective") -> QuerySet[Any]:
    return model.objects.filter(**{f"{path}__in": collectives_visible_to(user).values("pk")})


def members_visible_to(user: Any) -> QuerySet[Member]:
    return _within(Member, user)


def sessions_visible_to(user: Any) -> QuerySet[TableSession]:
    return _within(TableSession, user)


def table_cases_visible_to(user: Any) -> QuerySet[TableCase]:
    return _within(TableCase, user)


def rounds_visible_to(user: Any) -> QuerySet[CarouselRound]:
    return _within(CarouselRound, user)


def teams_visible_to(user: Any) -> QuerySet[StudentTeam]:
    return _within(StudentTeam, user, "round__collective")


def students_visible_to(user: Any) -> QuerySet[Student]:
    return _within(Student, user, "round__collective")


def matches_visible_to(user: Any) -> QuerySet[Match]:
    return _within(Match, user, "round__collective")


def _get(qs: QuerySet[Any], pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def get_member_for_user(user: Any, pk: int) -> Member:
    return _get(members_visible_to(user).select_related("collective", "company"), pk)


def get_session_for_user(user: Any, pk: int) -> TableSession:
    return _get(sessions_visible_to(user).select_related("collective"), pk)


def get_table_case_for_user(user: Any, pk: int) -> TableCase:
    return _get(table_cases_visible_to(user).select_related("collective", "company"), pk)


def get_round_for_user(user: Any, pk: int) -> CarouselRound:
    return _get(rounds_visible_to(user).select_related("collective", "school"), pk)


def get_team_for_user(user: Any, pk: int) -> StudentTeam:
    return _get(teams_visible_to(user).select_related("round", "round__collective"), pk)


def get_student_for_user(user: Any, pk: int) -> Student:
    return _get(students_visible_to(user).select_related("round", "round__collective"), pk)


def get_match_for_user(user: Any, pk: int) -> Match:
    return _get(
        matches_visible_to(user).select_related("round", "round__collective", "company", "team"),
        pk,
    )
