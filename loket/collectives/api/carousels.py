"""The collectives API (carousels): rounds, students, teams, the proposals of the match
screen, matches and their result.

Reads go through ``queries.py`` (what the user may not see is a 404); changes through
``services/carousels.py`` (not allowed: 403; refused by a rule: 422 with the reason on
the field). Endpoints only translate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from loket.accounts.models import User
from loket.collectives import queries
from loket.collectives.models import CarouselRound, Match, StudentTeam
from loket.collectives.services import carousels as services
from loket.companies.models import Company
from loket.core.api import (
    Day,
    Id,
    Input,
    LongText,
    PathId,
    ReqLongText,
    ReqStr200,
    Str100,
    Str200,
    Str254,
    actor,
    errors,
    field_error,
    resolve_many,
    resolve_one,
)
from loket.core.models import Theme
from loket.core.permissions import require

router = Router(tags=["collectieve instrumenten"])

# --- schemas -------------------------------------------------------------------------


class RoundIn(Input):
    name: ReqStr200
    school: Id = Field(description="Id van de onderwijsinstelling (organisatie van soort school).")
    broker: Id | None = Field(None, description="Id van de kennismakelaar (een gebruiker).")
    starts_on: Day
    ends_on: Day


class RoundPatch(Input):
    name: ReqStr200 | None = None
    school: Id | None = None
    broker: Id | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None


class RoundOut(Schema):
    id: int
    collective: int = Field(validation_alias="collective_id")
    name: str
    school: int = Field(validation_alias="school_id")
    broker: int | None = Field(validation_alias="broker_id")
    starts_on: dt.date
    ends_on: dt.date


class StudentIn(Input):
    name: ReqStr200
    school: Str200 = Field("", description="Leeg: de onderwijspartner van de ronde.")
    study_programme: ReqStr200
    year_of_study: int = Field(ge=1, le=8)
    email: Str254 = ""
    team: Id | None = None


class StudentOut(Schema):
    id: int
    round: int = Field(validation_alias="round_id")
    name: str
    school: str
    study_programme: str
    year_of_study: int
    email: str
    team: int | None = Field(validation_alias="team_id")


class TeamIn(Input):
    name: Str100 = Field(min_length=1)
    themes: list[Str100] = Field(default_factory=list, max_length=50, description="Slugs.")
    languages: Str200 = ""
    countries: Str200 = ""
    students: list[Id] | None = Field(
        None, max_length=500, description="Ids van studenten van de ronde; leeg: ongewijzigd."
    )


class TeamOut(Schema):
    id: int
    round: int = Field(validation_alias="round_id")
    name: str
    themes: list[str]
    languages: str
    countries: str
    students: list[int]

    @staticmethod
    def resolve_themes(obj: StudentTeam) -> list[str]:
        return [t.slug for t in obj.themes.all()]

    @staticmethod
    def resolve_students(obj: StudentTeam) -> list[int]:
        return [s.pk for s in obj.students.all()]


class ProposalOut(Schema):
    team: int
    team_name: str
    score: int
    themes: list[str]
    languages: list[str]
    countries: list[str]


class CompanyProposalsOut(Schema):
    company: int
    company_name: str
    proposals: list[ProposalOut]


class CarouselMatchIn(Input):
    company: Id
    team: Id
    research_question: ReqLongText
    starts_on: Day | None = Field(None, description="Leeg: de begindatum van de ronde.")
    ends_on: Day | None = Field(None, description="Leeg: de einddatum van de ronde.")


class MatchPatch(Input):
    research_question: ReqLongText | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    result: LongText | None = None
    rating: int | None = Field(None, ge=1, le=10, description="Cijfer van het bedrijf, 1-10.")
    status: Literal["confirmed", "completed", "cancelled"] | None = None


class CarouselMatchOut(Schema):
    id: int
    round: int = Field(validation_alias="round_id")
    company: int = Field(validation_alias="company_id")
    team: int = Field(validation_alias="team_id")
    research_question: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    result: str
    rating: int | None
    status: str


# --- helpers -------------------------------------------------------------------------


def _round(user: User, pk: int) -> CarouselRound:
    return queries.get_round_for_user(user, pk)


def _round_data(carousel_round_collective: Any, payload: Input) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    if "school" in data:
        if data["school"] is None:
            raise field_error("school", _("Dit veld is verplicht."), "missing")
        data["school"] = resolve_one(
            services.schools_of(carousel_round_collective), data["school"], "school"
        )
    if "broker" in data:
        data["broker"] = resolve_one(
            services.brokers_of(carousel_round_collective), data["broker"], "broker"
        )
    for key in ("name", "starts_on", "ends_on"):
        if key in data and data[key] is None:
            raise field_error(key, _("Dit veld is verplicht."), "missing")
    return data


def _team_out(team: StudentTeam) -> StudentTeam:
    return StudentTeam.objects.prefetch_related("themes", "students").get(pk=team.pk)


# --- rounds --------------------------------------------------------------------------


@router.get(
    "/collectives/{collective_id}/rounds",
    response={200: list[RoundOut], **errors(401, 404, 422)},
    summary="Rondes van een carrousel",
)
def list_rounds(request: HttpRequest, collective_id: PathId) -> Any:
    user = actor(request)
    collective = queries.get_collective_for_user(user, collective_id)
    return list(
        queries.rounds_visible_to(user).filter(collective=collective).order_by("-starts_on", "pk")
    )


@router.post(
    "/collectives/{collective_id}/rounds",
    response={201: RoundOut, **errors(401, 403, 404, 422)},
    summary="Ronde aanmaken",
)
def create_round(request: HttpRequest, collective_id: PathId, payload: RoundIn) -> Any:
    """Alleen bij een carrousel (export of groei); de onderwijspartner is een
    onderwijsinstelling uit de regio."""
    user = actor(request)
    collective = queries.get_collective_for_user(user, collective_id)
    require(queries.can_manage_collective(user, collective))
    carousel_round = services.create_round(user, collective, _round_data(collective, payload))
    return Status(201, carousel_round)


@router.get(
    "/rounds/{round_id}",
    response={200: RoundOut, **errors(401, 404, 422)},
    summary="Ronde",
)
def get_round(request: HttpRequest, round_id: PathId) -> Any:
    return _round(actor(request), round_id)


@router.patch(
    "/rounds/{round_id}",
    response={200: RoundOut, **errors(401, 403, 404, 422)},
    summary="Ronde wijzigen",
)
def update_round(request: HttpRequest, round_id: PathId, payload: RoundPatch) -> Any:
    user = actor(request)
    carousel_round = _round(user, round_id)
    require(services.can_manage_round(user, carousel_round))
    data = _round_data(carousel_round.collective, payload)
    return services.update_round(user, carousel_round, data)


# --- students ------------------------------------------------------------------------


@router.get(
    "/rounds/{round_id}/students",
    response={200: list[StudentOut], **errors(401, 404, 422)},
    summary="Studenten van een ronde",
)
def list_students(request: HttpRequest, round_id: PathId) -> Any:
    carousel_round = _round(actor(request), round_id)
    return list(carousel_round.students.order_by("name", "pk"))


@router.post(
    "/rounds/{round_id}/students",
    response={201: StudentOut, **errors(401, 403, 404, 422)},
    summary="Student toevoegen",
)
def create_student(request: HttpRequest, round_id: PathId, payload: StudentIn) -> Any:
    user = actor(request)
    carousel_round = _round(user, round_id)
    require(services.can_manage_round(user, carousel_round))
    data: dict[str, Any] = payload.dict()
    data["team"] = resolve_one(carousel_round.teams.all(), payload.team, "team")
    data["school"] = payload.school.strip() or carousel_round.school.name
    return Status(201, services.add_student(user, carousel_round, data))


# --- teams ---------------------------------------------------------------------------


@router.get(
    "/rounds/{round_id}/teams",
    response={200: list[TeamOut], **errors(401, 404, 422)},
    summary="Teams van een ronde",
)
def list_teams(request: HttpRequest, round_id: PathId) -> Any:
    carousel_round = _round(actor(request), round_id)
    return list(carousel_round.teams.prefetch_related("themes", "students").order_by("name", "pk"))


def _team_data(carousel_round: CarouselRound, payload: TeamIn) -> dict[str, Any]:
    if not payload.name.strip():
        raise field_error("name", _("Dit veld mag niet leeg zijn."), "string_too_short")
    data: dict[str, Any] = payload.dict(exclude={"students"})
    data["themes"] = resolve_many(
        Theme.objects.filter(active=True), payload.themes, "themes", key="slug"
    )
    if payload.students is not None:
        data["students"] = resolve_many(carousel_round.students.all(), payload.students, "students")
    return data


@router.post(
    "/rounds/{round_id}/teams",
    response={201: TeamOut, **errors(401, 403, 404, 422)},
    summary="Team aanmaken",
)
def create_team(request: HttpRequest, round_id: PathId, payload: TeamIn) -> Any:
    user = actor(request)
    carousel_round = _round(user, round_id)
    require(services.can_manage_round(user, carousel_round))
    team = services.create_team(user, carousel_round, _team_data(carousel_round, payload))
    return Status(201, _team_out(team))


@router.put(
    "/teams/{team_id}",
    response={200: TeamOut, **errors(401, 403, 404, 422)},
    summary="Team wijzigen",
)
def update_team(request: HttpRequest, team_id: PathId, payload: TeamIn) -> Any:
    """Vervangt naam, thema's, talen en landen; `students` (als gegeven) wordt de nieuwe
    samenstelling van het team."""
    user = actor(request)
    team = queries.get_team_for_user(user, team_id)
    require(services.can_manage_round(user, team.round))
    team = services.update_team(user, team, _team_data(team.round, payload))
    return _team_out(team)


# --- matching ------------------------------------------------------------------------


@router.get(
    "/rounds/{round_id}/proposals",
    response={200: list[CompanyProposalsOut], **errors(401, 404, 422)},
    summary="Voorstellen van het koppelscherm",
)
def list_proposals(request: HttpRequest, round_id: PathId) -> Any:
    """Per deelnemend bedrijf zonder koppeling de vrije teams die passen, de beste
    eerst, met de redenen: gedeelde thema's, talen en landen."""
    screen = services.match_screen(_round(actor(request), round_id))
    return [
        {
            "company": entry.company.company_id,
            "company_name": entry.company.name,
            "proposals": [
                {
                    "team": p.team.team_id,
                    "team_name": p.team.name,
                    "score": p.score,
                    "themes": list(p.themes),
                    "languages": list(p.languages),
                    "countries": list(p.countries),
                }
                for p in entry.proposals
            ],
        }
        for entry in screen.open
    ]


