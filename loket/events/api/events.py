"""The events API: list (the list page's filters and sort orders), create, read, change
(PATCH), publish and cancel.

Reads go through ``queries.py`` (what the user may not see is a 404); changes through
``services/events.py`` (permission 403, rules 422 on the field with the reason).
Endpoints only translate.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from loket.accounts.models import Organisation, User
from loket.core.api import (
    _NO_NUL,
    Id,
    Input,
    LimitOffset,
    LongText,
    Moment,
    PathId,
    ReqStr200,
    Str200,
    actor,
    apply_filterset,
    apply_sorting,
    errors,
    field_error,
    filter_schema,
    resolve_many,
    resolve_one,
    sort_parameter,
    themes_by_slug,
)
from loket.core.models import Municipality
from loket.core.permissions import require, scope_of
from loket.events import queries
from loket.events.forms.events import MAX_CAPACITY, SORTING, EventFilterSet
from loket.events.models import Event
from loket.events.services import events as services
from loket.events.views.manage import event_rows
from loket.programmes.models import PlanLine, Programme

router = Router(tags=["evenementen"])

Kind = Literal["network", "workshop", "masterclass", "cafe", "webinar", "table", "other"]
Str300 = Annotated[str, StringConstraints(max_length=300), _NO_NUL]
Url500 = Annotated[str, StringConstraints(max_length=500), _NO_NUL]


# --- schemas -------------------------------------------------------------------------


class EventFields(Input):
    kind: Kind | None = None
    title: ReqStr200 | None = None
    description: LongText | None = None
    themes: list[Str200] | None = Field(None, max_length=50, description="Slugs van thema's.")
    starts_at: Moment | None = Field(None, description="Begin, bijvoorbeeld 2026-11-24T15:00.")
    ends_at: Moment | None = None
    online: bool | None = None
    venue: Str200 | None = None
    address: Str300 | None = None
    municipality: Id | None = None
    online_url: Url500 | None = Field(
        None, description="Verplicht bij online; alleen zichtbaar voor wie is aangemeld."
    )
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY, description="Leeg: geen maximum.")
    registration_deadline: Moment | None = Field(None, description="Leeg: tot het begin.")
    organiser: Id | None = Field(
        None, description="Id van de organiserende organisatie; standaard uw eigen organisatie."
    )
    partners: list[Id] | None = Field(
        None,
        max_length=50,
        description=(
            "Ids van mede-organiserende organisaties: minstens één naast de organisator en "
            "het programmabureau."
        ),
    )
    host_company: Id | None = Field(None, description="Id van het gastbedrijf (masterclass).")
    plan_line: Id | None = Field(None, description="Id van een planregel van het programma.")
    public: bool | None = Field(None, description="false: alleen op uitnodiging.")


class EventIn(EventFields):
    programme: Id = Field(description="Id van het programma waarvoor het evenement telt.")
    kind: Kind
    title: ReqStr200
    starts_at: Moment
    ends_at: Moment
    partners: list[Id] = Field(
        max_length=50, description="Ids van mede-organiserende organisaties."
    )


class EventPatch(EventFields):
    pass


class EventCancelIn(Input):
    reason: LongText = Field("", description="Bericht aan wie zich heeft aangemeld.")


class EventOut(Schema):
    id: int
    programme: int = Field(validation_alias="programme_id")
    kind: str
    status: str
    title: str
    description: str
    themes: list[str]
    starts_at: dt.datetime
    ends_at: dt.datetime
    online: bool
    venue: str
    address: str
    municipality: int | None = Field(validation_alias="municipality_id")
    online_url: str
    capacity: int | None
    registration_deadline: dt.datetime | None
    organiser: int = Field(validation_alias="organiser_id")
    partners: list[int]
    host_company: int | None = Field(validation_alias="host_company_id")
    plan_line: int | None = Field(validation_alias="plan_line_id")
    public: bool
    confirmed_count: int
    waiting_count: int
    attendance_final_at: dt.datetime | None

    @staticmethod
    def resolve_themes(obj: Event) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_partners(obj: Event) -> list[int]:
        return [partner.pk for partner in obj.partners.all()]


# --- helpers -------------------------------------------------------------------------

REQUIRED = ("kind", "title", "starts_at", "ends_at", "online", "public")


def _event(user: User, pk: int) -> Event:
    return event_rows(user).get(pk=queries.get_event_for_user(user, pk).pk)


def _data(user: User, region_id: int, programme: Programme, payload: EventFields) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    data.pop("programme", None)
    for key in REQUIRED:
        if key in data and data[key] is None:
            raise field_error(key, _("Dit veld is verplicht."), "missing")
    for key in ("description", "venue", "address", "online_url"):
        if key in data and data[key] is None:
            data[key] = ""
    if "themes" in data:
        data["themes"] = themes_by_slug(data["themes"])
    if "partners" in data:
        data["partners"] = resolve_many(
            Organisation.objects.filter(region_id=region_id), data["partners"], "partners"
        )
    if "organiser" in data:
        if data["organiser"] is None:
            raise field_error("organiser", _("Dit veld is verplicht."), "missing")
        data["organiser"] = resolve_one(
            Organisation.objects.filter(pk__in=services.organisers_for(user, region_id)),
            data["organiser"],
            "organiser",
        )
    if "municipality" in data:
        data["municipality"] = resolve_one(
            Municipality.objects.filter(region_id=region_id), data["municipality"], "municipality"
        )
    if "host_company" in data:
        data["host_company"] = resolve_one(
            services.companies_for(user, region_id), data["host_company"], "host_company"
        )
    if "plan_line" in data:
        data["plan_line"] = resolve_one(
            PlanLine.objects.filter(programme=programme), data["plan_line"], "plan_line"
        )
    return data


# --- endpoints -----------------------------------------------------------------------

EventFilters = filter_schema(
    "EventFilters", EventFilterSet, extra={"sort": sort_parameter(SORTING)}
)


@router.get(
    "/events",
    response={200: list[EventOut], **errors(401, 422)},
    summary="Evenementen",
)
@paginate(LimitOffset)
def list_events(
    request: HttpRequest,
    filters: EventFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """De evenementen die u ziet, gefilterd op tekst (`q`: titel of locatie), periode
    (`start`, `end`: datum van het begin), `kind`, `theme` (id), `municipality` (id) en
    `status`, gesorteerd zoals op de lijstpagina (standaard nieuwste eerst)."""
    user = actor(request)
    queryset: QuerySet[Event] = apply_filterset(EventFilterSet, request, event_rows(user))
    return apply_sorting(SORTING, queryset, getattr(filters, "sort", None))


@router.post(
    "/events",
    response={201: EventOut, **errors(401, 403, 422)},
    summary="Evenement aanmaken",
)
def create_event(request: HttpRequest, payload: EventIn) -> Any:
    """Een nieuw evenement is een concept (`draft`); publiceer het met `/publish`. Het
    programma organiseert nooit alleen: minstens één mede-organiserende partner naast de
    organisator en het programmabureau. Een masterclass heeft een gastbedrijf; online
    vraagt een link, anders een adres."""
    user = actor(request)
    regions = scope_of(user).region_ids
    programme = resolve_one(
        Programme.objects.filter(region_id__in=regions), payload.programme, "programme"
    )
    assert programme is not None
    require(queries.can_create_events(user, programme.region_id))
    data = _data(user, programme.region_id, programme, payload)
    event = services.create_event(user, programme, data)
    return Status(201, _event(user, event.pk))


@router.get(
    "/events/{event_id}",
    response={200: EventOut, **errors(401, 404, 422)},
    summary="Evenement",
)
def get_event(request: HttpRequest, event_id: PathId) -> Any:
    return _event(actor(request), event_id)


@router.patch(
    "/events/{event_id}",
    response={200: EventOut, **errors(401, 403, 404, 422)},
    summary="Evenement wijzigen",
)
def update_event(request: HttpRequest, event_id: PathId, payload: EventPatch) -> Any:
    """Alleen de meegestuurde velden veranderen; de regels gelden voor het geheel. Een
    afgelast evenement kan niet meer worden gewijzigd."""
    user = actor(request)
    event = queries.get_event_for_user(user, event_id)
    require(queries.can_manage_event(user, event))
    services.update_event(user, event, _data(user, event.region_id, event.programme, payload))
    return _event(user, event_id)


@router.post(
    "/events/{event_id}/publish",
    response={200: EventOut, **errors(401, 403, 404, 422)},
    summary="Evenement publiceren",
)
def publish_event(request: HttpRequest, event_id: PathId) -> Any:
    """Een concept wordt gepubliceerd: openbaar in de agenda, of bereikbaar via de
    uitnodigingslink."""
    user = actor(request)
    event = queries.get_event_for_user(user, event_id)
    services.publish_event(user, event)
    return _event(user, event_id)


@router.post(
    "/events/{event_id}/cancel",
    response={200: EventOut, **errors(401, 403, 404, 422)},
    summary="Evenement afgelasten",
)
def cancel_event(request: HttpRequest, event_id: PathId, payload: EventCancelIn) -> Any:
    """Wie zich heeft aangemeld of op de wachtlijst staat krijgt een e-mail, met `reason`
    als die is meegegeven. Niet meer na afloop."""
    user = actor(request)
    event = queries.get_event_for_user(user, event_id)
    services.cancel_event(user, event, payload.reason)
    return _event(user, event_id)
