"""Read side of casework: contact moments, cases and referrals scoped to a user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from loket.casework.models import Case, ContactMoment, Referral
from loket.companies.queries import company_visibility_q
from loket.core.permissions import scope_of


def contact_moments_visible_to(user: Any) -> QuerySet[ContactMoment]:
    """Contact moments of visible companies; confidential ones only inside the author's
    organisation."""
    scope = scope_of(user)
    if not scope.organisation_ids:
        return ContactMoment.objects.none()
    return ContactMoment.objects.filter(company_visibility_q(user)).filter(
        Q(confidential=False) | Q(organisation_id__in=scope.organisation_ids)
    )


def cases_visible_to(user: Any) -> QuerySet[Case]:
    scope = scope_of(user)
    if not scope.organisation_ids:
        return Case.objects.none()
    return Case.objects.filter(company_visibility_q(user))


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    scope = scope_of(user)
    if not scope.organisation_ids:
        return Referral.objects.none()
    return Referral.objects.filter(company_visibility_q(user))


def referral_inbox(user: Any) -> QuerySet[Referral]:
    """Referrals sent to one of the user's organisations."""
    scope = scope_of(user)
    return Referral.objects.filter(
        to_organisation_id__in=scope.organisation_ids,
    ).exclude(status=Referral.Status.PROPOSED)


def work_queue(user: Any) -> QuerySet[Case]:
    """The user's open cases, earliest deadline first."""
    return (
        Case.objects.filter(owner_id=user.pk, status__in=Case.OPEN_STATUSES)
        .select_related("company")
        .order_by("deadline", "id")
    )


def get_contact_moment_for_user(user: Any, pk: int) -> ContactMoment:
    return get_object_or_404(contact_moments_visible_to(user), pk=pk)


def get_case_for_user(user: Any, pk: int) -> Case:
    return get_object_or_404(
        cases_visible_to(user).select_related("company", "owner", "organisation"), pk=pk
    )


def get_referral_for_user(user: Any, pk: int) -> Referral:
    return get_object_or_404(
        referrals_visible_to(user).select_related(
            "case", "company", "from_organisation", "to_organisation", "created_by"
        ),
        pk=pk,
    )