@router.get(
    "/rounds/{round_id}/matches",
    response={200: list[CarouselMatchOut], **errors(401, 404, 422)},
    summary="Koppelingen van een ronde",
)
def list_matches(request: HttpRequest, round_id: PathId) -> Any:
    carousel_round = _round(actor(request), round_id)
    return list(carousel_round.matches.order_by("pk"))


@router.post(
    "/rounds/{round_id}/matches",
    response={201: CarouselMatchOut, **errors(401, 403, 404, 422)},
    summary="Koppeling bevestigen",
)
def confirm_match(request: HttpRequest, round_id: PathId, payload: CarouselMatchIn) -> Any:
    """Door de kennismakelaar van de ronde (of wie de carrousel beheert). Eén team per
    bedrijf en één bedrijf per team per ronde; anders 422 met de reden."""
    user = actor(request)
    carousel_round = _round(user, round_id)
    require(services.can_match(user, carousel_round))
    data: dict[str, Any] = payload.dict()
    data["company"] = resolve_one(
        Company.objects.filter(pk__in=services.participants(carousel_round).values("company_id")),
        payload.company,
        "company",
    )
    data["team"] = resolve_one(carousel_round.teams.all(), payload.team, "team")
    return Status(201, services.confirm_match(user, carousel_round, data))


@router.get(
    "/matches/{match_id}",
    response={200: CarouselMatchOut, **errors(401, 404, 422)},
    summary="Koppeling",
)
def get_match(request: HttpRequest, match_id: PathId) -> Any:
    return queries.get_match_for_user(actor(request), match_id)


@router.patch(
    "/matches/{match_id}",
    response={200: CarouselMatchOut, **errors(401, 403, 404, 422)},
    summary="Resultaat en waardering van een koppeling",
)
def update_match(request: HttpRequest, match_id: PathId, payload: MatchPatch) -> Any:
    """Resultaat, waardering (1-10), status (`completed`, `cancelled`: maakt bedrijf en
    team vrij), onderzoeksvraag en periode."""
    user = actor(request)
    match: Match = queries.get_match_for_user(user, match_id)
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    for key in ("research_question", "status", "starts_on", "ends_on"):
        if key in data and data[key] is None:
            raise field_error(key, _("Dit veld is verplicht."), "missing")
    if "result" in data and data["result"] is None:
        data["result"] = ""
    return services.record_result(user, match, data)
