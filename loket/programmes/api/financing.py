"""API: the financing overview of a programme's plan (``financing.overview``) as JSON.

Amounts and hours are strings with two decimals (never floats), shares in percent are
strings with their full precision: round them only to show them. Whoever sees the
programme sees its overview; another programme is a 404.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from loket.core.api import FieldError, PathId, actor, errors
from loket.programmes import queries
from loket.programmes.financing import overview

router = Router(tags=["programmes"])

Money = str
MONEY = 'Bedrag of uren als tekst met twee decimalen, bijvoorbeeld "1234.50".'
SHARE = 'Percentage als tekst in volle precisie, bijvoorbeeld "33.3333333333"; rond af om te tonen.'


class FinancingProgrammeRef(Schema):
    id: int
    name: str


class FinancingFunderOut(Schema):
    id: int
    name: str
    kind: str = Field(description="province, municipality, chamber, national, eu, companies, other")


class FinancingLineFunderOut(Schema):
    funder_id: int
    hours_share: str = Field(description=SHARE)
    hours: Money = Field(description=MONEY)
    hours_amount: Money = Field(description="Excl. btw.")
    out_of_pocket_incl_vat: Money = Field(
        description="Ingevoerde out-of-pocket plus, bij een regeling, per traject het "
        "toegekende bedrag (financier van de regeling) of de eigen bijdrage (ondernemers), "
        "incl. btw."
    )
    total: Money


class FinancingLineOut(Schema):
    id: int
    year: int
    activity_type: str
    organisation: str
    description: str
    count: int
    hours_per_unit: Money | None
    fixed_hours: Money | None
    scheme: str | None
    hours: Money
    rate: Money | None = Field(description="Uurtarief excl. btw; leeg als er geen is.")
    hours_amount: Money
    out_of_pocket_incl_vat: Money
    total: Money
    unassigned_hours: Money = Field(description="Uren die geen financier betaalt.")
    unassigned_hours_amount: Money
    funders: list[FinancingLineFunderOut]


class FinancingFunderTotalsOut(Schema):
    funder_id: int
    name: str
    hours: Money
    hours_amount: Money
    hours_share: str = Field(description="Aandeel in alle uren. " + SHARE)
    out_of_pocket_incl_vat: Money
    total: Money
    total_share: str = Field(description="Aandeel in het totaal. " + SHARE)


class FinancingTotalsOut(Schema):
    hours: Money
    hours_amount: Money
    out_of_pocket_incl_vat: Money
    total: Money
    unassigned_hours: Money
    unassigned_hours_amount: Money


class FinancingOut(Schema):
    programme: FinancingProgrammeRef
    year: int | None = Field(description="Het gekozen jaar; leeg: de hele looptijd.")
    funders: list[FinancingFunderOut]
    lines: list[FinancingLineOut]
    per_funder: list[FinancingFunderTotalsOut]
    totals: FinancingTotalsOut
    problems: list[str] = Field(description="Wat het overzicht onvolledig maakt.")


class YearFilter(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="Alleen de planregels van dit jaar."
    )


@router.get(
    "/programmes/{int:programme_id}/financing",
    response={200: FinancingOut, **errors(401, 404, 422)},
    summary="Financieringsoverzicht",
)
def get_financing(request: HttpRequest, programme_id: PathId, filters: Query[YearFilter]) -> Any:
    """Het financieringsoverzicht van het plan: per planregel de uren, het bedrag tegen
    het uurtarief en de out-of-pocket per financier; per financier de uren, het bedrag,
    het aandeel in de uren, de out-of-pocket, het totaal en het aandeel in het totaal; en
    de totalen. Alles telt op tot op de cent."""
    programme = queries.get_programme_for_user(actor(request), programme_id)
    year = filters.year
    if year is not None and year not in programme.years:
        years = programme.years
        raise FieldError(
            [
                {
                    "loc": ["query", "year"],
                    "msg": _("Kies een jaar van het programma (%(first)s tot en met %(last)s).")
                    % {"first": years[0], "last": years[-1]},
                    "type": "invalid",
                }
            ]
        )
    return overview(programme, year).as_dict()
