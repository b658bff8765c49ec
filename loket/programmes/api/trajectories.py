"""API: schemes (list, read, create, change) and trajectories (list, create, read, and the
steps of their life: approve, withdraw, the other transitions, and the supplier's
invoice). Money is a string with two decimals, excluding VAT unless a name says
``_incl_vat``.

Reads go through ``queries.py`` (what the user may not see is a 404); changes through
``services/trajectories.py`` (permission 403, rules 422 with the reason). Endpoints only
translate.
"""

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loket.accounts.models import Organisation, User
from loket.casework.queries import cases_visible_to
from loket.catalogue.models import Instrument
from loket.catalogue.queries import region_q
from loket.companies.forms import programme_staff_of
from loket.companies.queries import companies_visible_to
from loket.core.api import (
    MAX_POSITIVE_INT,
    Day,
    Id,
    Input,
    LimitOffset,
    LongText,
    PathId,
    ReqLongText,
    ReqStr50,
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
)
from loket.core.permissions import require
from loket.programmes import queries
from loket.programmes.forms.trajectories import TrajectoryFilterSet
from loket.programmes.models import (
    Funder,
    Programme,
    Scheme,
    Trajectory,
    TrajectoryParticipant,
    Voucher,
)
from loket.programmes.services import schemes as scheme_services
from loket.programmes.services import trajectories as services
from loket.programmes.services import vouchers
from loket.programmes.services.trajectories import MAX_PARTICIPANTS
from loket.programmes.views.trajectories import SORTING

router = Router(tags=["programmes"])

Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Hours = Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=2)]


# --- schemas -------------------------------------------------------------------------


class SchemeFields(Input):
    instrument: Id | None = Field(
        None, description="Id van het instrument in de catalogus: zijn doelgroep mag deelnemen."
    )
    value: Amount | None = Field(None, description="Waarde van een traject, excl. btw.")
    max_granted: Amount | None = Field(None, description="Maximaal toegekend, excl. btw.")
    own_contribution: Amount | None = Field(None, description="Eigen bijdrage, excl. btw.")
    vat_rate: Percent | None = Field(None, description="Btw-tarief in procenten (21).")
    available: int | None = Field(None, ge=0, le=MAX_POSITIVE_INT)
    budget: Amount | None = Field(
        None, description="Leeg: aantal beschikbaar maal het maximaal toegekende bedrag."
    )
    min_participants: int | None = Field(None, ge=1, le=100)
    hours_norm: Hours | None = None
    hours_cap_per_company: Hours | None = None


class SchemeIn(SchemeFields):
    name: ReqStr200
    funder: Id = Field(description="Id van de financier die de toekenningen betaalt.")
    value: Amount = Field(description="Waarde van een traject, excl. btw.")
    max_granted: Amount = Field(description="Maximaal toegekend, excl. btw.")
    available: int = Field(ge=0, le=MAX_POSITIVE_INT)


class SchemePatch(SchemeFields):
    name: ReqStr200 | None = None
    funder: Id | None = None


class SchemeFiguresOut(Schema):
    available: int
    committed_count: int
    remaining_count: int
    budget: Decimal
    budget_incl_vat: Decimal
    committed_amount: Decimal
    committed_amount_incl_vat: Decimal
    remaining_budget: Decimal
    remaining_budget_incl_vat: Decimal
    paid_amount: Decimal
    paid_count: int


class SchemeOut(Schema):
    id: int
    programme: int
    name: str
    instrument: int | None
    funder: int
    value: Decimal
    value_incl_vat: Decimal
    max_granted: Decimal
    max_granted_incl_vat: Decimal
    own_contribution: Decimal
    own_contribution_incl_vat: Decimal
    vat_rate: Decimal
    available: int
    budget: Decimal | None
    total_budget: Decimal
    min_participants: int
    hours_norm: Decimal | None
    hours_cap_per_company: Decimal | None
    figures: SchemeFiguresOut


class TrajectoryCompanyOut(Schema):
    id: int
    name: str
    kvk_number: str


class TrajectoryVoucherOut(Schema):
    code: str
    status: str
    amount: Decimal
    issued_on: dt.date
    invoice_number: str
    invoice_date: dt.date | None
    invoice_amount: Decimal | None
    paid_amount: Decimal | None
    paid_on: dt.date | None


