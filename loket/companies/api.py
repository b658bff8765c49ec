"""API: companies, their contact persons and consent.

Reads go through ``queries.py`` (an object the user may not see is a 404), changes
through ``services.py`` (permission, validation, audit). Endpoints only translate.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loket.accounts.models import Organisation, User
from loket.companies import queries, services
from loket.companies.filters import SORTING, CompanyFilterSet
from loket.companies.models import Company, Consent, LegalForm, Person, SbiCode
from loket.core.api import (
    MAX_POSITIVE_INT,
    Day,
    Id,
    Input,
    LimitOffset,
    PathId,
    Ref,
    ReqStr200,
    Slug,
    Str10,
    Str20,
    Str30,
    Str100,
    Str200,
    Str254,
    UserRef,
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
    users_in_regions,
)
from loket.core.models import Municipality, Region
from loket.core.permissions import scope_of

router = Router(tags=["bedrijven"])
persons_router = Router(tags=["contactpersonen"])
router.add_router("", persons_router)

MAX_LIST = 20
MAX_SEARCH = 50
MAX_TIMELINE_PAGE = 10_000


# --- schemas -------------------------------------------------------------------------


class CompanyFields(Input):
    """Fields shared by create and change; on change every field is optional."""

    kvk_number: Str20 | None = Field(
        None, description="8 cijfers; leeg voor een aspirant-ondernemer.", examples=["12345678"]
    )
    trade_names: list[Str200] | None = Field(None, max_length=MAX_LIST)
    legal_form: LegalForm | None = None
    sbi_codes: list[Str10] | None = Field(
        None, max_length=MAX_LIST, description="SBI-codes, zie /sbi-codes."
    )
    employees: int | None = Field(None, ge=0, le=MAX_POSITIVE_INT)
    founded_on: Day | None = None
    street: Str200 | None = None
    house_number: int | None = Field(None, ge=1, le=MAX_POSITIVE_INT)
    house_number_addition: Str10 | None = None
    postcode: Str10 | None = Field(None, examples=["9401 AB"])
    city: Str100 | None = None
    municipality: Id | None = Field(None, description="Id van een gemeente, zie /municipalities.")
    email: Str254 | None = None
    phone: Str30 | None = None
    website: Str200 | None = None
    themes: list[Slug] | None = Field(None, max_length=MAX_LIST, description="Zie /themes.")
    account_manager: Id | None = Field(None, description="Id van een gebruiker.")
    business_associations: list[Id] | None = Field(
        None, max_length=MAX_LIST, description="Ids van ondernemersverenigingen."
    )


class CompanyIn(CompanyFields):
    name: ReqStr200
    region: Slug | None = Field(
        None, description="Code van de regio; alleen nodig als u in meer regio's werkt."
    )
    confirm_duplicate: bool = Field(
        False, description="Toch aanmaken hoewel er een vergelijkbaar bedrijf bestaat (409)."
    )


class CompanyPatch(CompanyFields):
    name: ReqStr200 | None = None


class CompanyOut(Schema):
    id: int
    region: str = Field(validation_alias="region.slug")
    kvk_number: str
    name: str
    trade_names: list[str]
    legal_form: str
    sbi_codes: list[str]
    employees: int | None
    size_class: str | None
    founded_on: dt.date | None
    is_starter: bool
    street: str
    house_number: int | None
    house_number_addition: str
    postcode: str
    city: str
    municipality: Ref | None
    email: str
    phone: str
    website: str
    themes: list[str]
    account_manager: UserRef | None
    business_associations: list[Ref]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_sbi_codes(obj: Company) -> list[str]:
        return [code.code for code in obj.sbi_codes.all()]

    @staticmethod
    def resolve_themes(obj: Company) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_size_class(obj: Company) -> str | None:
        size = obj.size_class
        return size.value if size is not None else None


class CaseRefOut(Schema):
    id: int
    reference: str


class CandidateOut(Schema):
    id: int
    name: str
    kvk_number: str
    postcode: str
    house_number: int | None
    city: str


class DuplicateOut(Schema):
    detail: str
    candidates: list[CandidateOut]


class MergeIn(Input):
    duplicate: Id = Field(description="Het bedrijf dat opgaat in dit bedrijf (en verdwijnt).")


class ConsentIn(Input):
    purpose: ReqStr200 = Field(examples=["gegevens delen met partners van het programma"])
    method: Consent.Method
    given_on: Day | None = Field(None, description="Standaard vandaag.")


class ConsentOut(Schema):
    id: int
    purpose: str
    method: str
    given_on: dt.date
    withdrawn_on: dt.date | None
    recorded_by: UserRef | None


class WithdrawIn(Input):
    withdrawn_on: Day | None = Field(None, description="Standaard vandaag.")


class PersonFields(Input):
    role: Str100 | None = None
    email: Str254 | None = None
    phone: Str30 | None = None


class PersonIn(PersonFields):
    name: ReqStr200
    consent: ConsentIn | None = None


class PersonPatch(PersonFields):
    name: ReqStr200 | None = None


class PersonSummaryOut(Schema):
    """A contact person in a list: no contact details (those are in the audited detail)."""

    id: int
    company_id: int
    name: str
    role: str


class PersonOut(Schema):
    id: int
    company_id: int
    name: str
    role: str
    email: str
    phone: str
    consents: list[ConsentOut]
    created_at: dt.datetime
    updated_at: dt.datetime


# --- helpers -------------------------------------------------------------------------


def company_list_queryset(user: User) -> QuerySet[Company]:
    return (
        queries.companies_visible_to(user)
        .select_related("region", "municipality", "account_manager")
        .prefetch_related("sbi_codes", "themes", "business_associations")
        .order_by("name", "id")
    )


def _company(user: User, pk: int) -> Company:
    queries.get_company_for_user(user, pk)  # 404 unless visible
    return company_list_queryset(user).get(pk=pk)


def _region_for_new_company(user: User, slug: str | None) -> Region:
    regions = Region.objects.filter(pk__in=scope_of(user).region_ids)
    if slug:
        found = regions.filter(slug=slug).first()
        if found is None:
            raise field_error("region", _("U werkt niet in deze regio."))
        return found
    mine = list(regions[:2])
    if len(mine) != 1:
        raise field_error("region", _("Kies de regio van het bedrijf."), "missing")
    return mine[0]


def _company_data(user: User, region: Region, payload: CompanyFields) -> dict[str, Any]:
    """The payload's given fields, with ids, codes and slugs turned into the rows the user
    may reference (422 on the field otherwise)."""
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    data.pop("region", None)
    data.pop("confirm_duplicate", None)
    if data.get("legal_form") is not None:
        data["legal_form"] = LegalForm(data["legal_form"]).value
    if "municipality" in data:
        data["municipality"] = resolve_one(
            Municipality.objects.filter(region=region), data["municipality"], "municipality"
        )
    if "account_manager" in data:
        data["account_manager"] = resolve_one(
            users_in_regions(user), data["account_manager"], "account_manager"
        )
    if "sbi_codes" in data:
        data["sbi_codes"] = resolve_many(
            SbiCode.objects.all(), data["sbi_codes"], "sbi_codes", "code"
        )
    if "themes" in data:
        data["themes"] = themes_by_slug(data["themes"])
    if "business_associations" in data:
        data["business_associations"] = resolve_many(
            Organisation.objects.filter(region=region, kind=Organisation.Kind.BUSINESS_ASSOCIATION),
            data["business_associations"],
            "business_associations",
        )
    return data


def _person(user: User, pk: int) -> Person:
    queries.get_person_for_user(user, pk)  # 404 unless visible
    return queries.persons_visible_to(user).prefetch_related("consents__recorded_by").get(pk=pk)


# --- companies -----------------------------------------------------------------------


CompanyFilters = filter_schema(
    "CompanyFilters", CompanyFilterSet, extra={"sort": sort_parameter(SORTING)}
)


@router.get("/companies", response={200: list[CompanyOut], **errors(401, 422)}, summary="Bedrijven")
@paginate(LimitOffset)
def list_companies(
    request: HttpRequest,
    filters: CompanyFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """De bedrijven die u mag zien, gefilterd en gesorteerd zoals op de lijstpagina
    (standaard op naam)."""
    queryset = apply_filterset(CompanyFilterSet, request, company_list_queryset(actor(request)))
    return apply_sorting(SORTING, queryset, getattr(filters, "sort", None))


@router.post(
    "/companies",
    response={201: CompanyOut, 409: DuplicateOut, **errors(401, 403, 422)},
    summary="Bedrijf aanmaken",
)
def create_company(request: HttpRequest, payload: CompanyIn) -> Any:
    """Maakt een bedrijf aan. Lijkt het op een bestaand bedrijf (zelfde postcode en
    huisnummer met een gelijkende naam), dan volgt 409 met de kandidaten, tenzij
    `confirm_duplicate` waar is. Hetzelfde KvK-nummer in de regio geeft altijd 422."""
    user = actor(request)
    region = _region_for_new_company(user, payload.region)
    data = _company_data(user, region, payload)
    try:
        company = services.create_company(
            user, region, data, confirm_duplicate=payload.confirm_duplicate
        )
    except services.DuplicateCompanyWarning as warning:
        if warning.same_kvk:
            raise
        # Only candidates the user may see are named.
        visible = queries.companies_visible_to(user).filter(
            pk__in=[c.pk for c in warning.candidates]
        )
        return Status(
            409,
            {
                "detail": _(
                    "Dit bedrijf lijkt al te bestaan. Stuur confirm_duplicate: true om het "
                    "toch aan te maken."
                ),
                "candidates": list(visible.order_by("pk")),
            },
        )
    # The service's own object: a partner who creates a company with which their
    # organisation has no contact yet may not see it afterwards, but gets what they sent.
    prefetch_related_objects([company], "sbi_codes", "themes", "business_associations")
    return Status(201, company)


@router.get(
    "/companies/{int:company_id}",
    response={200: CompanyOut, **errors(401, 404, 422)},
    summary="Bedrijf",
)
def get_company(request: HttpRequest, company_id: PathId) -> Any:
    return _company(actor(request), company_id)


@router.patch(
    "/companies/{int:company_id}",
    response={200: CompanyOut, **errors(401, 403, 404, 422)},
    summary="Bedrijf wijzigen",
)
def update_company(request: HttpRequest, company_id: PathId, payload: CompanyPatch) -> Any:
    """Wijzigt de meegestuurde velden; lijsten (thema's, SBI-codes) worden vervangen."""
    user = actor(request)
    company = queries.get_company_for_user(user, company_id)
    data = _company_data(user, company.region, payload)
    services.update_company(user, company, data)
    return _company(user, company_id)


@router.delete(
    "/companies/{int:company_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Bedrijf verwijderen",
)
def delete_company(request: HttpRequest, company_id: PathId) -> Any:
    """Verwijdert het bedrijf met alles wat erover is vastgelegd (programmamanagers en
    beheerders)."""
    user = actor(request)
    services.delete_company(user, queries.get_company_for_user(user, company_id))
    return Status(204, None)


@router.post(
    "/companies/{int:company_id}/merge",
    response={200: CompanyOut, **errors(401, 403, 404, 422)},
    summary="Bedrijven samenvoegen",
)
def merge_companies(request: HttpRequest, company_id: PathId, payload: MergeIn) -> Any:
    """Voegt `duplicate` samen met dit bedrijf: alles wat bij `duplicate` hoort, verhuist
    hierheen; `duplicate` verdwijnt."""
    user = actor(request)
    keep = queries.get_company_for_user(user, company_id)
    duplicate = resolve_one(queries.companies_visible_to(user), payload.duplicate, "duplicate")
    assert duplicate is not None
    kept = services.merge_companies(user, keep, duplicate)
    return _company(user, kept.pk)


# --- search and timeline --------------------------------------------------------------


class SearchIn(Input):
    q: ReqStr200 = Field(
        description="Naam, handelsnaam, KvK-nummer, postcode (+ huisnummer), plaats of "
        "contactpersoon; tikfouten en woordvolgorde maken niet uit."
    )
    limit: int = Field(20, ge=1, le=MAX_SEARCH)


class CompanySummaryOut(Schema):
    id: int
    name: str
    kvk_number: str
    street: str
    house_number: int | None
    house_number_addition: str
    postcode: str
    city: str
    municipality: Ref | None


class HitOut(Schema):
    company: CompanySummaryOut
    score: float
    matched_field: str
    matched_value: str

    @staticmethod
    def resolve_matched_field(obj: Any) -> str:
        return str(obj.matched_field)


@router.post(
    "/companies/search",
    response={200: list[HitOut], **errors(401, 422)},
    summary="Bedrijven zoeken",
)
def search(request: HttpRequest, payload: SearchIn) -> Any:
    """Zoekt bedrijven die u mag zien, beste eerst. Een POST, zodat zoektermen (vaak
    namen van personen) niet in URL's en logboeken belanden."""
    from loket.companies.search import InvalidSearch, search_companies

    try:
        return search_companies(actor(request), payload.q, payload.limit)
    except InvalidSearch as exc:
        raise field_error("q", str(exc.message)) from exc


class ContactEntryOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    duration_minutes: int | None
    author: UserRef
    organisation: Ref
    case: CaseRefOut | None
    persons: list[Ref]
    themes: list[str]
    needs: list[str]
    summary: str
    follow_up_on: dt.date | None
    confidential: bool

    @staticmethod
    def resolve_themes(obj: Any) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_needs(obj: Any) -> list[str]:
        return [need.slug for need in obj.needs.all()]


class CaseEntryOut(Schema):
    id: int
    reference: str
    channel: str
    question: str
    status: str
    owner: UserRef
    organisation: Ref
    opened_at: dt.datetime
    deadline: dt.datetime
    first_response_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str


class ReferralEntryOut(Schema):
    id: int
    case: CaseRefOut
    from_organisation: Ref
    to_organisation: Ref
    created_by: UserRef
    status: str
    message: str
    decline_reason: str
    feedback: str
    created_at: dt.datetime


class ChangeEntryOut(Schema):
    id: int
    action: str
    object_type: str
    object_label: str
    actor_label: str
    at: dt.datetime


class TimelineEntryOut(Schema):
    kind: str = Field(description="contact, case, referral of change")
    at: dt.datetime
    summary: str = Field(description="Bij een wijziging: wat er veranderde.")
    fields: list[str] = Field(description="Bij een wijziging: de gewijzigde velden.")
    contact_moment: ContactEntryOut | None = None
    case: CaseEntryOut | None = None
    referral: ReferralEntryOut | None = None
    change: ChangeEntryOut | None = None


class TimelineOut(Schema):
    entries: list[TimelineEntryOut]
    page: int
    size: int
    has_next: bool


class TimelineQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_TIMELINE_PAGE)
    size: int = Field(25, ge=1, le=100)


