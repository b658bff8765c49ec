"""The municipality view in the API: what the programme did in one municipality.

``GET /municipalities/{id}/programme-figures?year=&quarter=``: per programme of the
region running in the quarter, the figures of the quarter and of the year to date and
the top needs (``loket.monitoring.municipality``). Programme staff of the region and the
staff of the municipality's own organisation may ask; anyone else gets 404. Aggregates
only: no company is named.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from loket.core.api import FieldError, PathId, actor, errors
from loket.monitoring import municipality as figures
from loket.monitoring.forms.municipality import FIRST_YEAR, LAST_YEAR
from loket.monitoring.queries import get_municipality_for_user

router = Router(tags=["monitoring"])


class MunicipalityFiguresQuery(Schema):
    year: int | None = Field(None, description="Jaar; standaard het lopende.")
    quarter: int | None = Field(None, description="Kwartaal 1-4; standaard het lopende.")


class MunicipalityFiguresFigureOut(Schema):
    key: str = Field(description="Bijvoorbeeld companies_helped, events_held, euros_paid.")
    label: str
    unit: str = Field(description="count of money (euro's excl. btw).")
    quarter: Decimal
    year_to_date: Decimal


class MunicipalityFiguresNeedOut(Schema):
    need: str
    contact_moments: int


class MunicipalityFiguresProgrammeOut(Schema):
    id: int
    name: str
    quarter_start: dt.date
    quarter_end: dt.date
    year_to_date_start: dt.date
    figures: list[MunicipalityFiguresFigureOut]
    needs: list[MunicipalityFiguresNeedOut] = Field(description="De top 5 van het kwartaal.")


class MunicipalityFiguresOut(Schema):
    municipality_id: int
    municipality: str
    year: int
    quarter: int
    label: str
    start: dt.date
    end: dt.date
    programmes: list[MunicipalityFiguresProgrammeOut]


def _query_error(field: str, message: str) -> FieldError:
    return FieldError([{"loc": ["query", field], "msg": message, "type": "invalid"}])


@router.get(
    "/municipalities/{municipality_id}/programme-figures",
    response={200: MunicipalityFiguresOut, **errors(401, 404, 422)},
    summary="Wat het programma deed in een gemeente",
)
def municipality_figures(
    request: HttpRequest,
    municipality_id: PathId,
    params: MunicipalityFiguresQuery = Query(...),  # noqa: B008
) -> Any:
    """Per programme van de regio dat in het kwartaal loopt: bedrijven geholpen (en
    nieuw), hulpvragen, intakes, evenementen in de gemeente en hun bezoeken, bedrijven
    uit de gemeente op een evenement, trajecten gestart en afgerond, vouchers en euro's
    uitbetaald, voor het kwartaal en het jaar tot nu; en de top 5 behoeften."""
    municipality = get_municipality_for_user(actor(request), municipality_id)
    year, quarter = figures.default_period()
    if params.year is not None:
        if not FIRST_YEAR <= params.year <= LAST_YEAR:
            raise _query_error(
                "year",
                _("Kies een jaar van %(first)s tot en met %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        year = params.year
    if params.quarter is not None:
        if not 1 <= params.quarter <= 4:
            raise _query_error("quarter", _("Kies een kwartaal van 1 tot en met 4."))
        quarter = params.quarter
    data = figures.municipality_data(municipality, year, quarter)
    return {
        "municipality_id": municipality.pk,
        "municipality": municipality.name,
        "year": data["year"],
        "quarter": data["quarter"],
        "label": data["label"],
        "start": data["start"],
        "end": data["end"],
        "programmes": [
            {
                "id": programme["id"],
                "name": programme["name"],
                "quarter_start": programme["quarter_start"],
                "quarter_end": programme["quarter_end"],
                "year_to_date_start": programme["ytd_start"],
                "figures": [
                    {
                        "key": row["key"],
                        "label": str(figures.FIGURES[row["key"]][0]),
                        "unit": row["unit"],
                        "quarter": row["quarter"],
                        "year_to_date": row["ytd"],
                    }
                    for row in programme["figures"]
                ],
                "needs": [
                    {"need": figures.need_name(need), "contact_moments": need["count"]}
                    for need in programme["needs"]
                ],
            }
            for programme in data["programmes"]
        ],
    }