class TrajectoryOut(Schema):
    id: int
    programme: int = Field(validation_alias="programme_id")
    scheme: int = Field(validation_alias="scheme_id")
    title: str
    goal: str
    company: TrajectoryCompanyOut
    participants: list[TrajectoryCompanyOut]
    case: int | None = Field(validation_alias="case_id")
    origin: str
    status: str
    granted_amount: Decimal | None
    specialist: int | None = Field(validation_alias="specialist_id")
    supplier_name: str
    supplier_organisation: int | None = Field(validation_alias="supplier_organisation_id")
    deliverable: str
    applied_on: dt.date
    approved_on: dt.date | None
    started_on: dt.date | None
    completed_on: dt.date | None
    evaluated_on: dt.date | None
    evaluation: str
    withdrawn_on: dt.date | None
    withdrawal_reason: str
    voucher: TrajectoryVoucherOut | None

    @staticmethod
    def resolve_participants(obj: Trajectory) -> list[Any]:
        return [p.company for p in obj.participations.all()]

    @staticmethod
    def resolve_voucher(obj: Trajectory) -> Voucher | None:
        try:
            return obj.voucher
        except Voucher.DoesNotExist:
            return None


class TrajectoryIn(Input):
    scheme: Id
    company: Id = Field(description="Id van het bedrijf: de aanvrager, of de penvoerder.")
    participants: list[Id] = Field(
        default_factory=list,
        max_length=MAX_PARTICIPANTS,
        description="Ids van de andere deelnemende bedrijven (alleen bij een clustertraject).",
    )
    origin: Literal["proposal", "application"] = "proposal"
    title: ReqStr200
    goal: LongText = ""
    applied_on: Day | None = Field(None, description="Leeg: vandaag.")
    case: Id | None = Field(None, description="Id van de hulpvraag van een deelnemer.")
    specialist: Id | None = None
    supplier_name: Str200 = ""
    supplier_organisation: Id | None = None
    deliverable: LongText = ""


class TrajectoryApproveIn(Input):
    granted_amount: Amount | None = Field(
        None, description="Leeg: het maximaal toegekende bedrag van de regeling."
    )
    on: Day | None = Field(None, description="Datum van de goedkeuring; leeg: vandaag.")


class TrajectoryWithdrawIn(Input):
    reason: ReqLongText
    on: Day | None = None


class TrajectoryTransitionIn(Input):
    status: Literal["approved", "running", "completed", "evaluated", "withdrawn"]
    on: Day | None = Field(None, description="Datum van de stap; leeg: vandaag.")
    granted_amount: Amount | None = Field(None, description="Alleen bij approved.")
    deliverable: LongText | None = Field(None, description="Bij completed (verplicht als leeg).")
    evaluation: LongText | None = Field(None, description="Bij evaluated (verplicht).")
    reason: LongText | None = Field(None, description="Bij withdrawn (verplicht).")


class VoucherInvoiceIn(Input):
    invoice_number: ReqStr50
    invoice_date: Day
    invoice_amount: Amount = Field(description="Factuurbedrag excl. btw, groter dan nul.")
    paid_on: Day | None = Field(None, description="Leeg: vandaag.")


# --- helpers -------------------------------------------------------------------------


def _scheme_out(scheme: Scheme, figures: scheme_services.SchemeFigures) -> dict[str, Any]:
    out = {name: getattr(scheme, name) for name in SchemeOut.model_fields if name != "figures"}
    out.update(
        programme=scheme.programme_id,
        instrument=scheme.instrument_id,
        funder=scheme.funder_id,
        figures={
            name: getattr(figures, name)
            for name in SchemeFiguresOut.model_fields
            if hasattr(figures, name)
        },
    )
    return out


def _scheme(user: User, pk: int) -> Scheme:
    scheme = queries.schemes_visible_to(user).select_related("programme").filter(pk=pk).first()
    if scheme is None:
        raise Http404
    return scheme


def _scheme_data(programme: Programme, payload: SchemeFields) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    if "funder" in data:
        funders = Funder.objects.filter(programme=programme)
        data["funder"] = resolve_one(funders, data["funder"], "funder")
        if data["funder"] is None:
            raise field_error("funder", _("Dit veld is verplicht."), "missing")
    if "instrument" in data:
        instruments = Instrument.objects.filter(region_q(programme.region_id)).distinct()
        data["instrument"] = resolve_one(instruments, data["instrument"], "instrument")
    for key in ("name", "value", "max_granted", "available", "vat_rate", "min_participants"):
        if key in data and data[key] is None:
            raise field_error(key, _("Dit veld is verplicht."), "missing")
    if "own_contribution" in data and data["own_contribution"] is None:
        data["own_contribution"] = Decimal("0.00")
    return data


def trajectory_queryset(user: User) -> QuerySet[Trajectory]:
    return (
        queries.trajectories_visible_to(user)
        .select_related("company", "voucher")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=TrajectoryParticipant.objects.select_related("company").order_by(
                    "company__name", "company_id"
                ),
            )
        )
    )


