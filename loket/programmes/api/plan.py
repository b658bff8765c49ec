"""API: programmes and their plan as one document.

- ``GET /programmes``, ``GET /programmes/{id}``: the programmes the user sees.
- ``GET /programmes/{id}/plan``: the plan in the structure of docs/plan-format.md
  (the same as the YAML file; amounts as strings).
- ``PUT /programmes/{id}/plan``: the plan becomes the document, all or nothing
  (``?dry_run=true``: only the check). 422 lists every problem with its place in the
  document (``loc``). Programme managers and administrators only.

The body is read here rather than by ninja, so that JSON numbers become ``Decimal``
(never a float) and every problem is reported the way the file import reports it;
the request body's schema in the OpenAPI document is the document's own.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from loket.core.api import FieldError, LimitOffset, PathId, Ref, actor, choice_of, errors
from loket.programmes.models import Funder, Programme
from loket.programmes.queries import can_edit_plan, get_programme_for_user, programmes_visible_to
from loket.programmes.services import plan_io

if TYPE_CHECKING:
    FunderKind = str
else:
    FunderKind = choice_of(Funder.Kind)

router = Router(tags=["programma's"])


# --- schemas ---------------------------------------------------------------------------


class ProgrammeOut(Schema):
    id: int
    name: str
    description: str
    region: str = Field(validation_alias="region.slug")
    starts_on: dt.date
    ends_on: dt.date
    years: list[int]
    organisations: list[Ref] = Field(description="De uitvoerende organisaties.")
    hours_cap_per_company: Decimal | None = Field(
        description="Maximum uren per bedrijf buiten een traject; leeg: geen maximum."
    )
    can_edit_plan: bool = Field(description="Of u het plan mag wijzigen (PUT .../plan).")

    @staticmethod
    def resolve_organisations(obj: Programme) -> list[Any]:
        return list(obj.organisations.all())

    @staticmethod
    def resolve_can_edit_plan(obj: Programme, context: Any) -> bool:
        return can_edit_plan(context["request"].auth, obj)


class PlanDocProgrammeOut(Schema):
    name: str
    starts_on: dt.date
    ends_on: dt.date


class PlanDocFunderOut(Schema):
    name: str
    kind: FunderKind
    position: int


class PlanDocRateOut(Schema):
    organisation: str
    year: int
    rate: Decimal


class PlanDocActivityTypeOut(Schema):
    code: str
    name: str
    default_hours_per_unit: Decimal | None
    position: int


class PlanDocFundingOut(Schema):
    funder: str
    share: Decimal
    out_of_pocket_incl_vat: Decimal


class PlanDocLineOut(Schema):
    year: int
    activity_type: str
    organisation: str
    description: str
    count: int
    hours_per_unit: Decimal | None
    fixed_hours: Decimal | None
    scheme: str | None
    funders: list[PlanDocFundingOut]


class PlanDocumentOut(Schema):
    version: int
    programme: PlanDocProgrammeOut
    funders: list[PlanDocFunderOut]
    rates: list[PlanDocRateOut]
    activity_types: list[PlanDocActivityTypeOut]
    plan_lines: list[PlanDocLineOut]


class PlanImportCountsOut(Schema):
    created: int
    updated: int
    deleted: int
    unchanged: int


class PlanImportOut(Schema):
    dry_run: bool
    written: bool = Field(description="Of het plan is vervangen (niet bij dry_run).")
    funders: PlanImportCountsOut
    rates: PlanImportCountsOut
    activity_types: PlanImportCountsOut
    plan_lines: PlanImportCountsOut


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """A JSON schema with its ``$defs`` references written out (the OpenAPI document
    has no ``$defs`` of its own)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
        return {k: _inline(v, definitions) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node


def _document_schema() -> dict[str, Any]:
    schema = plan_io.PlanDocument.model_json_schema()
    return dict(_inline(schema, schema.get("$defs", {})))


PLAN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _document_schema()}},
    }
}


# --- endpoints -------------------------------------------------------------------------


def _programmes(request: HttpRequest) -> Any:
    return (
        programmes_visible_to(actor(request))
        .select_related("region")
        .prefetch_related("organisations")
        .order_by("-starts_on", "name", "pk")
    )


@router.get(
    "/programmes", response={200: list[ProgrammeOut], **errors(401, 422)}, summary="Programma's"
)
@paginate(LimitOffset)
def list_programmes(request: HttpRequest) -> Any:
    """De programma's die u ziet: die van uw regio, of die uw organisatie uitvoert."""
    return _programmes(request)


@router.get(
    "/programmes/{int:programme_id}",
    response={200: ProgrammeOut, **errors(401, 404, 422)},
    summary="Programma",
)
def get_programme(request: HttpRequest, programme_id: PathId) -> Any:
    programme = _programmes(request).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


@router.get(
    "/programmes/{int:programme_id}/plan",
    response={200: PlanDocumentOut, **errors(401, 404, 422)},
    summary="Plan van een programma",
)
def get_plan(request: HttpRequest, programme_id: PathId) -> Any:
    """Het plan als één document: financiers, uurtarieven, activiteiten en planregels
    met per financier het aandeel en de out-of-pocketkosten (docs/plan-format.md).
    Bedragen en uren als tekst met een punt. `PUT` met dit document verandert niets."""
    programme = get_programme_for_user(actor(request), programme_id)
    return plan_io.to_document(programme)


def _api_errors(problems: list[plan_io.Problem]) -> FieldError:
    return FieldError(
        [
            {
                "loc": ["body", "payload", *problem.loc] if problem.loc else ["body"],
                "msg": problem.message,
                "type": problem.kind,
            }
            for problem in problems
        ]
    )


@router.put(
    "/programmes/{int:programme_id}/plan",
    response={200: PlanImportOut, **errors(401, 403, 404, 422)},
    summary="Plan vervangen",
    openapi_extra=PLAN_BODY,
)
def put_plan(request: HttpRequest, programme_id: PathId, dry_run: bool = False) -> Any:
    """Vervangt het plan door het document (de structuur van `GET .../plan`): financiers
    en activiteiten op naam en code bijgewerkt, tarieven en planregels vervangen; wat
    ontbreekt wordt verwijderd, tenzij er nog iets naar verwijst. Eerst wordt alles
    gecontroleerd: bij één probleem 422 met alle problemen en hun plek (`loc`), en wordt
    er niets opgeslagen. Getallen als tekst met punt of komma, of als JSON-getal.
    `dry_run=true`: alleen controleren. Alleen programmamanagers en beheerders."""
    user = actor(request)
    try:
        body = request.body
    except RequestDataTooBig:
        body = b"x" * (plan_io.MAX_BYTES + 1)
    parsed = plan_io.parse_json(body)
    if parsed.problems:
        raise _api_errors(parsed.problems)
    programme = get_programme_for_user(user, programme_id)
    result = plan_io.replace_plan(user, programme, parsed, dry_run=dry_run)
    if not result.ok:
        raise _api_errors(result.problems)
    return {"dry_run": result.dry_run, "written": result.written, **result.counts}
