"""API: contact moments, help requests (cases) with their status pipeline, and referrals.

Reads go through ``queries.py`` (an object the user may not see is a 404), changes
through ``services.py`` (permission, transitions, audit, mail). Endpoints only translate.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loket.accounts.models import Organisation, User
from loket.casework import queries, services
from loket.casework.filters import (
    CASE_SORTING,
    CONTACT_SORTING,
    REFERRAL_SORTING,
    CaseFilterSet,
    ContactMomentFilterSet,
    ReferralFilterSet,
)
from loket.casework.models import Case, ContactMoment, Referral
from loket.catalogue.queries import instruments_visible_to
from loket.companies.models import Company, Person
from loket.companies.queries import companies_visible_to, persons_visible_to
from loket.core.api import (
    MAX_POSITIVE_INT,
    Day,
    Id,
    Input,
    LimitOffset,
    LongText,
    Moment,
    PathId,
    Ref,
    ReqLongText,
    Slug,
    UserRef,
    actor,
    apply_filterset,
    apply_sorting,
    choice_of,
    errors,
    filter_schema,
    needs_by_slug,
    resolve_many,
    resolve_one,
    sort_parameter,
    themes_by_slug,
    users_in_regions,
)
from loket.core.permissions import scope_of

if TYPE_CHECKING:
    ContactKind = str
else:
    ContactKind = choice_of(ContactMoment.Kind)

router = Router()
MAX_LIST = 20


# --- schemas -------------------------------------------------------------------------


class CaseRef(Schema):
    id: int
    reference: str


class ContactMomentFields(Input):
    kind: ContactKind | None = None
    occurred_at: Moment | None = Field(None, description="Standaard nu; Nederlandse tijd.")
    duration_minutes: int | None = Field(None, ge=0, le=MAX_POSITIVE_INT)
    persons: list[Id] | None = Field(
        None, max_length=MAX_LIST, description="Ids van aanwezige contactpersonen."
    )
    themes: list[Slug] | None = Field(None, max_length=MAX_LIST, description="Zie /themes.")
    needs: list[Slug] | None = Field(None, max_length=MAX_LIST, description="Zie /needs.")
    summary: ReqLongText | None = None
    follow_up_on: Day | None = None
    confidential: bool | None = Field(
        None, description="Alleen zichtbaar binnen de eigen organisatie."
    )
    signal: LongText | None = Field(
        None,
        description="Signaal voor beleid (antennefunctie); komt zonder bedrijfsnaam in de "
        "rapportage. Leeg: geen signaal.",
    )
    case: Id | None = Field(None, description="Id van de hulpvraag waarbij dit contact hoort.")


class ContactMomentIn(ContactMomentFields):
    company: Id
    kind: ContactKind
    summary: ReqLongText
    organisation: Id | None = Field(
        None, description="Namens welke van uw organisaties; standaard uw programmaorganisatie."
    )


class ContactMomentPatch(ContactMomentFields):
    pass


class ContactMomentOut(Schema):
    id: int
    company: Ref
    case: CaseRef | None
    kind: str
    occurred_at: dt.datetime
    duration_minutes: int | None
    author: UserRef
    organisation: Ref
    persons: list[Ref]
    themes: list[str]
    needs: list[str]
    summary: str
    follow_up_on: dt.date | None
    confidential: bool
    signal: str
    created_at: dt.datetime

    @staticmethod
    def resolve_themes(obj: ContactMoment) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_needs(obj: ContactMoment) -> list[str]:
        return [need.slug for need in obj.needs.all()]


class CaseFields(Input):
    channel: Case.Channel | None = None
    question: ReqLongText | None = None
    themes: list[Slug] | None = Field(None, max_length=MAX_LIST, description="Zie /themes.")
    owner: Id | None = Field(None, description="Id van de adviseur die de vraag oppakt.")
    person: Id | None = Field(None, description="Id van de contactpersoon.")


class CaseIn(CaseFields):
    company: Id
    channel: Case.Channel
    question: ReqLongText


class CasePatch(CaseFields):
    pass


class StatusIn(Input):
    status: Case.Status
    outcome: Case.Outcome | None = Field(None, description="Verplicht bij afsluiten.")
    outcome_note: LongText = ""


class CaseOut(Schema):
    id: int
    reference: str
    company: Ref
    person: Ref | None
    channel: str
    question: str
    themes: list[str]
    status: str
    allowed_transitions: list[str]
    owner: UserRef
    organisation: Ref
    opened_at: dt.datetime
    deadline: dt.datetime
    first_response_at: dt.datetime | None
    is_overdue: bool
    closed_at: dt.datetime | None
    outcome: str
    outcome_note: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_themes(obj: Case) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_allowed_transitions(obj: Case) -> list[str]:
        return services.allowed_transitions(obj)

    @staticmethod
    def resolve_is_overdue(obj: Case) -> bool:
        from django.utils import timezone

        return obj.is_open and obj.first_response_at is None and obj.deadline < timezone.now()


class ReferralIn(Input):
    case: Id
    to_organisation: Id = Field(description="Id van de partnerorganisatie, zie /organisations.")
    message: ReqLongText = Field(description="Wat er van de partner gevraagd wordt.")
    send: bool = Field(True, description="Meteen versturen; anders blijft hij voorgesteld.")
    instrument_id: Id | None = Field(
        None,
        description=(
            "Verwijzen voor dit instrument (zie /match): het geldt in de regio van het "
            "bedrijf en staat open; heeft het een contactorganisatie in de regio, dan is "
            "`to_organisation` die organisatie."
        ),
    )


class DeclineIn(Input):
    decline_reason: ReqLongText


class CompleteIn(Input):
    feedback: ReqLongText


class ReferralOut(Schema):
    id: int
    case: CaseRef
    company: Ref
    from_organisation: Ref
    to_organisation: Ref
    instrument: Ref | None
    created_by: UserRef
    handled_by: UserRef | None
    status: str
    message: str
    decline_reason: str
    feedback: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    responded_at: dt.datetime | None
    completed_at: dt.datetime | None


# --- filters: the list pages' FilterSets, plus the company ------------------------------

_COMPANY = (Id | None, Field(None, description="Alleen van dit bedrijf (id)."))
ContactMomentFilters = filter_schema(
    "ContactMomentFilters",
    ContactMomentFilterSet,
    extra={"company": _COMPANY, "sort": sort_parameter(CONTACT_SORTING)},
)
CaseFilters = filter_schema(
    "CaseFilters",
    CaseFilterSet,
    extra={"company": _COMPANY, "sort": sort_parameter(CASE_SORTING)},
)
ReferralFilters = filter_schema(
    "ReferralFilters",
    ReferralFilterSet,
    extra={"company": _COMPANY, "sort": sort_parameter(REFERRAL_SORTING)},
)


def _filtered(
    filterset_class: Any,
    sorting: Any,
    request: HttpRequest,
    queryset: QuerySet[Any],
    filters: Any,
) -> QuerySet[Any]:
    if filters.company is not None:
        queryset = queryset.filter(company_id=filters.company)
    queryset = apply_filterset(filterset_class, request, queryset)
    return apply_sorting(sorting, queryset, filters.sort)


# --- querysets -----------------------------------------------------------------------


def contact_moment_queryset(user: User) -> QuerySet[ContactMoment]:
    return (
        queries.contact_moments_visible_to(user)
        .select_related("company", "case", "author", "organisation")
        .prefetch_related("persons", "themes", "needs")
        .order_by("-occurred_at", "-id")
    )


def case_queryset(user: User) -> QuerySet[Case]:
    return (
        queries.cases_visible_to(user)
        .select_related("company", "person", "owner", "organisation")
        .prefetch_related("themes")
        .order_by("-opened_at", "-id")
    )


def referral_queryset(user: User) -> QuerySet[Referral]:
    return (
        queries.referrals_visible_to(user)
        .select_related(
            "case",
            "company",
            "from_organisation",
            "to_organisation",
            "instrument",
            "created_by",
            "handled_by",
        )
        .order_by("-created_at", "-id")
    )


def _contact_moment(user: User, pk: int) -> ContactMoment:
    queries.get_contact_moment_for_user(user, pk)  # 404 unless visible
    return contact_moment_queryset(user).get(pk=pk)


def _case(user: User, pk: int) -> Case:
    queries.get_case_for_user(user, pk)
    return case_queryset(user).get(pk=pk)


def _referral(user: User, pk: int) -> Referral:
    queries.get_referral_for_user(user, pk)
    return referral_queryset(user).get(pk=pk)


def _company(user: User, pk: int) -> Company:
    company = resolve_one(companies_visible_to(user).select_related("region"), pk, "company")
    assert company is not None
    return company


def _persons_of(user: User, company: Company, ids: list[int] | None) -> list[Person]:
    return resolve_many(persons_visible_to(user).filter(company=company), ids, "persons")


def _contact_data(user: User, company: Company, payload: ContactMomentFields) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    for key in ("company", "organisation"):
        data.pop(key, None)
    if data.get("kind") is not None:
        data["kind"] = ContactMoment.Kind(data["kind"]).value
    if "persons" in data:
        data["persons"] = _persons_of(user, company, data["persons"])
    if "themes" in data:
        data["themes"] = themes_by_slug(data["themes"])
    if "needs" in data:
        data["needs"] = needs_by_slug(data["needs"])
    if "case" in data:
        data["case"] = resolve_one(queries.cases_visible_to(user), data["case"], "case")
    return data


# --- contact moments -----------------------------------------------------------------

contact_router = Router(tags=["contactmomenten"])
router.add_router("", contact_router)


@contact_router.get(
    "/contact-moments",
    response={200: list[ContactMomentOut], **errors(401, 422)},
    summary="Contactmomenten",
)
@paginate(LimitOffset)
def list_contact_moments(
    request: HttpRequest,
    filters: ContactMomentFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """De contactmomenten die u mag zien, nieuwste eerst, gefilterd zoals op de lijstpagina.
    Vertrouwelijke alleen binnen de eigen organisatie."""
    qs = contact_moment_queryset(actor(request))
    return _filtered(ContactMomentFilterSet, CONTACT_SORTING, request, qs, filters)


@contact_router.post(
    "/contact-moments",
    response={201: ContactMomentOut, **errors(401, 403, 422)},
    summary="Contactmoment vastleggen",
)
def create_contact_moment(request: HttpRequest, payload: ContactMomentIn) -> Any:
    """Legt een contactmoment vast (een intake met `kind: intake` en de gehoorde
    `needs`). Bij een open hulpvraag telt het als eerste reactie."""
    user = actor(request)
    company = _company(user, payload.company)
    data = _contact_data(user, company, payload)
    organisation = resolve_one(
        Organisation.objects.filter(pk__in=scope_of(user).organisation_ids),
        payload.organisation,
        "organisation",
    )
    moment = services.record_contact(user, company, organisation=organisation, **data)
    return Status(201, _contact_moment(user, moment.pk))


@contact_router.get(
    "/contact-moments/{int:moment_id}",
    response={200: ContactMomentOut, **errors(401, 404, 422)},
    summary="Contactmoment",
)
def get_contact_moment(request: HttpRequest, moment_id: PathId) -> Any:
    return _contact_moment(actor(request), moment_id)


@contact_router.patch(
    "/contact-moments/{int:moment_id}",
    response={200: ContactMomentOut, **errors(401, 403, 404, 422)},
    summary="Contactmoment wijzigen",
)
def update_contact_moment(
    request: HttpRequest, moment_id: PathId, payload: ContactMomentPatch
) -> Any:
    """Alleen de organisatie die het contactmoment vastlegde, wijzigt het."""
    user = actor(request)
    moment = queries.get_contact_moment_for_user(user, moment_id)
    data = _contact_data(user, moment.company, payload)
    services.update_contact_moment(user, moment, data)
    return _contact_moment(user, moment_id)


@contact_router.delete(
    "/contact-moments/{int:moment_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Contactmoment verwijderen",
)
def delete_contact_moment(request: HttpRequest, moment_id: PathId) -> Any:
    user = actor(request)
    services.delete_contact_moment(user, queries.get_contact_moment_for_user(user, moment_id))
    return Status(204, None)


# --- cases ---------------------------------------------------------------------------

case_router = Router(tags=["hulpvragen"])
router.add_router("", case_router)


def _case_data(user: User, company: Company, payload: CaseFields) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    data.pop("company", None)
    if data.get("channel") is not None:
        data["channel"] = Case.Channel(data["channel"]).value
    if "themes" in data:
        data["themes"] = themes_by_slug(data["themes"])
    if "owner" in data:
        data["owner"] = resolve_one(users_in_regions(user), data["owner"], "owner")
    if "person" in data:
        data["person"] = resolve_one(
            persons_visible_to(user).filter(company=company), data["person"], "person"
        )
    return data


@case_router.get("/cases", response={200: list[CaseOut], **errors(401, 422)}, summary="Hulpvragen")
@paginate(LimitOffset)
def list_cases(
    request: HttpRequest,
    filters: CaseFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """De hulpvragen die u mag zien, nieuwste eerst, gefilterd zoals op de lijstpagina."""
    return _filtered(CaseFilterSet, CASE_SORTING, request, case_queryset(actor(request)), filters)


@case_router.post(
    "/cases",
    response={201: CaseOut, **errors(401, 403, 422)},
    summary="Hulpvraag openen",
)
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    """Opent een hulpvraag met een eigenaar en een termijn voor de eerste reactie."""
    user = actor(request)
    company = _company(user, payload.company)
    data = _case_data(user, company, payload)
    case = services.open_case(user, company, **data)
    return Status(201, _case(user, case.pk))


@case_router.get(
    "/cases/{int:case_id}",
    response={200: CaseOut, **errors(401, 404, 422)},
    summary="Hulpvraag",
)
def get_case(request: HttpRequest, case_id: PathId) -> Any:
    return _case(actor(request), case_id)


@case_router.patch(
    "/cases/{int:case_id}",
    response={200: CaseOut, **errors(401, 403, 404, 422)},
    summary="Hulpvraag wijzigen",
)
def update_case(request: HttpRequest, case_id: PathId, payload: CasePatch) -> Any:
    """Wijzigt vraag, kanaal, thema's, contactpersoon of eigenaar. De status wijzigt via
    /cases/{int:case_id}/status."""
    user = actor(request)
    case = queries.get_case_for_user(user, case_id)
    services.update_case(user, case, _case_data(user, case.company, payload))
    return _case(user, case_id)


@case_router.post(
    "/cases/{int:case_id}/status",
    response={200: CaseOut, **errors(401, 403, 404, 422)},
    summary="Status van een hulpvraag wijzigen",
)
def change_case_status(request: HttpRequest, case_id: PathId, payload: StatusIn) -> Any:
    """Zet de hulpvraag een stap verder in de pijplijn (zie `allowed_transitions`);
    afsluiten vraagt een `outcome`."""
    user = actor(request)
    case = queries.get_case_for_user(user, case_id)
    services.change_status(
        user,
        case,
        Case.Status(payload.status).value,
        outcome=Case.Outcome(payload.outcome).value if payload.outcome else "",
        outcome_note=payload.outcome_note,
    )
    return _case(user, case_id)


# --- referrals -----------------------------------------------------------------------

referral_router = Router(tags=["verwijzingen"])
router.add_router("", referral_router)


@referral_router.get(
    "/referrals",
    response={200: list[ReferralOut], **errors(401, 422)},
    summary="Verwijzingen",
)
@paginate(LimitOffset)
def list_referrals(
    request: HttpRequest,
    filters: ReferralFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """De verwijzingen die u mag zien, nieuwste eerst, gefilterd zoals op de lijstpagina
    (uw inbox: `to_organisation` is uw organisatie, zie /me)."""
    return _filtered(
        ReferralFilterSet, REFERRAL_SORTING, request, referral_queryset(actor(request)), filters
    )


@referral_router.post(
    "/referrals",
    response={201: ReferralOut, **errors(401, 403, 422)},
    summary="Doorverwijzen",
)
def create_referral(request: HttpRequest, payload: ReferralIn) -> Any:
    """Verwijst een hulpvraag door naar een partnerorganisatie; de eigenaar van de
    hulpvraag blijft eigenaar. Versturen meldt het de partner per e-mail. Met
    `instrument_id` is het een verwijzing voor dat instrument (422 als het niet bestaat,
    niet open is, niet in de regio geldt of `to_organisation` niet zijn contactorganisatie
    is)."""
    user = actor(request)
    case = resolve_one(
        queries.cases_visible_to(user).select_related("company"), payload.case, "case"
    )
    assert case is not None
    to_organisation = resolve_one(
        Organisation.objects.filter(region_id__in=scope_of(user).region_ids),
        payload.to_organisation,
        "to_organisation",
    )
    assert to_organisation is not None
    instrument = resolve_one(
        instruments_visible_to(user).select_related("contact_organisation"),
        payload.instrument_id,
        "instrument_id",
    )
    try:
        referral = services.refer(
            user,
            case,
            to_organisation=to_organisation,
            message=payload.message,
            send=payload.send,
            instrument=instrument,
        )
    except ValidationError as error:
        raise _renamed(error, {"instrument": "instrument_id"}) from error
    return Status(201, _referral(user, referral.pk))


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's ValidationError with its fields named as the request body names them."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )


@referral_router.get(
    "/referrals/{int:referral_id}",
    response={200: ReferralOut, **errors(401, 404, 422)},
    summary="Verwijzing",
)
def get_referral(request: HttpRequest, referral_id: PathId) -> Any:
    return _referral(actor(request), referral_id)


@referral_router.post(
    "/referrals/{int:referral_id}/send",
    response={200: ReferralOut, **errors(401, 403, 404, 422)},
    summary="Voorgestelde verwijzing versturen",
)
def send_referral(request: HttpRequest, referral_id: PathId) -> Any:
    user = actor(request)
    services.send_referral(user, queries.get_referral_for_user(user, referral_id))
    return _referral(user, referral_id)


@referral_router.post(
    "/referrals/{int:referral_id}/accept",
    response={200: ReferralOut, **errors(401, 403, 404, 422)},
    summary="Verwijzing accepteren",
)
def accept_referral(request: HttpRequest, referral_id: PathId) -> Any:
    """Door de ontvangende organisatie."""
    user = actor(request)
    services.accept_referral(user, queries.get_referral_for_user(user, referral_id))
    return _referral(user, referral_id)


@referral_router.post(
    "/referrals/{int:referral_id}/decline",
    response={200: ReferralOut, **errors(401, 403, 404, 422)},
    summary="Verwijzing afwijzen",
)
def decline_referral(request: HttpRequest, referral_id: PathId, payload: DeclineIn) -> Any:
    """Door de ontvangende organisatie, met een reden."""
    user = actor(request)
    referral = queries.get_referral_for_user(user, referral_id)
    services.decline_referral(user, referral, payload.decline_reason)
    return _referral(user, referral_id)


@referral_router.post(
    "/referrals/{int:referral_id}/complete",
    response={200: ReferralOut, **errors(401, 403, 404, 422)},
    summary="Verwijzing afronden",
)
def complete_referral(request: HttpRequest, referral_id: PathId, payload: CompleteIn) -> Any:
    """Door de ontvangende organisatie, met een terugkoppeling voor de afzender."""
    user = actor(request)
    referral = queries.get_referral_for_user(user, referral_id)
    services.complete_referral(user, referral, payload.feedback)
    return _referral(user, referral_id)