@router.get(
    "/companies/{int:company_id}/timeline",
    response={200: TimelineOut, **errors(401, 404, 422)},
    summary="Tijdlijn van een bedrijf",
)
def timeline(
    request: HttpRequest,
    company_id: PathId,
    params: TimelineQuery = Query(...),  # noqa: B008
) -> Any:
    """Alles wat elke partner met het bedrijf deed (contactmomenten, hulpvragen,
    verwijzingen, wijzigingen), nieuwste eerst, zoals u het mag zien."""
    from loket.companies.timeline import company_timeline

    user = actor(request)
    company = queries.get_company_for_user(user, company_id)
    page = company_timeline(user, company, page=params.page, size=params.size)
    slot = {"contact": "contact_moment", "case": "case", "referral": "referral", "change": "change"}
    return {
        "entries": [
            {
                "kind": entry.kind,
                "at": entry.at,
                "summary": str(entry.summary),
                "fields": [str(f) for f in entry.fields],
                slot[entry.kind]: entry.obj,
            }
            for entry in page.entries
        ],
        "page": page.number,
        "size": page.size,
        "has_next": page.has_next,
    }


# --- persons and consent ---------------------------------------------------------------


@persons_router.get(
    "/companies/{int:company_id}/persons",
    response={200: list[PersonSummaryOut], **errors(401, 404, 422)},
    summary="Contactpersonen van een bedrijf",
)
@paginate(LimitOffset)
def list_persons(request: HttpRequest, company_id: PathId) -> Any:
    """Naam en rol, zoals op de bedrijfspagina. E-mailadres, telefoon en toestemmingen
    staan bij de contactpersoon zelf, waar elke inzage in de audittrail komt."""
    user = actor(request)
    company = queries.get_company_for_user(user, company_id)
    return queries.persons_visible_to(user).filter(company=company).order_by("name", "id")