def _trajectory(user: User, pk: int) -> Trajectory:
    return trajectory_queryset(user).get(pk=queries.get_trajectory_for_user(user, pk).pk)


# --- schemes -------------------------------------------------------------------------


@router.get(
    "/programmes/{programme_id}/schemes",
    response={200: list[SchemeOut], **errors(401, 404, 422)},
    summary="Regelingen van een programma",
)
def list_schemes(request: HttpRequest, programme_id: PathId) -> Any:
    """Met per regeling de stand: beschikbaar, toegekend en resterend (aantal en budget,
    excl. en incl. btw)."""
    programme = queries.get_programme_for_user(actor(request), programme_id)
    schemes = list(programme.schemes.order_by("name", "pk"))
    figures = scheme_services.figures_for(schemes)
    return [_scheme_out(s, figures[s.pk]) for s in schemes]


@router.post(
    "/programmes/{programme_id}/schemes",
    response={201: SchemeOut, **errors(401, 403, 404, 422)},
    summary="Regeling aanmaken",
)
def create_scheme(request: HttpRequest, programme_id: PathId, payload: SchemeIn) -> Any:
    """Een eigen bijdrage maakt zo nodig de financier voor de eigen bijdragen van
    ondernemers aan."""
    user = actor(request)
    programme = queries.get_programme_for_user(user, programme_id)
    scheme = scheme_services.create_scheme(user, programme, _scheme_data(programme, payload))
    return Status(201, _scheme_out(scheme, scheme_services.scheme_figures(scheme)))


@router.get(
    "/schemes/{scheme_id}",
    response={200: SchemeOut, **errors(401, 404, 422)},
    summary="Regeling",
)
def get_scheme(request: HttpRequest, scheme_id: PathId) -> Any:
    scheme = _scheme(actor(request), scheme_id)
    return _scheme_out(scheme, scheme_services.scheme_figures(scheme))


@router.patch(
    "/schemes/{scheme_id}",
    response={200: SchemeOut, **errors(401, 403, 404, 422)},
    summary="Regeling wijzigen",
)
def update_scheme(request: HttpRequest, scheme_id: PathId, payload: SchemePatch) -> Any:
    """Het aantal beschikbaar en het budget kunnen niet lager dan wat al is toegekend."""
    user = actor(request)
    scheme = _scheme(user, scheme_id)
    scheme = scheme_services.update_scheme(user, scheme, _scheme_data(scheme.programme, payload))
    return _scheme_out(scheme, scheme_services.scheme_figures(scheme))


# --- trajectories --------------------------------------------------------------------

TrajectoryFilters = filter_schema(
    "TrajectoryFilters", TrajectoryFilterSet, extra={"sort": sort_parameter(SORTING)}
)


