"""API: a programme's business cases (the development agency's projects with companies).

- ``GET /programmes/{id}/business-cases``: the business cases the user sees, filtered
  like the list page (``organisation``, ``year``: the start year) and sorted like it;
  a programme the user does not see: 404.
- ``POST /programmes/{id}/business-cases``: add one (staff of an executing organisation
  for their organisation, the programme manager for any); who keeps none: 403; the
  rules (company of the region and visible, realised figures with their date): 422.
- ``GET``, ``PATCH``, ``DELETE /business-cases/{id}``: read, change (only the fields
  sent; the rules hold for the whole), delete. Not visible: 404; seen but not of the
  user's organisation: 403.

Money in euro with 2 decimals, jobs in FTE with 1, as JSON strings in the answers.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loket.accounts.models import Organisation, User
from loket.companies.queries import companies_visible_to
from loket.core.api import (
    Day,
    Id,
    Input,
    LimitOffset,
    LongText,
    PathId,
    Ref,
    ReqStr200,
    actor,
    apply_filterset,
    apply_sorting,
    errors,
    filter_schema,
    resolve_one,
    sort_parameter,
)
from loket.core.permissions import require
from loket.monitoring.forms.business_cases import BusinessCaseFilterSet
from loket.monitoring.models import BusinessCase
from loket.monitoring.queries import (
    can_edit_business_case,
    get_business_case_for_user,
    with_may_change,
)
from loket.monitoring.services import business_cases as services
from loket.monitoring.views.business_cases import SORTING, list_queryset
from loket.programmes.models import Programme
from loket.programmes.queries import executing_organisation_ids, get_programme_for_user

router = Router(tags=["businesscases"])

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Fte = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=1)]


# --- schemas -------------------------------------------------------------------------


class BusinessCaseFields(Input):
    title: ReqStr200 | None = Field(None, description="De naam van het project.")
    organisation: Id | None = Field(
        None, description="Id van de uitvoerende organisatie waarvan de businesscase is."
    )
    company: Id | None = Field(None, description="Loket-nummer (id) van het bedrijf.")
    started_on: Day | None = None
    expected_turnover: Money | None = Field(None, description="Verwachte extra omzet (€).")
    expected_value: Money | None = Field(None, description="Verwachte toegevoegde waarde (€).")
    expected_fte: Fte | None = Field(None, description="Verwachte extra banen (fte).")
    realised_turnover: Money | None = Field(None, description="Gerealiseerde extra omzet (€).")
    realised_value: Money | None = Field(None, description="Gerealiseerde toegevoegde waarde (€).")
    realised_fte: Fte | None = Field(None, description="Gerealiseerde extra banen (fte).")
    realised_on: Day | None = Field(
        None,
        description="Datum waarop de gerealiseerde cijfers zijn vastgesteld; verplicht bij "
        "gerealiseerde cijfers, niet in de toekomst en niet vóór de start.",
    )
    note: LongText | None = None


class BusinessCaseIn(BusinessCaseFields):
    title: ReqStr200
    organisation: Id
    company: Id
    started_on: Day


class BusinessCasePatch(BusinessCaseFields):
    pass


class BusinessCaseOut(Schema):
    id: int
    programme: Ref
    organisation: Ref
    company: Ref
    title: str
    started_on: dt.date
    expected_turnover: Decimal
    expected_value: Decimal
    expected_fte: Decimal
    realised_turnover: Decimal | None
    realised_value: Decimal | None
    realised_fte: Decimal | None
    realised_on: dt.date | None
    note: str
    may_change: bool = False
    created_at: dt.datetime
    updated_at: dt.datetime


BusinessCaseFilters = filter_schema(
    "BusinessCaseFilters", BusinessCaseFilterSet, extra={"sort": sort_parameter(SORTING)}
)


# --- helpers -------------------------------------------------------------------------


def _data(user: User, programme: Programme, payload: BusinessCaseFields) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    if "organisation" in data:
        data["organisation"] = resolve_one(
            Organisation.objects.filter(pk__in=executing_organisation_ids(programme)),
            data["organisation"],
            "organisation",
        )
    if "company" in data:
        data["company"] = resolve_one(
            companies_visible_to(user).filter(region_id=programme.region_id),
            data["company"],
            "company",
        )
    return data


def _out(user: User, pk: int) -> BusinessCase:
    """The case as the user sees it now (read again, among the cases they see)."""
    case = get_business_case_for_user(user, pk)
    case.may_change = can_edit_business_case(user, case)  # type: ignore[attr-defined]
    return case


# --- endpoints -----------------------------------------------------------------------


@router.get(
    "/programmes/{programme_id}/business-cases",
    response={200: list[BusinessCaseOut], **errors(401, 404, 422)},
    summary="Businesscases van een programma",
)
@paginate(LimitOffset)
def list_business_cases(
    request: HttpRequest,
    programme_id: PathId,
    filters: BusinessCaseFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """De businesscases van het programma die u ziet, te filteren op `organisation` (id)
    en `year` (startjaar), gesorteerd zoals op de lijstpagina (standaard nieuwste start
    eerst)."""
    user = actor(request)
    programme = get_programme_for_user(user, programme_id)
    queryset: QuerySet[BusinessCase] = apply_filterset(
        BusinessCaseFilterSet, request, list_queryset(user, programme).select_related("programme")
    )
    return apply_sorting(SORTING, with_may_change(user, queryset), getattr(filters, "sort", None))


@router.post(
    "/programmes/{programme_id}/business-cases",
    response={201: BusinessCaseOut, **errors(401, 403, 404, 422)},
    summary="Businesscase toevoegen",
)
def create_business_case(
    request: HttpRequest, programme_id: PathId, payload: BusinessCaseIn
) -> Any:
    """Een businesscase van een uitvoerende organisatie met een bedrijf van de regio.
    Gerealiseerde cijfers vragen de datum van de meting (`realised_on`)."""
    user = actor(request)
    programme = get_programme_for_user(user, programme_id)
    require(services.may_create(user, programme))
    case = services.create_business_case(user, programme, _data(user, programme, payload))
    return Status(201, _out(user, case.pk))


@router.get(
    "/business-cases/{case_id}",
    response={200: BusinessCaseOut, **errors(401, 404, 422)},
    summary="Businesscase",
)
def get_business_case(request: HttpRequest, case_id: PathId) -> Any:
    return _out(actor(request), case_id)


@router.patch(
    "/business-cases/{case_id}",
    response={200: BusinessCaseOut, **errors(401, 403, 404, 422)},
    summary="Businesscase wijzigen",
)
def update_business_case(request: HttpRequest, case_id: PathId, payload: BusinessCasePatch) -> Any:
    """Alleen de meegestuurde velden veranderen; de regels gelden voor het geheel."""
    user = actor(request)
    case = get_business_case_for_user(user, case_id)
    require(can_edit_business_case(user, case))
    services.update_business_case(user, case, _data(user, case.programme, payload))
    return _out(user, case_id)


@router.delete(
    "/business-cases/{case_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Businesscase verwijderen",
)
def delete_business_case(request: HttpRequest, case_id: PathId) -> Any:
    user = actor(request)
    services.delete_business_case(user, get_business_case_for_user(user, case_id))
    return Status(204, None)