@persons_router.post(
    "/companies/{int:company_id}/persons",
    response={201: PersonOut, **errors(401, 403, 404, 422)},
    summary="Contactpersoon toevoegen",
)
def create_person(request: HttpRequest, company_id: PathId, payload: PersonIn) -> Any:
    """Voegt een contactpersoon toe, desgewenst met de toestemming die hij gaf."""
    user = actor(request)
    company = queries.get_company_for_user(user, company_id)
    data = payload.dict(exclude_unset=True, exclude={"consent"})
    consent = None
    if payload.consent is not None:
        consent = services.ConsentInput(
            purpose=payload.consent.purpose,
            method=Consent.Method(payload.consent.method).value,
            given_on=payload.consent.given_on,
        )
    person = services.create_person(user, company, data, consent=consent)
    return Status(201, _person(user, person.pk))


@persons_router.get(
    "/persons/{int:person_id}",
    response={200: PersonOut, **errors(401, 404, 422)},
    summary="Contactpersoon",
)
def get_person(request: HttpRequest, person_id: PathId) -> Any:
    """Elke inzage van een contactpersoon komt in de audittrail."""
    user = actor(request)
    return services.view_person(user, _person(user, person_id))


@persons_router.patch(
    "/persons/{int:person_id}",
    response={200: PersonOut, **errors(401, 403, 404, 422)},
    summary="Contactpersoon wijzigen",
    description="Wijzigt de meegestuurde velden; het antwoord telt als inzage (audittrail).",
)
def update_person(request: HttpRequest, person_id: PathId, payload: PersonPatch) -> Any:
    user = actor(request)
    person = queries.get_person_for_user(user, person_id)
    services.update_person(user, person, payload.dict(exclude_unset=True))
    # The answer shows the whole record: a view, audited as on the pages.
    return services.view_person(user, _person(user, person_id))


