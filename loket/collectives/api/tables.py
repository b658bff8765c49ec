"""API of the tables: sessions (list, create, read, change), cases brought in (list,
bring in, read) and hearing a case at a session with advice and next steps.

Reads go through ``queries.py`` (what the user may not see, or a collective that is not
a table, is a 404); changes through ``services/tables.py`` (permission 403, rules 422
on the field). Endpoints only translate.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from loket.accounts.models import User
from loket.casework.queries import cases_visible_to
from loket.collectives import queries
from loket.collectives.models import Collective, TableCase, TableSession
from loket.collectives.services import tables as services
from loket.companies.queries import companies_visible_to
from loket.core.api import (
    Day,
    Id,
    Input,
    LimitOffset,
    Moment,
    PathId,
    Ref,
    UserRef,
    actor,
    errors,
    field_error,
    resolve_many,
    resolve_one,
)
from loket.core.api import (
    _text as bounded_text,
)

router = Router(tags=["collectieve instrumenten"])

Text = bounded_text(services.MAX_TEXT)
ReqText = bounded_text(services.MAX_TEXT, 1)
Location = bounded_text(200)


# --- schemas -------------------------------------------------------------------------


class TableSessionIn(Input):
    held_at: Moment = Field(description="Datum en tijd van de sessie (ISO 8601).")
    location: Location = ""  # type: ignore[valid-type]
    experts: list[Id] = Field(
        default_factory=list,
        max_length=100,
        description="Ids van de aanwezige deskundigen: medewerkers van partnerorganisaties "
        "van de regio.",
    )
    notes: Text = ""  # type: ignore[valid-type]


class TableSessionPatch(Input):
    held_at: Moment | None = None
    location: Location | None = None  # type: ignore[valid-type]
    experts: list[Id] | None = Field(None, max_length=100)
    notes: Text | None = None  # type: ignore[valid-type]


class TableSessionOut(Schema):
    id: int
    collective: int = Field(validation_alias="collective_id")
    held_at: dt.datetime
    location: str
    notes: str
    experts: list[UserRef]

    @staticmethod
    def resolve_experts(obj: TableSession) -> list[Any]:
        return list(obj.experts.all())


class TableCaseIn(Input):
    company: Id = Field(description="Id van het bedrijf dat de casus inbrengt.")
    case: Id | None = Field(None, description="Id van een hulpvraag van dat bedrijf.")
    question: ReqText = Field(description="De ingebrachte vraag.")  # type: ignore[valid-type]
    requested_on: Day | None = Field(None, description="Ingebracht op; leeg: vandaag.")


class TableHearingIn(Input):
    session: Id = Field(description="Id van een sessie van dezelfde tafel.")
    advice: Text = Field(  # type: ignore[valid-type]
        "",
        description="Het advies; leeg: de casus is alleen ingepland. Met advies (na de "
        "sessie) komt een contactmoment op de tijdlijn van het bedrijf.",
    )
    next_steps: Text = ""  # type: ignore[valid-type]


class TableCaseOut(Schema):
    id: int
    collective: int = Field(validation_alias="collective_id")
    company: Ref
    case: int | None = Field(validation_alias="case_id")
    question: str
    requested_on: dt.date
    convene_by: dt.date = Field(description="Uiterlijk besproken op (servicetermijn).")
    overdue: bool = Field(description="Niet besproken en de termijn is verstreken.")
    session: int | None = Field(validation_alias="session_id")
    advice: str
    next_steps: str
    contact_moment: int | None = Field(
        validation_alias="contact_moment_id",
        description="Het contactmoment op de tijdlijn van het bedrijf.",
    )

    @staticmethod
    def resolve_overdue(obj: TableCase) -> bool:
        return services.is_overdue(obj)


# --- helpers -------------------------------------------------------------------------


def _table(user: User, pk: int) -> Collective:
    collective = queries.get_collective_for_user(user, pk)
    if not collective.is_table:
        raise Http404
    return collective


def _sessions(user: User) -> QuerySet[TableSession]:
    return queries.sessions_visible_to(user).prefetch_related("experts")


def _cases(user: User) -> QuerySet[TableCase]:
    return queries.table_cases_visible_to(user).select_related("company")


def _session(user: User, pk: int) -> TableSession:
    session = queries.get_session_for_user(user, pk)
    session.collective = _table(user, session.collective_id)
    return session


def _table_case(user: User, pk: int) -> TableCase:
    table_case = queries.get_table_case_for_user(user, pk)
    table_case.collective = _table(user, table_case.collective_id)
    return table_case


def _experts(collective: Collective, ids: list[int] | None) -> list[User]:
    return resolve_many(services.experts_for(collective), ids, "experts")


# --- sessions ------------------------------------------------------------------------


@router.get(
    "/collectives/{collective_id}/table-sessions",
    response={200: list[TableSessionOut], **errors(401, 404, 422)},
    summary="Sessies van een tafel",
)
@paginate(LimitOffset)
def list_sessions(request: HttpRequest, collective_id: PathId) -> Any:
    """Nieuwste eerst."""
    user = actor(request)
    collective = _table(user, collective_id)
    return _sessions(user).filter(collective=collective).order_by("-held_at", "-id")


@router.post(
    "/collectives/{collective_id}/table-sessions",
    response={201: TableSessionOut, **errors(401, 403, 404, 422)},
    summary="Sessie vastleggen",
)
def create_session(request: HttpRequest, collective_id: PathId, payload: TableSessionIn) -> Any:
    user = actor(request)
    collective = _table(user, collective_id)
    services.require_table_manager(user, collective)
    data = payload.dict()
    data["experts"] = _experts(collective, payload.experts)
    session = services.create_session(user, collective, data)
    return Status(201, _sessions(user).get(pk=session.pk))


@router.get(
    "/table-sessions/{session_id}",
    response={200: TableSessionOut, **errors(401, 404, 422)},
    summary="Sessie",
)
def get_session(request: HttpRequest, session_id: PathId) -> Any:
    user = actor(request)
    return _sessions(user).get(pk=_session(user, session_id).pk)


@router.patch(
    "/table-sessions/{session_id}",
    response={200: TableSessionOut, **errors(401, 403, 404, 422)},
    summary="Sessie wijzigen",
)
def update_session(request: HttpRequest, session_id: PathId, payload: TableSessionPatch) -> Any:
    """Is er bij de sessie al advies vastgelegd, dan verschuiven de contactmomenten mee."""
    user = actor(request)
    session = _session(user, session_id)
    services.require_table_manager(user, session.collective)
    data = payload.dict(exclude_unset=True)
    if "held_at" in data and data["held_at"] is None:
        raise field_error("held_at", _("Dit veld is verplicht."), "missing")
    for key in ("location", "notes"):
        if key in data and data[key] is None:
            data[key] = ""
    if "experts" in data:
        data["experts"] = _experts(session.collective, payload.experts or [])
    services.update_session(user, session, data)
    return _sessions(user).get(pk=session.pk)


# --- cases brought in ----------------------------------------------------------------


@router.get(
    "/collectives/{collective_id}/table-cases",
    response={200: list[TableCaseOut], **errors(401, 404, 422)},
    summary="Ingebrachte casussen van een tafel",
)
@paginate(LimitOffset)
def list_table_cases(request: HttpRequest, collective_id: PathId) -> Any:
    """Op termijn: wie het eerst besproken moet worden eerst."""
    user = actor(request)
    collective = _table(user, collective_id)
    return _cases(user).filter(collective=collective).order_by("convene_by", "id")


@router.post(
    "/collectives/{collective_id}/table-cases",
    response={201: TableCaseOut, **errors(401, 403, 404, 422)},
    summary="Casus inbrengen",
)
def bring_in_case(request: HttpRequest, collective_id: PathId, payload: TableCaseIn) -> Any:
    """De tafel bespreekt de casus binnen haar servicetermijn in werkdagen (`convene_by`):
    een crisistafel binnen 2, de andere tafels binnen 15, of de eigen termijn van de tafel."""
    user = actor(request)
    collective = _table(user, collective_id)
    services.require_table_manager(user, collective)
    companies = companies_visible_to(user).filter(region_id=collective.region_id)
    data = payload.dict()
    data["company"] = resolve_one(companies, payload.company, "company")
    data["case"] = resolve_one(
        cases_visible_to(user).filter(region_id=collective.region_id), payload.case, "case"
    )
    table_case = services.bring_in_case(user, collective, data)
    return Status(201, _cases(user).get(pk=table_case.pk))


@router.get(
    "/table-cases/{table_case_id}",
    response={200: TableCaseOut, **errors(401, 404, 422)},
    summary="Ingebrachte casus",
)
def get_table_case(request: HttpRequest, table_case_id: PathId) -> Any:
    user = actor(request)
    return _cases(user).get(pk=_table_case(user, table_case_id).pk)


@router.post(
    "/table-cases/{table_case_id}/hearing",
    response={200: TableCaseOut, **errors(401, 403, 404, 422)},
    summary="Casus bespreken",
)
def hear_case(request: HttpRequest, table_case_id: PathId, payload: TableHearingIn) -> Any:
    """Plant de casus in een sessie van dezelfde tafel; met advies (na de sessie) komen
    advies en vervolgstappen als contactmoment van soort "tafelsessie" op de tijdlijn van
    het bedrijf. Later wijzigen past dat contactmoment aan."""
    user = actor(request)
    table_case = _table_case(user, table_case_id)
    services.require_table_manager(user, table_case.collective)
    session = resolve_one(
        TableSession.objects.filter(collective_id=table_case.collective_id),
        payload.session,
        "session",
    )
    services.hear_case(
        user, table_case, session=session, advice=payload.advice, next_steps=payload.next_steps
    )
    return _cases(user).get(pk=table_case.pk)
