"""API: collectives (list, create, read, change, phase, marked formed) and their members
(list, add, change, leave).

Reads go through ``queries.py`` (what the user may not see is a 404); changes through
``services/groups.py`` (permission 403, rules 422 with the reason, e.g. what a cluster
still lacks). Endpoints only translate.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loket.accounts.models import Organisation, User
from loket.collectives import queries
from loket.collectives.forms.groups import CollectiveFilterSet
from loket.collectives.models import Collective, Member
from loket.collectives.services import groups as services
from loket.collectives.views.groups import SORTING, list_queryset
from loket.companies.queries import companies_visible_to
from loket.core.api import (
    Day,
    Id,
    Input,
    LimitOffset,
    LongText,
    PathId,
    ReqStr200,
    Str100,
    actor,
    apply_filterset,
    apply_sorting,
    errors,
    field_error,
    filter_schema,
    resolve_one,
    sort_parameter,
    themes_by_slug,
)
from loket.core.permissions import require, scope_of
from loket.programmes.models import Programme

router = Router(tags=["collectieve instrumenten"])

KindLiteral = Literal[
    "cluster",
    "cooperation",
    "entrepreneur_table",
    "financing_table",
    "crisis_table",
    "theme_table",
    "country_table",
    "export_carousel",
    "growth_carousel",
]
PhaseLiteral = Literal["discover", "develop", "organise"]
RoleLiteral = Literal["lead", "member", "supplier"]


# --- schemas -------------------------------------------------------------------------


class RuleOut(Schema):
    members: int
    from_outside_region: int
    holds: bool
    problems: list[str] = Field(description="Wat nog ontbreekt, in het Nederlands.")


class CollectiveOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    programme: int = Field(validation_alias="programme_id")
    organisation: int = Field(validation_alias="organisation_id")
    coordinator: int | None = Field(validation_alias="coordinator_id")
    themes: list[str]
    opportunity: str
    phase: str
    formed_on: dt.date | None
    country: str
    service_level_days: int | None
    ended_on: dt.date | None
    rule: RuleOut | None = Field(
        description="Alleen bij een cluster of samenwerkingsinitiatief: voldoet het aan de regel."
    )

    @staticmethod
    def resolve_themes(obj: Collective) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_rule(obj: Collective) -> dict[str, Any] | None:
        if not obj.is_group:
            return None
        total = getattr(obj, "member_total", None)
        if total is None:
            composition = services.composition_of(obj)
        else:
            composition = services.Composition(total, total - obj.member_inside)  # type: ignore[attr-defined]
        problems = services.rule_problems(obj.kind, composition)
        return {
            "members": composition.total,
            "from_outside_region": composition.outside,
            "holds": not problems,
            "problems": problems,
        }


class CollectiveFields(Input):
    description: LongText | None = None
    coordinator: Id | None = Field(None, description="Id van de trekker (een gebruiker).")
    themes: list[str] | None = Field(None, max_length=50, description="Slugs van thema's.")
    opportunity: LongText | None = Field(None, description="Bij een cluster verplicht.")
    phase: PhaseLiteral | None = Field(None, description="Alleen bij een cluster.")
    country: Str100 | None = Field(None, description="Alleen bij een landentafel (verplicht).")
    service_level_days: int | None = Field(
        None, ge=1, le=90, description="Alleen bij een tafel: bijeenkomen binnen zoveel werkdagen."
    )
    ended_on: Day | None = None


class CollectiveIn(CollectiveFields):
    kind: KindLiteral
    name: ReqStr200
    programme: Id
    organisation: Id = Field(description="Id van de verantwoordelijke organisatie.")


class CollectivePatch(CollectiveFields):
    name: ReqStr200 | None = None
    programme: Id | None = None
    organisation: Id | None = None


class PhaseIn(Input):
    phase: PhaseLiteral


class FormedIn(Input):
    formed_on: Day | None = Field(None, description="Leeg: vandaag.")


class MemberCompanyOut(Schema):
    id: int
    name: str
    kvk_number: str


class MemberOut(Schema):
    id: int
    collective: int = Field(validation_alias="collective_id")
    company: MemberCompanyOut
    from_region: bool
    role: str
    interests: str
    joined_on: dt.date
    left_on: dt.date | None

    @staticmethod
    def resolve_from_region(obj: Member) -> bool:
        return services.is_from_region(obj.company, obj.collective)


class MemberIn(Input):
    company: Id = Field(description="Id van een bedrijf van de regio.")
    role: RoleLiteral = "member"
    interests: LongText = Field("", description="Talen en landen, gescheiden door komma's.")


class MemberPatch(Input):
    role: RoleLiteral | None = None
    interests: LongText | None = None


class LeaveIn(Input):
    left_on: Day | None = Field(None, description="Leeg: vandaag.")


# --- helpers -------------------------------------------------------------------------


def _collective(user: User, pk: int) -> Collective:
    queries.get_collective_for_user(user, pk)
    return list_queryset(user).get(pk=pk)


def _member(user: User, pk: int) -> Member:
    member = queries.get_member_for_user(user, pk)
    return (
        Member.objects.select_related("company__municipality", "collective")
        .filter(pk=member.pk)
        .get()
    )


def _required(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in data and data[key] is None:
            raise field_error(key, str(_("Dit veld is verplicht.")), "missing")


def _collective_data(
    user: User, payload: CollectiveFields, region_ids: list[int]
) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    _required(data, "name", "programme", "organisation", "themes")
    if data.get("programme") is not None:
        data["programme"] = resolve_one(
            Programme.objects.filter(region_id__in=region_ids), data["programme"], "programme"
        )
    if data.get("organisation") is not None:
        organisations = Organisation.objects.none()
        for region_id in region_ids:
            organisations = organisations | services.organisations_for(user, region_id)
        data["organisation"] = resolve_one(organisations, data["organisation"], "organisation")
    if "coordinator" in data:
        data["coordinator"] = resolve_one(
            User.objects.filter(
                is_active=True, memberships__organisation__region_id__in=region_ids
            ).distinct(),
            data["coordinator"],
            "coordinator",
        )
    if "themes" in data:
        data["themes"] = themes_by_slug(data["themes"])
    for key in ("description", "opportunity", "country"):
        if key in data and data[key] is None:
            data[key] = ""
    if "phase" in data and data["phase"] is None:
        data["phase"] = ""
    return data


# --- collectives ---------------------------------------------------------------------

CollectiveFilters = filter_schema(
    "CollectiveFilters", CollectiveFilterSet, extra={"sort": sort_parameter(SORTING)}
)


@router.get(
    "/collectives",
    response={200: list[CollectiveOut], **errors(401, 422)},
    summary="Collectieve instrumenten",
)
@paginate(LimitOffset)
def list_collectives(
    request: HttpRequest,
    filters: CollectiveFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """Gefilterd op tekst (`q`: naam, organisatie, land), `kind`, `phase` en `theme` (id),
    gesorteerd zoals op de lijstpagina. Bij een cluster of samenwerkingsinitiatief staat
    in `rule` of het aan de regel voldoet en wat er nog ontbreekt."""
    user = actor(request)
    queryset = apply_filterset(CollectiveFilterSet, request, list_queryset(user))
    return apply_sorting(SORTING, queryset, getattr(filters, "sort", None))


@router.post(
    "/collectives",
    response={201: CollectiveOut, **errors(401, 403, 422)},
    summary="Collectief aanmaken",
)
def create_collective(request: HttpRequest, payload: CollectiveIn) -> Any:
    """Het programma bepaalt de regio. Wie geen programmarol heeft, kiest zijn eigen
    organisatie als verantwoordelijke."""
    user = actor(request)
    regions = sorted(scope_of(user).region_ids)
    require(bool(regions))
    data = _collective_data(user, payload, regions)
    programme = data["programme"]
    collective = services.create_collective(user, programme.region_id, data)
    return Status(201, _collective(user, collective.pk))


@router.get(
    "/collectives/{collective_id}",
    response={200: CollectiveOut, **errors(401, 404, 422)},
    summary="Collectief",
)
def get_collective(request: HttpRequest, collective_id: PathId) -> Any:
    return _collective(actor(request), collective_id)


@router.patch(
    "/collectives/{collective_id}",
    response={200: CollectiveOut, **errors(401, 403, 404, 422)},
    summary="Collectief wijzigen",
)
def update_collective(request: HttpRequest, collective_id: PathId, payload: CollectivePatch) -> Any:
    """De soort blijft wat hij is; velden die niet bij de soort horen worden leeggemaakt."""
    user = actor(request)
    collective = queries.get_collective_for_user(user, collective_id)
    require(queries.can_manage_collective(user, collective))
    data = _collective_data(user, payload, [collective.region_id])
    services.update_collective(user, collective, data)
    return _collective(user, collective_id)


@router.post(
    "/collectives/{collective_id}/phase",
    response={200: CollectiveOut, **errors(401, 403, 404, 422)},
    summary="Fase van een cluster",
)
def set_phase(request: HttpRequest, collective_id: PathId, payload: PhaseIn) -> Any:
    """`discover` (verkennen), `develop` (ontwikkelen) of `organise` (organiseren)."""
    user = actor(request)
    collective = queries.get_collective_for_user(user, collective_id)
    services.set_phase(user, collective, payload.phase)
    return _collective(user, collective_id)


@router.post(
    "/collectives/{collective_id}/formed",
    response={200: CollectiveOut, **errors(401, 403, 404, 422)},
    summary="Cluster of samenwerkingsinitiatief gevormd",
)
def mark_formed(request: HttpRequest, collective_id: PathId, payload: FormedIn) -> Any:
    """Alleen als het aan de regel voldoet; anders 422 met wat er ontbreekt."""
    user = actor(request)
    collective = queries.get_collective_for_user(user, collective_id)
    services.mark_formed(user, collective, payload.formed_on)
    return _collective(user, collective_id)


# --- members -------------------------------------------------------------------------


@router.get(
    "/collectives/{collective_id}/members",
    response={200: list[MemberOut], **errors(401, 404, 422)},
    summary="Deelnemende bedrijven",
)
@paginate(LimitOffset)
def list_members(request: HttpRequest, collective_id: PathId) -> Any:
    """Ook wie niet meer meedoet (`left_on`)."""
    user = actor(request)
    collective = queries.get_collective_for_user(user, collective_id)
    return (
        Member.objects.filter(collective=collective)
        .select_related("company__municipality", "collective")
        .order_by("company__name", "pk")
    )


@router.post(
    "/collectives/{collective_id}/members",
    response={201: MemberOut, **errors(401, 403, 404, 422)},
    summary="Bedrijf toevoegen",
)
def add_member(request: HttpRequest, collective_id: PathId, payload: MemberIn) -> Any:
    """Een bedrijf dat eerder meedeed, doet weer mee. Een gevormd cluster mag er niet door
    uit de regel raken (422)."""
    user = actor(request)
    collective = queries.get_collective_for_user(user, collective_id)
    require(queries.can_manage_collective(user, collective))
    company = resolve_one(
        companies_visible_to(user).filter(region_id=collective.region_id),
        payload.company,
        "company",
    )
    assert company is not None
    member = services.add_member(
        user, collective, company, role=payload.role, interests=payload.interests
    )
    return Status(201, _member(user, member.pk))


@router.patch(
    "/members/{member_id}",
    response={200: MemberOut, **errors(401, 403, 404, 422)},
    summary="Deelname wijzigen",
)
def update_member(request: HttpRequest, member_id: PathId, payload: MemberPatch) -> Any:
    user = actor(request)
    member = queries.get_member_for_user(user, member_id)
    data = payload.dict(exclude_unset=True)
    _required(data, "role")
    if "interests" in data and data["interests"] is None:
        data["interests"] = ""
    services.update_member(user, member, data)
    return _member(user, member_id)


@router.post(
    "/members/{member_id}/leave",
    response={200: MemberOut, **errors(401, 403, 404, 422)},
    summary="Bedrijf doet niet meer mee",
)
def leave(request: HttpRequest, member_id: PathId, payload: LeaveIn) -> Any:
    """Een gevormd cluster of samenwerkingsinitiatief mag niet onder de regel zakken (422
    met wat er dan zou ontbreken)."""
    user = actor(request)
    member = queries.get_member_for_user(user, member_id)
    services.leave(user, member, payload.left_on)
    return _member(user, member_id)
