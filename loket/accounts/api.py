"""API: who am I (roles and organisations), and the organisations of my regions."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from loket.accounts.models import Membership, Organisation
from loket.core.api import LimitOffset, actor, errors
from loket.core.models import Region
from loket.core.permissions import scope_of

router = Router(tags=["account"])


class RegionOut(Schema):
    id: int
    slug: str
    name: str


class MembershipOut(Schema):
    organisation_id: int
    organisation: str = Field(validation_alias="organisation.name")
    region: str = Field(validation_alias="organisation.region.slug")
    role: str
    is_team_lead: bool


class MeOut(Schema):
    id: int
    email: str
    name: str
    language: str
    roles: list[str]
    regions: list[RegionOut]
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    region: str = Field(validation_alias="region.slug")
    municipality_id: int | None
    is_programme_partner: bool


@router.get("/me", response={200: MeOut, **errors(401)}, summary="Mijn account")
def me(request: HttpRequest) -> Any:
    """Uw rollen per organisatie en de regio's waarin u werkt."""
    user = actor(request)
    scope = scope_of(user)
    memberships = Membership.objects.filter(user=user).select_related("organisation__region")
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.full_name,
        "language": user.language,
        "roles": sorted(scope.roles),
        "regions": list(Region.objects.filter(pk__in=scope.region_ids)),
        "memberships": list(memberships.order_by("organisation__name", "role")),
    }


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **errors(401, 422)},
    summary="Organisaties",
)
@paginate(LimitOffset)
def list_organisations(request: HttpRequest) -> Any:
    """De organisaties van de regio's waarin u werkt (om naar te verwijzen of als
    ondernemersvereniging van een bedrijf)."""
    regions = scope_of(actor(request)).region_ids
    return (
        Organisation.objects.filter(region_id__in=regions)
        .select_related("region")
        .order_by("name", "id")
    )
