"""API: the instrument catalogue (list, read, create, change, verify, delete) and its
import and export as CSV or XLSX.

Reads go through ``queries.py`` (an instrument the user may not see is a 404), changes
through ``services.py`` and ``importing.py`` (permission, validation, versions, audit).
Endpoints only translate. ``POST /api/match`` lives in ``api_match.py``.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import StringConstraints

from loket.accounts.models import Organisation, User
from loket.catalogue import importing, queries, services
from loket.catalogue.exporting import export_catalogue
from loket.catalogue.filters import SORTING, InstrumentFilterSet
from loket.catalogue.models import (
    SHARED_PROVIDER_KINDS,
    Instrument,
    Kind,
    Phase,
    ProviderKind,
    current_q,
    stale_q,
)
from loket.companies.models import LegalForm, SizeClass
from loket.core.api import (
    _NO_NUL,
    MAX_POSITIVE_INT,
    Day,
    Id,
    Input,
    LimitOffset,
    LongText,
    PathId,
    Ref,
    ReqStr200,
    Slug,
    Str10,
    Str30,
    Str200,
    Str254,
    UserRef,
    actor,
    apply_filterset,
    apply_sorting,
    choice_of,
    errors,
    field_error,
    filter_schema,
    resolve_many,
    resolve_one,
    sort_parameter,
    themes_by_slug,
    users_in_regions,
)
from loket.core.export import XLSX_CONTENT_TYPE
from loket.core.models import Municipality, Region
from loket.core.permissions import scope_of

if TYPE_CHECKING:
    InstrumentKind = str
else:
    InstrumentKind = choice_of(Kind)

router = Router(tags=["instrumenten"])

MAX_LIST = 50
MAX_SMALL = 32_767
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Str500 = Annotated[str, StringConstraints(max_length=500), _NO_NUL]
ReqStr300 = Annotated[str, StringConstraints(min_length=1, max_length=300), _NO_NUL]


# --- schemas -------------------------------------------------------------------------


class InstrumentFields(Input):
    """Fields shared by create and change; on change every field is optional and lists
    are replaced."""

    description: LongText | None = Field(None, description="HTML; wordt opgeschoond.")
    provider_organisation: Id | None = Field(
        None, description="Id van de aanbiedende organisatie (programma of partner)."
    )
    provider_name: Str200 | None = Field(None, description="Voor landelijk en Europees.")
    themes: list[Slug] | None = Field(None, max_length=MAX_LIST, description="Zie /themes.")
    phases: list[Phase] | None = Field(None, max_length=MAX_LIST)
    keywords: Str500 | None = None
    size_classes: list[SizeClass] | None = Field(None, max_length=MAX_LIST)
    employees_min: int | None = Field(None, ge=0, le=MAX_POSITIVE_INT)
    employees_max: int | None = Field(None, ge=0, le=MAX_POSITIVE_INT)
    company_age_min: int | None = Field(None, ge=0, le=MAX_SMALL)
    company_age_max: int | None = Field(None, ge=0, le=MAX_SMALL)
    sbi_included: list[Str10] | None = Field(
        None, max_length=MAX_LIST, description="SBI-secties of -afdelingen, zie /sbi-codes."
    )
    sbi_excluded: list[Str10] | None = Field(None, max_length=MAX_LIST)
    municipalities: list[Id] | None = Field(
        None, max_length=MAX_LIST, description="Ids van gemeenten, zie /municipalities."
    )
    regions: list[Slug] | None = Field(
        None, max_length=MAX_LIST, description="Codes van regio's (alleen landelijk/Europees)."
    )
    legal_forms: list[LegalForm] | None = Field(None, max_length=MAX_LIST)
    amount_min: Amount | None = Field(None, description="Euro, exclusief btw.")
    amount_max: Amount | None = None
    own_contribution: Amount | None = None
    how_to_apply: LongText | None = None
    contact_organisation: Id | None = None
    contact_name: Str200 | None = None
    contact_email: Str254 | None = None
    contact_phone: Str30 | None = None
    website: Str200 | None = None
    open_from: Day | None = None
    open_until: Day | None = None
    deadline: Day | None = None
    budget_exhausted: bool | None = None
    published: bool | None = None
    last_verified: Day | None = None
    editor: Id | None = Field(None, description="Id van de verantwoordelijke redacteur.")


class InstrumentIn(InstrumentFields):
    name: ReqStr200
    summary: ReqStr300
    kind: InstrumentKind
    provider_kind: ProviderKind
    region: Slug | None = Field(
        None,
        description="Code van de regio; alleen nodig als u in meer regio's werkt. Landelijke "
        "en Europese instrumenten horen bij geen regio.",
    )


class InstrumentPatch(InstrumentFields):
    name: ReqStr200 | None = None
    summary: ReqStr300 | None = None
    kind: InstrumentKind | None = None
    provider_kind: ProviderKind | None = None


class InstrumentOut(Schema):
    id: int
    region: str | None
    slug: str
    name: str
    summary: str
    description: str
    kind: str
    provider_kind: str
    provider_organisation: Ref | None
    provider_name: str
    themes: list[str]
    phases: list[str]
    keywords: str
    size_classes: list[str]
    employees_min: int | None
    employees_max: int | None
    company_age_min: int | None
    company_age_max: int | None
    sbi_included: list[str]
    sbi_excluded: list[str]
    municipalities: list[Ref]
    regions: list[str]
    legal_forms: list[str]
    amount_min: Decimal | None
    amount_max: Decimal | None
    own_contribution: Decimal | None
    how_to_apply: str
    contact_organisation: Ref | None
    contact_name: str
    contact_email: str
    contact_phone: str
    website: str
    open_from: dt.date | None
    open_until: dt.date | None
    deadline: dt.date | None
    budget_exhausted: bool
    published: bool
    last_verified: dt.date | None
    editor: UserRef | None
    version: int
    is_current: bool
    is_stale: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_region(obj: Instrument) -> str | None:
        return obj.region.slug if obj.region is not None else None

    @staticmethod
    def resolve_themes(obj: Instrument) -> list[str]:
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_regions(obj: Instrument) -> list[str]:
        return [region.slug for region in obj.regions.all()]

    @staticmethod
    def resolve_is_current(obj: Instrument) -> bool:
        return obj.is_current()

    @staticmethod
    def resolve_is_stale(obj: Instrument) -> bool:
        return obj.is_stale()


class ImportRowOut(Schema):
    row: int = Field(description="Rijnummer zoals de spreadsheet het toont (kopjes: rij 1).")
    name: str
    action: Literal["create", "update", "unchanged"]
    id: int | None = Field(None, description="Id van het instrument; leeg bij een proefrun.")


class ImportOut(Schema):
    dry_run: bool
    written: bool
    created: int
    updated: int
    unchanged: int
    rows: list[ImportRowOut]


class ImportErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str
    row: int | None = Field(
        None, description="Rijnummer in de spreadsheet; leeg: het hele bestand."
    )
    column: str = Field("", description="Kolomkop; leeg als geen kolom de oorzaak is.")


class ImportRejectedOut(Schema):
    detail: list[ImportErrorOut]


# --- helpers -------------------------------------------------------------------------


def instrument_queryset(user: User) -> QuerySet[Instrument]:
    return (
        queries.instruments_visible_to(user)
        .select_related("region", "provider_organisation", "contact_organisation", "editor")
        .prefetch_related("themes", "municipalities", "regions")
        .order_by("name", "id")
    )


def _instrument(user: User, pk: int) -> Instrument:
    queries.get_instrument_for_user(user, pk)  # 404 unless visible
    return instrument_queryset(user).get(pk=pk)


def _user_region(user: User, slug: str | None, field: str = "region") -> Region:
    """The region named by ``slug`` among the user's, or the user's only region."""
    regions = Region.objects.filter(pk__in=scope_of(user).region_ids)
    if slug:
        found = regions.filter(slug=slug).first()
        if found is None:
            raise field_error(field, _("U werkt niet in deze regio."))
        return found
    mine = list(regions[:2])
    if len(mine) != 1:
        raise field_error(field, _("Kies de regio."), "missing")
    return mine[0]


def _instrument_data(
    user: User, region_id: int | None, payload: InstrumentFields
) -> dict[str, Any]:
    """The payload's given fields, with ids and slugs turned into the rows the user may
    reference (422 on the field otherwise). Whether they fit the instrument's region is
    the service's rule."""
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    data.pop("region", None)
    my_regions = scope_of(user).region_ids
    organisations = Organisation.objects.filter(region_id__in=my_regions)
    for key in ("provider_organisation", "contact_organisation"):
        if key in data:
            data[key] = resolve_one(organisations, data[key], key)
    for key in ("kind", "provider_kind"):
        if data.get(key) is not None:
            data[key] = str(getattr(data[key], "value", data[key]))
    for key in ("phases", "size_classes", "legal_forms"):
        if key in data:
            data[key] = [str(getattr(v, "value", v)) for v in data[key] or []]
    for key in ("sbi_included", "sbi_excluded"):
        if key in data:
            data[key] = [code.strip().upper() for code in data[key] or []]
    for key in (
        "description",
        "how_to_apply",
        "provider_name",
        "keywords",
        "contact_name",
        "contact_email",
        "contact_phone",
        "website",
    ):
        if key in data and data[key] is None:
            data[key] = ""
    for key in ("budget_exhausted", "published"):
        if key in data and data[key] is None:
            data.pop(key)
    if "themes" in data:
        data["themes"] = themes_by_slug(data["themes"])
    if "municipalities" in data:
        municipalities = (
            Municipality.objects.all()
            if region_id is None
            else Municipality.objects.filter(region_id=region_id)
        )
        data["municipalities"] = resolve_many(
            municipalities, data["municipalities"], "municipalities"
        )
    if "regions" in data:
        data["regions"] = resolve_many(Region.objects.all(), data["regions"], "regions", "slug")
    if "editor" in data:
        data["editor"] = resolve_one(users_in_regions(user), data["editor"], "editor")
    return data


