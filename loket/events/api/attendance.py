"""API of the day and after: the check-in list, ticking someone present, a walk-in, making
attendance final, follow-up and the event's figures.

Reads go through ``queries.py`` (an event the user may not see is a 404); changes through
``services/attendance.py`` and ``services/follow_up.py`` (permission 403, a rule 422 with
the reason). Endpoints only translate.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from loket.casework.models import Case
from loket.core.api import (
    Id,
    Input,
    LimitOffset,
    PathId,
    ReqLongText,
    ReqStr200,
    Str20,
    Str200,
    Str254,
    actor,
    errors,
    field_error,
    resolve_many,
    resolve_one,
)
from loket.core.models import Municipality
from loket.core.permissions import require
from loket.events.figures import Row, event_figures
from loket.events.models import Event, Registration
from loket.events.queries import (
    can_manage_event,
    checkin_rows,
    get_event_for_user,
    get_registration_for_user,
)
from loket.events.services import attendance, follow_up
from loket.events.services import events as events_services
from loket.events.services.follow_up import NOTE_MAX_LENGTH

router = Router(tags=["evenementen"])


# --- schemas -------------------------------------------------------------------------------


class AttendeeOut(Schema):
    id: int
    event: int = Field(validation_alias="event_id")
    name: str
    company_name: str
    company: int | None = Field(validation_alias="company_id")
    person: int | None = Field(validation_alias="person_id")
    status: str
    attendance: str
    source: str
    checked_in_at: dt.datetime | None
    contact_moment: int | None = Field(validation_alias="contact_moment_id")
    follow_up_case: int | None = Field(validation_alias="follow_up_case_id")


class CheckInIn(Input):
    present: bool = Field(description="true: aanwezig; false: het vinkje ongedaan maken.")


class WalkInIn(Input):
    name: ReqStr200
    email: Str254 = ""
    company_name: Str200 = ""
    kvk_number: Str20 = ""
    municipality: Id | None = Field(None, description="Id van een gemeente van de regio.")


class WalkInOut(Schema):
    registration: AttendeeOut
    outcome: str = Field(description="matched, new, ambiguous of no_company.")
    candidates: list[int] = Field(description="Bedrijven die in aanmerking komen (ambiguous).")


class FinaliseOut(Schema):
    event: int
    attendance_final_at: dt.datetime
    no_shows: int
    contact_moments: int
    already: bool = Field(description="true: de aanwezigheid was al vastgesteld.")


class FollowUpIn(Input):
    registrations: list[Id] = Field(min_length=1, max_length=500)
    note: ReqLongText


class FollowUpCaseOut(Schema):
    id: int
    reference: str
    company: int = Field(validation_alias="company_id")
    owner: int = Field(validation_alias="owner_id")
    channel: str


class FollowUpOut(Schema):
    cases: list[FollowUpCaseOut]


class FigureRowOut(Schema):
    key: str
    label: str
    new: int
    existing: int
    total: int


class FiguresOut(Schema):
    event: int
    final: bool
    registered: int
    attended: int
    no_shows: int
    unmarked: int
    cancelled: int
    waiting: int
    walk_ins: int
    attendees_without_company: int
    companies_new: int
    companies_existing: int
    by_municipality: list[FigureRowOut]
    by_size_class: list[FigureRowOut]


# --- helpers -------------------------------------------------------------------------------


def _service_error(exc: ValidationError, fields: tuple[str, ...]) -> Exception:
    """A service's ValidationError as a 422 on the field it names (else on the body)."""
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            field = key if key in fields else "__all__"
            return field_error(field, " ".join(messages))
    return field_error("__all__", " ".join(exc.messages))


def _rows(rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {"key": r.key, "label": r.label, "new": r.new, "existing": r.existing, "total": r.total}
        for r in rows
    ]


# --- endpoints -----------------------------------------------------------------------------


@router.get(
    "/events/{event_id}/attendance",
    response={200: list[AttendeeOut], **errors(401, 404, 422)},
    summary="De check-inlijst van een evenement (zonder afmeldingen)",
)
@paginate(LimitOffset)
def list_attendance(request: HttpRequest, event_id: PathId) -> QuerySet[Registration]:
    """Names and companies of who is expected: every read is audited, as on the page."""
    user = actor(request)
    event = get_event_for_user(user, event_id)
    rows = checkin_rows(user, event)
    events_services.view_checkin_list(user, event, rows.count())
    return rows


