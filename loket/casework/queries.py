"""Read side of casework: contact moments, cases and referrals scoped to a user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from loket.accounts.models import Membership, Organisation, User
from loket.casework.models import Case, ContactMoment, Referral
from loket.companies.models import Company
from loket.companies.queries import company_visibility_q
from loket.core.permissions import CASE_ROLES, scope_of


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


def contact_moments_of(user: Any, company: Company) -> QuerySet[ContactMoment]:
    """The contact moments of a company the user already opened through
    ``get_company_for_user``: only the confidentiality rule is left to apply. Filtering
    on the company alone lets the database use the (company, date) index."""
    scope = scope_of(user)
    return ContactMoment.objects.filter(company_id=company.pk).filter(
        Q(confidential=False) | Q(organisation_id__in=scope.organisation_ids)
    )


def cases_of(user: Any, company: Company) -> QuerySet[Case]:
    """The cases of a company the user already opened through ``get_company_for_user``."""
    return Case.objects.filter(company_id=company.pk)


def referrals_of(user: Any, company: Company) -> QuerySet[Referral]:
    """The referrals of a company the user already opened through ``get_company_for_user``."""
    return Referral.objects.filter(company_id=company.pk)


def referral_inbox(user: Any) -> QuerySet[Referral]:
    """Referrals sent to one of the user's organisations, newest first."""
    scope = scope_of(user)
    return (
        Referral.objects.filter(to_organisation_id__in=scope.organisation_ids)
        .exclude(status=Referral.Status.PROPOSED)
        .order_by("-created_at", "-id")
    )


def work_queue(user: Any) -> QuerySet[Case]:
    """The user's open cases: those waiting for a first response first, each group by
    deadline (earliest first)."""
    return _queue_order(
        Case.objects.filter(owner_id=user.pk, status__in=Case.OPEN_STATUSES).select_related(
            "company"
        )
    )


def get_contact_moment_for_user(user: Any, pk: int) -> ContactMoment:
    return get_object_or_404(
        contact_moments_visible_to(user).select_related(
            "company", "author", "organisation", "case"
        ),
        pk=pk,
    )


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


# --- work queue ----------------------------------------------------------------------


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Open cases still waiting for their first response after the deadline passed."""
    return Q(
        status__in=Case.OPEN_STATUSES,
        first_response_at__isnull=True,
        deadline__lt=now or timezone.now(),
    )


def _queue_order(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Cases waiting for a first response first, each group by deadline."""
    return qs.annotate(
        answered=ExpressionWrapper(Q(first_response_at__isnull=False), output_field=BooleanField())
    ).order_by("answered", "deadline", "id")


def team_queue(user: Any) -> QuerySet[Case]:
    """For a team lead: the open cases owned by the other members of the organisations
    they lead."""
    scope = scope_of(user)
    if not scope.team_lead_organisation_ids:
        return Case.objects.none()
    members = Membership.objects.filter(
        organisation_id__in=scope.team_lead_organisation_ids
    ).values("user_id")
    return _queue_order(
        cases_visible_to(user)
        .filter(owner_id__in=members, status__in=Case.OPEN_STATUSES)
        .exclude(owner_id=user.pk)
        .select_related("company", "owner")
    )


def follow_ups_due(user: Any, today: dt.date | None = None) -> QuerySet[ContactMoment]:
    """The user's contact moments whose follow-up date has come, until their organisation
    records a later contact moment with the company (that contact is the follow-up)."""
    today = today or timezone.localdate()
    later = ContactMoment.objects.filter(
        company_id=OuterRef("company_id"),
        organisation_id=OuterRef("organisation_id"),
        occurred_at__gt=OuterRef("occurred_at"),
    )
    return (
        ContactMoment.objects.filter(author_id=user.pk, follow_up_on__lte=today)
        .filter(~Exists(later))
        .select_related("company")
        .order_by("follow_up_on", "id")
    )


def new_referrals_count(user: Any) -> int:
    """Referrals sent to the user's organisations that nobody answered yet."""
    return referral_inbox(user).filter(status=Referral.Status.SENT).count()


# --- choices for forms and filters ----------------------------------------------------


def case_workers_in(region_ids: Iterable[int]) -> QuerySet[User]:
    """Active users who may own cases (advisor, specialist, programme manager) in the
    given regions."""
    members = Membership.objects.filter(
        organisation__region_id__in=list(region_ids), role__in=CASE_ROLES
    ).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("full_name", "id")


def organisations_of_regions(user: Any) -> QuerySet[Organisation]:
    """Organisations of the regions the user works in (for filters)."""
    return Organisation.objects.filter(region_id__in=scope_of(user).region_ids).order_by(
        "name", "id"
    )


def referral_targets(case: Case) -> QuerySet[Organisation]:
    """Organisations a case can be referred to: the region's, except the case's own."""
    return (
        Organisation.objects.filter(region_id=case.region_id)
        .exclude(pk=case.organisation_id)
        .order_by("name", "id")
    )


def user_organisations_in(user: Any, region_id: int) -> QuerySet[Organisation]:
    """The user's own organisations in a region (to record a contact moment for)."""
    return Organisation.objects.filter(pk__in=scope_of(user).organisations_in(region_id)).order_by(
        "name", "id"
    )


# --- list pages (one query per page, whatever its size) --------------------------------


def case_list(user: Any) -> QuerySet[Case]:
    return cases_visible_to(user).select_related("company", "owner", "organisation")


def referral_list(user: Any) -> QuerySet[Referral]:
    return referrals_visible_to(user).select_related(
        "case", "company", "from_organisation", "to_organisation", "created_by"
    )


def contact_moment_list(user: Any) -> QuerySet[ContactMoment]:
    return contact_moments_visible_to(user).select_related(
        "company", "author", "organisation", "case"
    )