@router.get(
    "/programmes/{programme_id}/trajectories",
    response={200: list[TrajectoryOut], **errors(401, 404, 422)},
    summary="Trajecten van een programma",
)
@paginate(LimitOffset)
def list_trajectories(
    request: HttpRequest,
    programme_id: PathId,
    filters: TrajectoryFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """Gefilterd op tekst (`q`: titel, bedrijf, leverancier of vouchercode), `status` en
    `scheme`, gesorteerd zoals op de lijstpagina."""
    user = actor(request)
    programme = queries.get_programme_for_user(user, programme_id)
    queryset = trajectory_queryset(user).filter(programme=programme)
    queryset = apply_filterset(partial(TrajectoryFilterSet, programme=programme), request, queryset)
    return apply_sorting(SORTING, queryset, getattr(filters, "sort", None))


def _trajectory_data(user: User, programme: Programme, payload: TrajectoryIn) -> dict[str, Any]:
    region_companies = companies_visible_to(user).filter(region_id=programme.region_id)
    data: dict[str, Any] = payload.dict()
    data["scheme"] = resolve_one(programme.schemes.all(), payload.scheme, "scheme")
    data["company"] = resolve_one(region_companies, payload.company, "company")
    data["participants"] = resolve_many(region_companies, payload.participants, "participants")
    data["case"] = resolve_one(
        cases_visible_to(user).filter(region_id=programme.region_id), payload.case, "case"
    )
    data["specialist"] = resolve_one(
        programme_staff_of(programme.region_id), payload.specialist, "specialist"
    )
    data["supplier_organisation"] = resolve_one(
        Organisation.objects.filter(region_id=programme.region_id),
        payload.supplier_organisation,
        "supplier_organisation",
    )
    return data


@router.post(
    "/programmes/{programme_id}/trajectories",
    response={201: TrajectoryOut, **errors(401, 403, 404, 422)},
    summary="Traject voorstellen of aanvraag vastleggen",
)
def create_trajectory(request: HttpRequest, programme_id: PathId, payload: TrajectoryIn) -> Any:
    """`origin`: `proposal` (voorstel van een adviseur) of `application` (aanvraag van het
    bedrijf). Het traject begint als `applied`."""
    user = actor(request)
    programme = queries.get_programme_for_user(user, programme_id)
    require(queries.can_propose(user, programme))
    trajectory = services.create_trajectory(
        user, programme, _trajectory_data(user, programme, payload)
    )
    return Status(201, _trajectory(user, trajectory.pk))


@router.get(
    "/trajectories/{trajectory_id}",
    response={200: TrajectoryOut, **errors(401, 404, 422)},
    summary="Traject",
)
def get_trajectory(request: HttpRequest, trajectory_id: PathId) -> Any:
    return _trajectory(actor(request), trajectory_id)


@router.post(
    "/trajectories/{trajectory_id}/approve",
    response={200: TrajectoryOut, **errors(401, 403, 404, 422)},
    summary="Traject goedkeuren",
)
def approve_trajectory(
    request: HttpRequest, trajectory_id: PathId, payload: TrajectoryApproveIn
) -> Any:
    """Alleen een programmamanager. Controleert of elk deelnemend bedrijf aan de criteria
    van de regeling voldoet, het minimum aantal deelnemers, het resterende aantal en het
    resterende budget; anders 422 met de reden. Geeft de voucher uit."""
    user = actor(request)
    trajectory = queries.get_trajectory_for_user(user, trajectory_id)
    services.approve_trajectory(
        user, trajectory, granted_amount=payload.granted_amount, on=payload.on
    )
    return _trajectory(user, trajectory_id)


@router.post(
    "/trajectories/{trajectory_id}/withdraw",
    response={200: TrajectoryOut, **errors(401, 403, 404, 422)},
    summary="Traject intrekken",
)
def withdraw_trajectory(
    request: HttpRequest, trajectory_id: PathId, payload: TrajectoryWithdrawIn
) -> Any:
    """Vóór de afronding, met een reden. Het aantal en het budget komen vrij; een
    uitgegeven voucher vervalt."""
    user = actor(request)
    trajectory = queries.get_trajectory_for_user(user, trajectory_id)
    services.withdraw_trajectory(user, trajectory, reason=payload.reason, on=payload.on)
    return _trajectory(user, trajectory_id)


@router.post(
    "/trajectories/{trajectory_id}/transition",
    response={200: TrajectoryOut, **errors(401, 403, 404, 422)},
    summary="Traject naar de volgende status",
)
def transition_trajectory(
    request: HttpRequest, trajectory_id: PathId, payload: TrajectoryTransitionIn
) -> Any:
    """`approved` (goedkeuren), `running` (starten), `completed` (afronden, met het
    resultaat), `evaluated` (met de evaluatie) of `withdrawn` (met de reden)."""
    user = actor(request)
    trajectory = queries.get_trajectory_for_user(user, trajectory_id)
    kwargs: dict[str, Any] = {"on": payload.on}
    if payload.status == "approved":
        kwargs["granted_amount"] = payload.granted_amount
    elif payload.status == "completed":
        kwargs["deliverable"] = payload.deliverable
    elif payload.status == "evaluated":
        kwargs["evaluation"] = payload.evaluation or ""
    elif payload.status == "withdrawn":
        kwargs["reason"] = payload.reason or ""
    services.transition(user, trajectory, payload.status, **kwargs)
    return _trajectory(user, trajectory_id)


@router.post(
    "/trajectories/{trajectory_id}/invoice",
    response={200: TrajectoryOut, **errors(401, 403, 404, 422)},
    summary="Factuur van de leverancier registreren",
)
def register_invoice(request: HttpRequest, trajectory_id: PathId, payload: VoucherInvoiceIn) -> Any:
    """Verzilvert de voucher: betaald wordt het factuurbedrag, hoogstens de waarde van de
    voucher. Eén factuur per voucher; niet op een vervallen voucher."""
    user = actor(request)
    trajectory = queries.get_trajectory_for_user(user, trajectory_id)
    vouchers.register_invoice(
        user,
        trajectory,
        invoice_number=payload.invoice_number,
        invoice_date=payload.invoice_date,
        invoice_amount=payload.invoice_amount,
        paid_on=payload.paid_on,
    )
    return _trajectory(user, trajectory_id)
