"""Read side of companies: every queryset a view or endpoint uses is scoped here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from loket.companies.models import Company, Person
from loket.core.permissions import scope_of


def company_visibility_q(user: Any, field: str = "company", *, regional: bool = True) -> Q:
    """A Q that keeps rows whose company the user may see. ``field`` is the path from the
    filtered model to its company ("" for Company itself). ``regional`` says the row
    carries its company's region itself (every RegionalModel does), so the filter uses the
    row's own indexed column instead of a join.

    Programme roles see the whole region. Every member of an organisation also sees the
    companies that organisation recorded, or has a contact moment, case or referral with.
    """
    from loket.casework.models import Case, ContactMoment, Referral

    scope = scope_of(user)
    region_field = "region_id" if regional or not field else f"{field}__region_id"
    pk_field = f"{field}_id" if field else "pk"
    regions = scope.programme_region_ids()
    condition = Q(**{f"{region_field}__in": regions}) if regions else Q(pk__in=[])
    if scope.organisation_ids and scope.region_ids - regions:
        orgs = scope.organisation_ids
        created_field = (
            f"{field}__created_by_organisation_id" if field else ("created_by_organisation_id")
        )
        condition |= Q(**{f"{created_field}__in": orgs})
        condition |= Q(
            **{
                f"{pk_field}__in": ContactMoment.objects.filter(organisation_id__in=orgs).values(
                    "company_id"
                )
            }
        )
        condition |= Q(
            **{
                f"{pk_field}__in": Case.objects.filter(organisation_id__in=orgs).values(
                    "company_id"
                )
            }
        )
        condition |= Q(
            **{
                f"{pk_field}__in": Referral.objects.filter(
                    Q(to_organisation_id__in=orgs) | Q(from_organisation_id__in=orgs)
                ).values("company_id")
            }
        )
    return condition


def companies_visible_to(user: Any) -> QuerySet[Company]:
    """Programme staff see every company of their region; partner users see the companies
    their organisation recorded or has a contact moment, case or referral with; others
    see none."""
    scope = scope_of(user)
    if not scope.organisation_ids:
        return Company.objects.none()
    return Company.objects.filter(company_visibility_q(user, field=""))


def get_company_for_user(user: Any, pk: int) -> Company:
    """The company, or 404 when the user may not see it (Healthchecks' _get_check_for_user)."""
    return get_object_or_404(companies_visible_to(user), pk=pk)


def persons_visible_to(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(company__in=companies_visible_to(user))


def get_person_for_user(user: Any, pk: int) -> Person:
    return get_object_or_404(persons_visible_to(user).select_related("company"), pk=pk)