@persons_router.delete(
    "/persons/{int:person_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Contactpersoon verwijderen",
)
def delete_person(request: HttpRequest, person_id: PathId) -> Any:
    user = actor(request)
    services.delete_person(user, queries.get_person_for_user(user, person_id))
    return Status(204, None)


@persons_router.post(
    "/persons/{int:person_id}/consents",
    response={201: ConsentOut, **errors(401, 403, 404, 422)},
    summary="Toestemming vastleggen",
)
def record_consent(request: HttpRequest, person_id: PathId, payload: ConsentIn) -> Any:
    """Legt vast waarvoor de persoon toestemming gaf, wanneer en hoe."""
    user = actor(request)
    person = queries.get_person_for_user(user, person_id)
    consent = services.record_consent(
        user,
        person,
        services.ConsentInput(
            purpose=payload.purpose,
            method=Consent.Method(payload.method).value,
            given_on=payload.given_on,
        ),
    )
    return Status(201, consent)


@persons_router.post(
    "/persons/{int:person_id}/consents/{int:consent_id}/withdraw",
    response={200: ConsentOut, **errors(401, 403, 404, 422)},
    summary="Toestemming intrekken",
)
def withdraw_consent(
    request: HttpRequest, person_id: PathId, consent_id: PathId, payload: WithdrawIn
) -> Any:
    user = actor(request)
    person = queries.get_person_for_user(user, person_id)
    consent = get_object_or_404(
        person.consents.select_related("person", "recorded_by"), pk=consent_id
    )
    return services.withdraw_consent(user, consent, payload.withdrawn_on)
