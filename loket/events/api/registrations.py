"""API: registrations for an event (list, register someone, read one, cancel, choose the
company of a registration that linking left without one).

Reads go through ``queries.py`` (an event or registration the user may not see is a
404); changes through ``services/registration.py`` (who may not manage the event: 403;
the rules, such as a closed event or an e-mail address registered twice: 422). A full
event puts the new registration on the waiting list (``status`` says which).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from loket.companies.queries import companies_visible_to
from loket.core.api import (
    Id,
    Input,
    LimitOffset,
    PathId,
    ReqStr200,
    Str20,
    Str200,
    Str254,
    actor,
    errors,
    resolve_one,
)
from loket.core.models import Municipality
from loket.events import queries
from loket.events.queries import can_manage_event
from loket.events.services import attendance
from loket.events.services import events as events_services
from loket.events.services import registration as services

router = Router(tags=["evenementen"])


class RegistrationIn(Input):
    name: ReqStr200 = Field(description="Naam van de deelnemer.")
    email: Str254 = Field("", description="Voor de bevestiging en de afmeldlink (mag leeg).")
    company_name: Str200 = ""
    kvk_number: Str20 = Field("", description="8 cijfers (mag leeg).")
    municipality: Id | None = Field(None, description="Id van de gemeente van het bedrijf.")
    consent: bool = Field(
        False,
        description=(
            "De deelnemer gaf toestemming om de gegevens te bewaren; zonder toestemming "
            "wordt alleen het bedrijf gekoppeld, niet de persoon."
        ),
    )


class RegistrationOut(Schema):
    id: int
    event: int = Field(validation_alias="event_id")
    name: str
    email: str
    company_name: str
    kvk_number: str
    municipality: int | None = Field(validation_alias="municipality_id")
    company: int | None = Field(validation_alias="company_id")
    person: int | None = Field(validation_alias="person_id")
    status: str
    attendance: str
    source: str
    registered_at: dt.datetime
    promoted_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    consent_given_at: dt.datetime | None


@router.get(
    "/events/{event_id}/registrations",
    response={200: list[RegistrationOut], **errors(401, 404, 422)},
    summary="Aanmeldingen van een evenement",
)
@paginate(LimitOffset)
def list_registrations(request: HttpRequest, event_id: PathId) -> Any:
    """Alle aanmeldingen (ook wachtlijst en afgemeld), in volgorde van aanmelden. Elke
    keer dat de lijst wordt opgevraagd, komt in de audittrail (wie, wanneer, hoeveel)."""
    user = actor(request)
    event = queries.get_event_for_user(user, event_id)
    rows = queries.registrations_of(user, event).order_by("registered_at", "id")
    events_services.view_registrations(user, event, rows.count())
    return rows


@router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut, **errors(401, 403, 404, 422)},
    summary="Iemand aanmelden",
)
def create_registration(request: HttpRequest, event_id: PathId, payload: RegistrationIn) -> Any:
    """Meldt iemand aan; is het evenement vol, dan op de wachtlijst (`status` waiting).
    Met een e-mailadres gaat de bevestiging (met .ics en afmeldlink) per e-mail."""
    user = actor(request)
    event = queries.get_event_for_user(user, event_id)
    municipality = resolve_one(
        Municipality.objects.filter(region_id=event.region_id), payload.municipality, "municipality"
    )
    data = services.RegistrationInput(
        name=payload.name.strip(),
        email=payload.email.strip().lower(),
        company_name=payload.company_name.strip(),
        kvk_number=payload.kvk_number.strip(),
        municipality=municipality,
        consent=payload.consent,
    )
    return Status(201, services.register(event, data, actor=user))


@router.get(
    "/registrations/{registration_id}",
    response={200: RegistrationOut, **errors(401, 404, 422)},
    summary="Eén aanmelding",
)
def get_registration(request: HttpRequest, registration_id: PathId) -> Any:
    return queries.get_registration_for_user(actor(request), registration_id)


@router.post(
    "/registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **errors(401, 403, 404, 422)},
    summary="Een aanmelding afmelden",
)
def cancel_registration(request: HttpRequest, registration_id: PathId) -> Any:
    """Meldt af; een vrijgekomen plaats gaat naar de eerste op de wachtlijst (die krijgt
    een e-mail)."""
    user = actor(request)
    registration = queries.get_registration_for_user(user, registration_id)
    return services.cancel(registration, actor=user)


class RegistrationCompanyIn(Input):
    company: Id = Field(
        description="Id van het bedrijf in de klantregistratie (van de regio van het evenement)."
    )


@router.post(
    "/registrations/{registration_id}/company",
    response={200: RegistrationOut, **errors(401, 403, 404, 422)},
    summary="Het bedrijf van een aanmelding kiezen",
)
def choose_registration_company(
    request: HttpRequest, registration_id: PathId, payload: RegistrationCompanyIn
) -> Any:
    """Voor een aanmelding zonder bedrijf (er pasten meerdere, of er werd geen genoemd):
    koppelt het gekozen bedrijf en, met toestemming, de contactpersoon. Is de
    aanwezigheid al vastgesteld, dan krijgt een aanwezige alsnog het contactmoment."""
    user = actor(request)
    registration = queries.get_registration_for_user(user, registration_id)
    if not can_manage_event(user, registration.event):
        raise PermissionDenied
    company = resolve_one(
        companies_visible_to(user).filter(region_id=registration.region_id),
        payload.company,
        "company",
    )
    assert company is not None  # the field is required
    return attendance.choose_company(user, registration, company)