@router.post(
    "/registrations/{registration_id}/check-in",
    response={200: AttendeeOut, **errors(401, 403, 404, 422)},
    summary="Iemand aanwezig melden (of dat ongedaan maken)",
)
def check_in(request: HttpRequest, registration_id: PathId, payload: CheckInIn) -> Any:
    user = actor(request)
    registration = get_registration_for_user(user, registration_id)
    registration.event = get_event_for_user(user, registration.event_id)
    try:
        return attendance.set_attendance(user, registration, payload.present)
    except ValidationError as exc:
        raise _service_error(exc, ()) from exc


@router.post(
    "/events/{event_id}/walk-ins",
    response={201: WalkInOut, **errors(401, 403, 404, 422)},
    summary="Een binnenloper toevoegen (aanwezig, gekoppeld aan de klantregistratie)",
)
def add_walk_in(request: HttpRequest, event_id: PathId, payload: WalkInIn) -> Any:
    user = actor(request)
    event = get_event_for_user(user, event_id)
    municipality = resolve_one(
        Municipality.objects.filter(region_id=event.region_id), payload.municipality, "municipality"
    )
    try:
        result = attendance.add_walk_in(
            user,
            event,
            attendance.WalkIn(
                name=payload.name,
                email=payload.email,
                company_name=payload.company_name,
                kvk_number=payload.kvk_number,
                municipality=municipality,
            ),
        )
    except ValidationError as exc:
        raise _service_error(
            exc, ("name", "email", "company_name", "kvk_number", "municipality")
        ) from exc
    return Status(
        201,
        {
            "registration": result.registration,
            "outcome": result.outcome,
            "candidates": [c.pk for c in result.candidates],
        },
    )


@router.post(
    "/events/{event_id}/finalise",
    response={200: FinaliseOut, **errors(401, 403, 404, 422)},
    summary="De aanwezigheid vaststellen (niet verschenen, contactmomenten; idempotent)",
)
def finalise(request: HttpRequest, event_id: PathId) -> Any:
    user = actor(request)
    event = get_event_for_user(user, event_id)
    try:
        done = attendance.finalise(user, event)
    except ValidationError as exc:
        raise _service_error(exc, ()) from exc
    final = Event.objects.values_list("attendance_final_at", flat=True).get(pk=event.pk)
    return {
        "event": event.pk,
        "attendance_final_at": final,
        "no_shows": done.no_shows,
        "contact_moments": done.contact_moments,
        "already": done.already,
    }


@router.post(
    "/events/{event_id}/follow-up",
    response={201: FollowUpOut, **errors(401, 403, 404, 422)},
    summary="Aanwezigen opvolgen: een hulpvraag per bedrijf voor de accountmanager",
)
def create_follow_up(request: HttpRequest, event_id: PathId, payload: FollowUpIn) -> Any:
    user = actor(request)
    event = get_event_for_user(user, event_id)
    require(can_manage_event(user, event))
    if len(payload.note) > NOTE_MAX_LENGTH:
        raise field_error(
            "note", _("Gebruik hoogstens %(limit)d tekens.") % {"limit": NOTE_MAX_LENGTH}
        )
    picked = resolve_many(
        Registration.objects.filter(event=event), payload.registrations, "registrations"
    )
    try:
        cases: list[Case] = follow_up.follow_up(user, event, picked, payload.note)
    except ValidationError as exc:
        raise _service_error(exc, ("registrations", "note")) from exc
    return Status(201, {"cases": cases})


@router.get(
    "/events/{event_id}/figures",
    response={200: FiguresOut, **errors(401, 404, 422)},
    summary="De cijfers van een evenement: deelname en bereikte bedrijven",
)
def get_figures(request: HttpRequest, event_id: PathId) -> Any:
    event = get_event_for_user(actor(request), event_id)
    figures = event_figures(event)
    return {
        "event": event.pk,
        "final": figures.final,
        "registered": figures.registered,
        "attended": figures.attended,
        "no_shows": figures.no_shows,
        "unmarked": figures.unmarked,
        "cancelled": figures.cancelled,
        "waiting": figures.waiting,
        "walk_ins": figures.walk_ins,
        "attendees_without_company": figures.attendees_without_company,
        "companies_new": figures.companies_new,
        "companies_existing": figures.companies_existing,
        "by_municipality": _rows(figures.by_municipality),
        "by_size_class": _rows(figures.by_size_class),
    }
