"""API: the realisation of a programme against its plan for a quarter and cumulative
(``realisation.py``). Money and hours are strings with two decimals, percentages strings
with full precision; whoever sees the programme may read it (404 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from loket.core.api import FieldError, PathId, actor, errors
from loket.programmes import queries
from loket.programmes.periods import default_period, period_problem
from loket.programmes.realisation import realisation

router = Router(tags=["programmes"])


class PeriodIn(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="Jaar; leeg: het jaar van het standaardkwartaal."
    )
    quarter: int | None = Field(
        None,
        ge=1,
        le=4,
        description="Kwartaal 1-4; leeg: het huidige kwartaal binnen de looptijd, anders het "
        "dichtstbijzijnde.",
    )


class RealisationFiguresOut(Schema):
    hours: str
    hours_amount: str = Field(description="Uren maal tarief, excl. btw.")
    out_of_pocket_incl_vat: str
    total: str
    trajectories_started: int
    trajectories_completed: int
    vouchers_paid: int


class RealisationMeasureOut(Schema):
    percent: str | None = Field(description="Gerealiseerd (cumulatief) in % van gepland.")
    expected_percent: str | None = Field(description="Verwacht deel aan het eind van het kwartaal.")
    status: Literal["over", "under", "ok"]


class RealisationMeasuresOut(Schema):
    hours: RealisationMeasureOut
    total: RealisationMeasureOut
    trajectories_started: RealisationMeasureOut
    trajectories_completed: RealisationMeasureOut
    vouchers_paid: RealisationMeasureOut


class RealisationComparisonOut(Schema):
    planned: RealisationFiguresOut
    quarter: RealisationFiguresOut
    cumulative: RealisationFiguresOut
    measures: RealisationMeasuresOut


class RealisationLineOut(RealisationComparisonOut):
    plan_line_id: int | None
    in_plan: bool
    year: int
    activity_type: str | None
    organisation: str | None
    scheme: str | None
    description: str


class RealisationFunderOut(RealisationComparisonOut):
    funder_id: int | None = Field(description="Leeg: wat bij geen financier hoort.")
    name: str
    kind: str | None


class RealisationToDateOut(Schema):
    per_funder: list[RealisationFunderOut]
    totals: RealisationComparisonOut


class RealisationProgrammeRef(Schema):
    id: int
    name: str


class RealisationOut(Schema):
    programme: RealisationProgrammeRef
    year: int
    quarter: int
    quarter_starts_on: dt.date
    quarter_ends_on: dt.date
    cumulative_from: dt.date
    expected_percent: str | None
    lines: list[RealisationLineOut]
    per_funder: list[RealisationFunderOut]
    totals: RealisationComparisonOut
    to_date: RealisationToDateOut
    problems: list[str]


@router.get(
    "/programmes/{programme_id}/realisation",
    response={200: RealisationOut, **errors(401, 404, 422)},
    summary="Realisatie tegenover het plan",
    description=(
        "Per planregel en per financier: gepland tegenover gerealiseerd (uren, bedragen, "
        "trajecten gestart en afgerond, vouchers betaald) in het kwartaal en cumulatief "
        "vanaf de start van het programma tot en met het eind van het kwartaal, met "
        "signalen: `over` (meer dan 100 % van gepland) en `under` (meer dan 10 "
        "procentpunt achter op het verwachte deel)."
    ),
)
def get_realisation(
    request: HttpRequest,
    programme_id: PathId,
    period: Query[PeriodIn],
) -> Any:
    programme = queries.get_programme_for_user(actor(request), programme_id)
    year, quarter = default_period(programme, timezone.localdate(), period.year)
    if period.year is not None and period.year not in programme.years:
        raise FieldError(
            [
                {
                    "loc": ["query", "year"],
                    "msg": _("Dit jaar valt buiten de looptijd van het programma."),
                    "type": "invalid",
                }
            ]
        )
    if period.quarter is not None:
        quarter = period.quarter
    problem = period_problem(programme, year, quarter)
    if problem:
        raise FieldError([{"loc": ["query", "quarter"], "msg": problem, "type": "invalid"}])
    return realisation(programme, year, quarter).as_dict()