# --- list, read, create, change, verify, delete ------------------------------------------

TRUE_FALSE = Literal["true", "false"]
InstrumentFilters = filter_schema(
    "InstrumentFilters",
    InstrumentFilterSet,
    extra={
        "sort": sort_parameter(SORTING),
        "current": (
            TRUE_FALSE | None,
            Field(None, description="true: alleen wat het portaal nu toont; false: de rest."),
        ),
        "stale": (
            TRUE_FALSE | None,
            Field(None, description="true: niet gecontroleerd in 180 dagen."),
        ),
    },
)


def _filtered(request: HttpRequest, filters: Any, queryset: QuerySet[Instrument]) -> Any:
    queryset = apply_filterset(InstrumentFilterSet, request, queryset)
    current = getattr(filters, "current", None)
    if current is not None:
        queryset = (
            queryset.filter(current_q()) if current == "true" else queryset.exclude(current_q())
        )
    stale = getattr(filters, "stale", None)
    if stale is not None:
        queryset = queryset.filter(stale_q()) if stale == "true" else queryset.exclude(stale_q())
    return apply_sorting(SORTING, queryset, getattr(filters, "sort", None))


@router.get(
    "/instruments", response={200: list[InstrumentOut], **errors(401, 422)}, summary="Instrumenten"
)
@paginate(LimitOffset)
def list_instruments(
    request: HttpRequest,
    filters: InstrumentFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """De instrumenten van uw regio's en de gedeelde landelijke en Europese, ook
    concepten en verlopen ones; gefilterd en gesorteerd zoals op de lijstpagina."""
    return _filtered(request, filters, instrument_queryset(actor(request)))


@router.post(
    "/instruments",
    response={201: InstrumentOut, **errors(401, 403, 422)},
    summary="Instrument aanmaken",
)
def create_instrument(request: HttpRequest, payload: InstrumentIn) -> Any:
    """Maakt een instrument aan (versie 1). Programma en partner: in uw regio;
    landelijk en Europees: gedeeld door alle regio's (programmamanagers en beheerders)."""
    user = actor(request)
    region = (
        None
        if payload.provider_kind in SHARED_PROVIDER_KINDS
        else _user_region(user, payload.region)
    )
    data = _instrument_data(user, region.pk if region else None, payload)
    for key in ("name", "summary", "kind", "provider_kind"):
        data[key] = getattr(payload, key)
    data["kind"], data["provider_kind"] = str(payload.kind), str(payload.provider_kind.value)
    instrument = services.create_instrument(user, data, region=region)
    return Status(201, instrument_queryset(user).filter(pk=instrument.pk).first() or instrument)


@router.get(
    "/instruments/export",
    response={**errors(401, 422)},
    summary="Catalogus exporteren",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Het bestand: één rij per instrument, in de kolommen van de "
                "import (docs/catalogue-columns.md).",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_instruments(
    request: HttpRequest,
    format: Literal["csv", "xlsx"],
    filters: InstrumentFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
    region: Slug | None = None,
) -> Any:
    """De catalogus als CSV of XLSX, met dezelfde filters als de lijst. Met `region`
    alleen die regio en de gedeelde instrumenten: zo'n bestand laat zich weer importeren."""
    user = actor(request)
    queryset = queries.instruments_visible_to(user)
    if region:
        chosen = _user_region(user, region)
        queryset = queryset.filter(region_id__in=[chosen.pk]) | queryset.filter(region__isnull=True)
    return export_catalogue(format, _filtered(request, filters, queryset))


@router.get(
    "/instruments/{int:instrument_id}",
    response={200: InstrumentOut, **errors(401, 404, 422)},
    summary="Instrument",
)
def get_instrument(request: HttpRequest, instrument_id: PathId) -> Any:
    return _instrument(actor(request), instrument_id)


@router.patch(
    "/instruments/{int:instrument_id}",
    response={200: InstrumentOut, **errors(401, 403, 404, 422)},
    summary="Instrument wijzigen",
)
def update_instrument(request: HttpRequest, instrument_id: PathId, payload: InstrumentPatch) -> Any:
    """Wijzigt de meegestuurde velden (een nieuwe versie); lijsten worden vervangen."""
    user = actor(request)
    instrument = queries.get_instrument_for_user(user, instrument_id)
    data = _instrument_data(user, instrument.region_id, payload)
    for key in ("name", "summary", "kind", "provider_kind"):
        if key in data and data[key] is None:
            raise field_error(key, _("Dit veld is verplicht."), "missing")
    services.update_instrument(user, instrument, data)
    return _instrument(user, instrument_id)


@router.post(
    "/instruments/{int:instrument_id}/verify",
    response={200: InstrumentOut, **errors(401, 403, 404, 422)},
    summary="Instrument gecontroleerd",
)
def verify_instrument(request: HttpRequest, instrument_id: PathId) -> Any:
    """Legt vast dat de gegevens vandaag gecontroleerd zijn: de waarschuwing 'niet
    gecontroleerd' verdwijnt voor 180 dagen."""
    user = actor(request)
    services.verify_instrument(user, queries.get_instrument_for_user(user, instrument_id))
    return _instrument(user, instrument_id)


@router.delete(
    "/instruments/{int:instrument_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Instrument verwijderen",
)
def delete_instrument(request: HttpRequest, instrument_id: PathId) -> Any:
    """Verwijdert een instrument waarnaar niemand verwezen is (anders 422: zet het dan
    op niet gepubliceerd)."""
    user = actor(request)
    services.delete_instrument(user, queries.get_instrument_for_user(user, instrument_id))
    return Status(204, None)


# --- import --------------------------------------------------------------------------


def _import_error(error: importing.RowError) -> dict[str, Any]:
    """A problem of the file in the API's error shape, with its row and column."""
    loc: list[str | int] = ["file"]
    if error.row is not None:
        loc.append(error.row)
    if error.column:
        loc.append(error.column)
    return {
        "loc": loc,
        "msg": error.message,
        "type": "import",
        "row": error.row,
        "column": error.column,
    }


@router.post(
    "/instruments/import",
    response={200: ImportOut, 422: ImportRejectedOut, **errors(401, 403)},
    summary="Catalogus importeren",
)
def import_instruments(
    request: HttpRequest,
    file: UploadedFile | None = File(None),  # noqa: B008
    dry_run: bool = Form(False),
    region: Slug | None = Form(None),  # noqa: B008
) -> Any:
    """Leest een CSV- of XLSX-bestand (multipart, veld `file`; hoogstens 5 MB en 5.000
    rijen; kolommen: docs/catalogue-columns.md). Een rij met de naam van een bestaand
    instrument wijzigt dat, andere rijen maken een instrument aan. Eerst wordt alles
    gecontroleerd: bij een fout volgt 422 met per probleem de rij en kolom, en wordt er
    niets opgeslagen. Met `dry_run` alleen de controle."""
    user = actor(request)
    chosen = _user_region(user, region)
    if not importing.can_import(user, chosen):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if file is None:
        raise field_error("file", _("Kies een CSV- of XLSX-bestand."), "missing")
    content = file.read(importing.MAX_FILE_BYTES + 1)
    report = importing.import_catalogue(user, chosen, file.name or "", content, dry_run=dry_run)
    if not report.ok:
        return Status(
            422,
            {"detail": [_import_error(e) for e in report.errors]},
        )
    return {
        "dry_run": report.dry_run,
        "written": report.written,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rows": [
            {"row": r.row, "name": r.name, "action": r.action, "id": r.instrument_id}
            for r in report.rows
        ],
    }
