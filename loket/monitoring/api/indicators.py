"""API: a programme's action lines, indicators and targets, an indicator's figure for a
period and the records behind it.

- ``GET/POST /programmes/{id}/action-lines``, ``PATCH/DELETE /action-lines/{id}``;
- ``GET/POST /programmes/{id}/indicators``, ``GET/PATCH/DELETE /indicators/{id}``;
- ``POST /indicators/{id}/targets``, ``PATCH/DELETE /targets/{id}``;
- ``GET /indicators/{id}/value?year=&quarter=``: the figure (the viewer's share);
- ``GET /indicators/{id}/records?year=&quarter=``: ids and dates of the records behind it
  that the viewer may see (paginated).

Whoever sees the programme reads; programme managers and administrators change (403 for
the others, 404 for who does not see the programme). Themes and needs by slug, the rest
by id; an id the programme cannot use answers 422 on its field.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.db.models import CharField, DateField, F, QuerySet, Value
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loket.accounts.models import Organisation
from loket.core.api import (
    FieldError,
    Id,
    Input,
    LimitOffset,
    LongText,
    PathId,
    ReqStr200,
    Slug,
    actor,
    choice_of,
    errors,
    field_error,
    resolve_one,
)
from loket.core.models import Municipality, Need, Theme
from loket.monitoring import measures
from loket.monitoring.figures import THRESHOLD, target_text, unit
from loket.monitoring.measures import Spec
from loket.monitoring.models import ActionLine, Indicator, Measure, Target
from loket.monitoring.queries import get_indicator_for_user, share_of
from loket.monitoring.services import indicators as services
from loket.monitoring.traceability import trace
from loket.programmes.models import Programme, Scheme
from loket.programmes.queries import get_programme_for_user, programmes_visible_to

if TYPE_CHECKING:
    MeasureChoice = str
    PeriodChoice = str
else:
    MeasureChoice = choice_of(Measure)
    PeriodChoice = choice_of(Target.Period)

router = Router(tags=["indicatoren"])

Position = Annotated[int, Field(ge=0, le=32767)]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)]
Year = Annotated[int, Field(ge=2000, le=2100)]
Quarter = Annotated[int, Field(ge=1, le=4)]
SizeChoice = Literal["", "zzp", "micro", "small", "medium", "large"]
StarterChoice = Literal["", "yes", "no"]
EventKindChoice = Literal[
    "", "network", "workshop", "masterclass", "cafe", "webinar", "table", "other"
]
NewnessChoice = Literal["", "new", "known"]


# --- schemas ---------------------------------------------------------------------------


class ActionLineIn(Input):
    name: ReqStr200
    description: LongText = ""
    position: Position | None = None


class ActionLinePatch(Input):
    name: ReqStr200 | None = None
    description: LongText | None = None
    position: Position | None = None


class ActionLineOut(Schema):
    id: int
    name: str
    description: str
    position: int


class IndicatorFields(Input):
    action_line: Id | None = Field(None, description="Id van een actielijn van het programma.")
    name: ReqStr200 | None = None
    measure: MeasureChoice | None = Field(None, description="Wat de indicator telt.")
    theme: Slug | None = Field(None, description="Slug.")
    need: Slug | None = Field(None, description="Slug.")
    organisation: Id | None = None
    municipality: Id | None = None
    size_class: SizeChoice | None = None
    starter: StarterChoice | None = None
    scheme: Id | None = Field(None, description="Id van een regeling van het programma.")
    event_kind: EventKindChoice | None = None
    newness: NewnessChoice | None = None
    description: LongText | None = None
    position: Position | None = None


class IndicatorIn(IndicatorFields):
    action_line: Id
    name: ReqStr200
    measure: MeasureChoice


class IndicatorPatch(IndicatorFields):
    pass


class TargetIn(Input):
    period: PeriodChoice
    year: Year | None = Field(None, description="Bij een doel per jaar of kwartaal.")
    quarter: Quarter | None = Field(None, description="Alleen bij een doel per kwartaal.")
    minimum: Amount
    maximum: Amount | None = Field(None, description="Alleen bij een bandbreedte (5-10).")


class TargetPatch(Input):
    period: PeriodChoice | None = None
    year: Year | None = None
    quarter: Quarter | None = None
    minimum: Amount | None = None
    maximum: Amount | None = None


class TargetOut(Schema):
    id: int
    period: str
    year: int | None
    quarter: int | None
    minimum: Decimal
    maximum: Decimal | None
    text: str = Field(description="Het doel als tekst: '150' of '5-10'.")

    @staticmethod
    def resolve_text(obj: Target) -> str:
        return target_text(obj)


class IndicatorOut(Schema):
    id: int
    action_line: int = Field(validation_alias="action_line_id")
    name: str
    measure: str
    unit: str
    theme: str | None = Field(None, validation_alias="theme.slug")
    need: str | None = Field(None, validation_alias="need.slug")
    organisation: int | None = Field(validation_alias="organisation_id")
    municipality: int | None = Field(validation_alias="municipality_id")
    size_class: str
    starter: str
    scheme: int | None = Field(validation_alias="scheme_id")
    event_kind: str
    newness: str
    description: str
    position: int
    targets: list[TargetOut]

    @staticmethod
    def resolve_unit(obj: Indicator) -> str:
        return unit(obj.measure)

    @staticmethod
    def resolve_targets(obj: Indicator) -> list[Target]:
        return list(obj.targets.all())


class IndicatorPeriodQuery(Schema):
    year: Year | None = Field(None, description="Leeg: de hele programmaperiode.")
    quarter: Quarter | None = Field(None, description="Met year: dat kwartaal.")


class IndicatorValueOut(Schema):
    indicator: int
    start: dt.date
    end: dt.date
    value: Decimal | None = Field(description="Leeg bij een cijfer op minder dan 5 antwoorden.")
    unit: str
    suppressed: bool
    share: list[int] | None = Field(
        description="De organisaties waarvan u het aandeel ziet; leeg: het hele programma."
    )


class IndicatorRecordOut(Schema):
    id: int
    kind: str = Field(
        validation_alias="record_kind",
        description="Soort record, bijvoorbeeld contactmoment of bedrijf.",
    )
    date: dt.datetime | dt.date | None = Field(validation_alias="record_date")


# --- helpers ---------------------------------------------------------------------------


def _programme(request: HttpRequest, pk: int) -> Programme:
    return get_programme_for_user(actor(request), pk)


def _indicators(programme_ids: Any) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(programme__in=programme_ids)
        .select_related("theme", "need")
        .prefetch_related("targets")
        .order_by("action_line__position", "position", "name", "pk")
    )


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    found = _indicators(programmes_visible_to(actor(request))).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _part(request: HttpRequest, model: Any, pk: int, programme_path: str) -> Any:
    found = (
        model.objects.filter(
            **{f"{programme_path}__in": programmes_visible_to(actor(request))}, pk=pk
        )
        .select_related(programme_path)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _indicator_data(programme: Programme, payload: IndicatorFields) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    region = programme.region_id
    lookups: dict[str, tuple[QuerySet[Any], str]] = {
        "action_line": (ActionLine.objects.filter(programme=programme), "pk"),
        "organisation": (Organisation.objects.filter(region_id=region), "pk"),
        "municipality": (Municipality.objects.filter(region_id=region), "pk"),
        "scheme": (Scheme.objects.filter(programme=programme), "pk"),
        "theme": (Theme.objects.all(), "slug"),
        "need": (Need.objects.all(), "slug"),
    }
    for name, (queryset, key) in lookups.items():
        if name in data and data[name] is not None:
            if key == "slug":
                found = queryset.filter(slug=data[name]).first()
                if found is None:
                    raise field_error(
                        name,
                        _("Onbekend of niet toegankelijk: %(id)s.") % {"id": data[name]},
                        "unknown",
                    )
                data[name] = found
            else:
                data[name] = resolve_one(queryset, data[name], name)
    for name in ("size_class", "starter", "event_kind", "newness", "description"):
        if name in data and data[name] is None:
            data[name] = ""
    for name in ("name", "measure", "action_line", "position"):
        if name in data and data[name] is None:
            del data[name]
    return data


def _bounds(programme: Programme, query: IndicatorPeriodQuery) -> tuple[dt.date, dt.date]:
    def refuse(field: str, message: str) -> FieldError:
        return FieldError([{"loc": ["query", field], "msg": message, "type": "invalid"}])

    if query.quarter is not None and query.year is None:
        raise refuse("year", _("Kies het jaar bij het kwartaal."))
    if query.year is None:
        return programme.starts_on, programme.ends_on
    if query.year not in programme.years:
        raise refuse("year", _("Kies een jaar binnen de looptijd van het programma."))
    if query.quarter is not None:
        from loket.programmes.periods import quarter_bounds

        return quarter_bounds(query.year, query.quarter)
    from loket.programmes.periods import year_bounds

    return year_bounds(programme, query.year)


# --- action lines ----------------------------------------------------------------------


@router.get(
    "/programmes/{int:programme_id}/action-lines",
    response={200: list[ActionLineOut], **errors(401, 404, 422)},
    summary="Actielijnen van een programma",
)
def list_action_lines(request: HttpRequest, programme_id: PathId) -> Any:
    programme = _programme(request, programme_id)
    return ActionLine.objects.filter(programme=programme).order_by("position", "name", "pk")


@router.post(
    "/programmes/{int:programme_id}/action-lines",
    response={201: ActionLineOut, **errors(401, 403, 404, 422)},
    summary="Actielijn toevoegen",
)
def create_action_line(request: HttpRequest, programme_id: PathId, payload: ActionLineIn) -> Any:
    programme = _programme(request, programme_id)
    data = payload.dict(exclude_none=True)
    return Status(201, services.create_action_line(actor(request), programme, data))


@router.patch(
    "/action-lines/{int:action_line_id}",
    response={200: ActionLineOut, **errors(401, 403, 404, 422)},
    summary="Actielijn wijzigen",
)
def update_action_line(
    request: HttpRequest, action_line_id: PathId, payload: ActionLinePatch
) -> Any:
    line = _part(request, ActionLine, action_line_id, "programme")
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.update_action_line(actor(request), line, data)


@router.delete(
    "/action-lines/{int:action_line_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Actielijn verwijderen",
)
def delete_action_line(request: HttpRequest, action_line_id: PathId) -> Any:
    """Alleen een actielijn zonder indicatoren (422 noemt ze)."""
    line = _part(request, ActionLine, action_line_id, "programme")
    services.delete_action_line(actor(request), line)
    return Status(204, None)


# --- indicators ------------------------------------------------------------------------


@router.get(
    "/programmes/{int:programme_id}/indicators",
    response={200: list[IndicatorOut], **errors(401, 404, 422)},
    summary="Indicatoren van een programma",
)
def list_indicators(request: HttpRequest, programme_id: PathId) -> Any:
    """Met hun doelen, in de volgorde van actielijn en positie."""
    programme = _programme(request, programme_id)
    return _indicators([programme.pk])


@router.post(
    "/programmes/{int:programme_id}/indicators",
    response={201: IndicatorOut, **errors(401, 403, 404, 422)},
    summary="Indicator toevoegen",
)
def create_indicator(request: HttpRequest, programme_id: PathId, payload: IndicatorIn) -> Any:
    """Een meting (`measure`) met filters; een filter dat niet bij de meting past geeft
    422 op dat veld."""
    programme = _programme(request, programme_id)
    indicator = services.create_indicator(
        actor(request), programme, _indicator_data(programme, payload)
    )
    return Status(201, _indicator(request, indicator.pk))


@router.get(
    "/indicators/{int:indicator_id}",
    response={200: IndicatorOut, **errors(401, 404, 422)},
    summary="Indicator",
)
def get_indicator(request: HttpRequest, indicator_id: PathId) -> Any:
    return _indicator(request, indicator_id)


@router.patch(
    "/indicators/{int:indicator_id}",
    response={200: IndicatorOut, **errors(401, 403, 404, 422)},
    summary="Indicator wijzigen",
)
def update_indicator(request: HttpRequest, indicator_id: PathId, payload: IndicatorPatch) -> Any:
    """Alleen de meegestuurde velden veranderen; `null` wist een filter."""
    indicator = _part(request, Indicator, indicator_id, "programme")
    data = _indicator_data(indicator.programme, payload)
    services.update_indicator(actor(request), indicator, data)
    return _indicator(request, indicator_id)


@router.delete(
    "/indicators/{int:indicator_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Indicator verwijderen",
)
def delete_indicator(request: HttpRequest, indicator_id: PathId) -> Any:
    """Met zijn doelen; ingediende rapportages houden hun cijfers."""
    indicator = _part(request, Indicator, indicator_id, "programme")
    services.delete_indicator(actor(request), indicator)
    return Status(204, None)


# --- targets ---------------------------------------------------------------------------


@router.post(
    "/indicators/{int:indicator_id}/targets",
    response={201: TargetOut, **errors(401, 403, 404, 422)},
    summary="Doel toevoegen",
)
def create_target(request: HttpRequest, indicator_id: PathId, payload: TargetIn) -> Any:
    """Per jaar (`year`), kwartaal (`year` en `quarter`) of de hele programmaperiode;
    binnen de looptijd van het programma. Een bandbreedte met `maximum`."""
    indicator = _part(request, Indicator, indicator_id, "programme")
    return Status(201, services.create_target(actor(request), indicator, payload.dict()))


@router.patch(
    "/targets/{int:target_id}",
    response={200: TargetOut, **errors(401, 403, 404, 422)},
    summary="Doel wijzigen",
)
def update_target(request: HttpRequest, target_id: PathId, payload: TargetPatch) -> Any:
    target = _part(request, Target, target_id, "indicator__programme")
    data = payload.dict(exclude_unset=True)
    if "minimum" in data and data["minimum"] is None:
        del data["minimum"]
    if "period" in data and data["period"] is None:
        del data["period"]
    return services.update_target(actor(request), target, data)


@router.delete(
    "/targets/{int:target_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Doel verwijderen",
)
def delete_target(request: HttpRequest, target_id: PathId) -> Any:
    target = _part(request, Target, target_id, "indicator__programme")
    services.delete_target(actor(request), target)
    return Status(204, None)


# --- figures and records -----------------------------------------------------------------


@router.get(
    "/indicators/{int:indicator_id}/value",
    response={200: IndicatorValueOut, **errors(401, 404, 422)},
    summary="Cijfer van een indicator",
)
def indicator_value(
    request: HttpRequest,
    indicator_id: PathId,
    params: IndicatorPeriodQuery = Query(...),  # noqa: B008
) -> Any:
    """Het cijfer over een kwartaal (`year` en `quarter`), een jaar (`year`) of de hele
    programmaperiode. Medewerkers van een uitvoerende organisatie zien het aandeel van hun
    organisatie. Een gemiddeld rapportcijfer op minder dan 5 antwoorden blijft leeg."""
    user = actor(request)
    indicator = get_indicator_for_user(user, indicator_id)
    programme = indicator.programme
    start, end = _bounds(programme, params)
    share = share_of(user, programme)
    ids = sorted(share) if share is not None else None
    spec = Spec.of(indicator)
    value: Decimal | None = measures.value(programme, spec, start, end, ids)
    suppressed = False
    if indicator.measure == Measure.SATISFACTION and (
        measures.answers_count(programme, spec, start, end, ids) < THRESHOLD
    ):
        value, suppressed = None, True
    return {
        "indicator": indicator.pk,
        "start": start,
        "end": end,
        "value": value,
        "unit": unit(indicator.measure),
        "suppressed": suppressed,
        "share": ids,
    }


@router.get(
    "/indicators/{int:indicator_id}/records",
    response={200: list[IndicatorRecordOut], **errors(401, 404, 422)},
    summary="Records achter het cijfer van een indicator",
)
@paginate(LimitOffset)
def indicator_records(
    request: HttpRequest,
    indicator_id: PathId,
    params: IndicatorPeriodQuery = Query(...),  # noqa: B008
) -> Any:
    """De records die het cijfer vormen en die u mag zien (id, soort en datum), nieuwste
    eerst. Bij unieke bedrijven zijn het de bedrijven."""
    user = actor(request)
    indicator = get_indicator_for_user(user, indicator_id)
    programme = indicator.programme
    start, end = _bounds(programme, params)
    result = trace(user, programme, Spec.of(indicator), start, end)
    kind = result.rows.model._meta.model_name
    date = F(result.date_path) if result.date_path else Value(None, output_field=DateField())
    return (
        result.rows.select_related(None)
        .annotate(record_kind=Value(kind, output_field=CharField()), record_date=date)
        .only("pk")
    )
