"""API: the programme dashboard's figures for a quarter (``monitoring.dashboard``): the
same data as the page. Figures are strings of exact decimals; ``*_url`` fields link to
the page with the records behind a figure. Whoever sees the programme may read it (404
otherwise); a partner gets the share of their organisations (``share`` lists them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from loket.core.api import FieldError, PathId, actor, errors
from loket.monitoring.dashboard import dashboard_data
from loket.monitoring.queries import share_of
from loket.programmes.periods import default_period, period_problem
from loket.programmes.queries import get_programme_for_user

router = Router(tags=["monitoring"])


class DashboardPeriodIn(Schema):
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


class DashboardProgrammeRef(Schema):
    id: int
    name: str


class DashboardPeriodOut(Schema):
    label: str = Field(description='Bijvoorbeeld "2026 K2".')
    start: str
    end: str
    year_start: str = Field(description="Begin van het jaar tot nu (binnen de looptijd).")


class DashboardTargetOut(Schema):
    period: str
    minimum: str
    maximum: str | None
    text: str


class DashboardPointOut(Schema):
    label: str
    year: int
    quarter: int
    value: str | None = Field(description="Leeg: een gemiddelde op minder dan 5 antwoorden.")
    url: str


class DashboardIndicatorOut(Schema):
    id: int
    name: str
    measure: str
    unit: str
    target: DashboardTargetOut | None
    quarter: str | None
    cumulative: str | None
    percent: str | None
    status: str = Field(description="reached, on_track, behind of leeg (geen doel).")
    suppressed: bool
    quarter_url: str
    cumulative_url: str
    series: list[DashboardPointOut]


class DashboardActionLineOut(Schema):
    id: int
    name: str
    indicators: list[DashboardIndicatorOut]


class DashboardReachRowOut(Schema):
    municipality_id: int | None = Field(description="Leeg: bedrijven zonder gemeente.")
    municipality: str | None
    quarter: str
    year: str
    quarter_url: str | None
    year_url: str | None


class DashboardReachOut(Schema):
    rows: list[DashboardReachRowOut]


class DashboardNewnessOut(Schema):
    label: str
    year: int
    quarter: int
    new: str
    known: str
    reached: str
    new_url: str
    known_url: str


class DashboardNeedOut(Schema):
    need_id: int | None
    need: str
    count: int
    url: str | None


class DashboardSatisfactionOut(Schema):
    label: str
    year: int
    quarter: int
    average: str | None = Field(description="Leeg onder de drempel van 5 antwoorden.")
    answers: int
    suppressed: bool
    url: str


class DashboardOut(Schema):
    programme: DashboardProgrammeRef
    year: int
    quarter: int
    period: DashboardPeriodOut
    share: list[int] | None = Field(
        description="Leeg: het hele programma; anders de organisaties wier aandeel telt."
    )
    generated_at: str
    stale: bool = Field(
        description="Waar: berekend vóór de laatste wijziging in de regio; de cijfers worden "
        "op de achtergrond opnieuw berekend (zie generated_at)."
    )
    threshold: int
    realisation: list[DashboardActionLineOut]
    reach: DashboardReachOut
    newness: list[DashboardNewnessOut]
    needs: list[DashboardNeedOut]
    satisfaction: list[DashboardSatisfactionOut]


@router.get(
    "/programmes/{programme_id}/dashboard",
    response={200: DashboardOut, **errors(401, 404, 422)},
    summary="Dashboard van een programma",
    description=(
        "Realisatie tegenover doel per actielijn (per kwartaal sinds de start), bereik per "
        "gemeente (kwartaal en jaar tot nu), nieuwe tegenover bekende bedrijven per "
        "kwartaal, de vijf meest gehoorde behoeften en de tevredenheid per kwartaal (een "
        "gemiddelde op minder dan 5 antwoorden wordt niet gegeven). Een partner krijgt het "
        "aandeel van de eigen organisatie."
    ),
)
def get_dashboard(
    request: HttpRequest,
    programme_id: PathId,
    period: Query[DashboardPeriodIn],
) -> Any:
    user = actor(request)
    programme = get_programme_for_user(user, programme_id)
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
    year, quarter = default_period(programme, timezone.localdate(), period.year)
    if period.quarter is not None:
        quarter = period.quarter
    problem = period_problem(programme, year, quarter)
    if problem:
        raise FieldError([{"loc": ["query", "quarter"], "msg": problem, "type": "invalid"}])
    return dashboard_data(programme, year, quarter, share_of(user, programme))
