"""API: the satisfaction survey's settings of the user's region and a programme's
results (aggregated, with the same threshold of 5 answers as the pages).

- ``GET /survey/settings``: programme staff read their region's settings (anyone else:
  404); ``PATCH`` changes them (programme managers and administrators; other programme
  staff: 403; the rules, such as a reminder after the link expires: 422).
- ``GET /programmes/{id}/satisfaction``: the summary and the breakdowns per
  organisation, advisor, instrument and quarter for a year or a quarter (``year``,
  ``quarter``; none: this year). Programme staff of the region; someone who sees the
  programme but is not programme staff: 403; who does not: 404.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from loket.core.api import Input, PathId, actor, errors, field_error
from loket.monitoring import queries, satisfaction
from loket.monitoring.services import survey as services
from loket.programmes.queries import get_programme_for_user

router = Router(tags=["tevredenheid"])


class SurveySettingsOut(Schema):
    region: int = Field(validation_alias="region_id")
    active: bool
    delay_days: int
    reminder_days: int
    valid_days: int


class SurveySettingsPatchIn(Input):
    active: bool | None = Field(None, description="Uitnodigingen versturen of niet.")
    delay_days: int | None = Field(
        None, ge=0, le=180, description="Dagen na afsluiten of afronden (0-180)."
    )
    reminder_days: int | None = Field(
        None, ge=1, le=60, description="Herinnering na zoveel dagen (1-60)."
    )
    valid_days: int | None = Field(None, ge=2, le=180, description="Link geldig (2-180 dagen).")


class SatisfactionPeriodOut(Schema):
    start: str
    end: str
    label: str


class SatisfactionCommentsOut(Schema):
    helped: list[str]
    improve: list[str]


class SatisfactionSummaryOut(Schema):
    answers: int
    sent: int
    response_rate: str | None = Field(description="Percentage, één decimaal.")
    average: str | None = Field(description="Null onder de 5 antwoorden.")
    distribution: dict[str, int] | None
    recommend: dict[str, int] | None
    comments: SatisfactionCommentsOut | None
    suppressed: bool


class SatisfactionGroupOut(Schema):
    key: int | str | None
    label: str
    answers: int
    average: str | None = Field(description="Null onder de 5 antwoorden.")
    sent: int
    response_rate: str | None
    suppressed: bool


class SatisfactionBreakdownsOut(Schema):
    organisation: list[SatisfactionGroupOut]
    owner: list[SatisfactionGroupOut]
    instrument: list[SatisfactionGroupOut]
    quarter: list[SatisfactionGroupOut]


class SatisfactionOut(Schema):
    programme: int
    period: SatisfactionPeriodOut
    threshold: int
    summary: SatisfactionSummaryOut
    breakdowns: SatisfactionBreakdownsOut


class SatisfactionQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)


def _region(user: Any) -> int:
    region_id = queries.survey_region_for(user)
    if region_id is None:
        raise Http404
    return region_id


@router.get(
    "/survey/settings",
    response={200: SurveySettingsOut, **errors(401, 404)},
    summary="Instellingen van het tevredenheidsonderzoek",
)
def get_survey_settings(request: HttpRequest) -> Any:
    return services.settings_for(_region(actor(request)))


@router.patch(
    "/survey/settings",
    response={200: SurveySettingsOut, **errors(401, 403, 404, 422)},
    summary="Instellingen van het tevredenheidsonderzoek wijzigen",
)
def patch_survey_settings(request: HttpRequest, payload: SurveySettingsPatchIn) -> Any:
    user = actor(request)
    data = payload.dict(exclude_unset=True)
    return services.update_settings(user, _region(user), data)


@router.get(
    "/programmes/{programme_id}/satisfaction",
    response={200: SatisfactionOut, **errors(401, 403, 404, 422)},
    summary="Tevredenheid van een programma",
)
def get_satisfaction(
    request: HttpRequest, programme_id: PathId, filters: Query[SatisfactionQuery]
) -> Any:
    """Gemiddeld cijfer, verdeling, respons en opmerkingen, en de uitsplitsingen; onder
    de 5 antwoorden in een groep blijven gemiddelde, verdeling en opmerkingen leeg."""
    user = actor(request)
    programme = get_programme_for_user(user, programme_id)
    if not queries.can_see_survey_results(user, programme.region_id):
        raise PermissionDenied
    if filters.quarter and not filters.year:
        raise field_error("quarter", _("Kies bij een kwartaal ook het jaar."), "missing")
    start, end, label = satisfaction.period(programme, filters.year, filters.quarter)
    return {
        "programme": programme.pk,
        "period": {"start": start.isoformat(), "end": end.isoformat(), "label": str(label)},
        "threshold": satisfaction.THRESHOLD,
        "summary": satisfaction.summary(programme, start, end),
        "breakdowns": {
            by: satisfaction.breakdown(programme, start, end, by) for by in satisfaction.BY
        },
    }
