"""The events API: the programme's activity (everything counts).

``GET /programmes/{id}/activity?start=&end=``: events held, registrations, visits,
unique and new companies, and the collective instruments' figures, in total and per
calendar quarter of the range (``loket.events.measures``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from loket.accounts.models import Organisation
from loket.core.api import Day, FieldError, Id, PathId, actor, errors
from loket.core.models import Municipality, Theme
from loket.events import measures
from loket.events.api.events import Kind as EventKind
from loket.events.forms.activity import MAX_YEARS
from loket.programmes.periods import year_span
from loket.programmes.queries import get_programme_for_user

router = Router(tags=["evenementen"])


class ActivityQuery(Schema):
    start: Day | None = Field(None, description="Eerste dag (JJJJ-MM-DD); standaard 1 januari.")
    end: Day | None = Field(None, description="Laatste dag; standaard 31 december.")
    kind: EventKind | None = Field(None, description="Alleen evenementen van deze soort.")
    theme: str | None = Field(None, max_length=50, description="Alleen dit thema (slug).")
    municipality: Id | None = Field(None, description="Alleen evenementen in deze gemeente.")
    organisation: Id | None = Field(
        None, description="Alleen evenementen van deze (mede-)organisator."
    )


class EventFiguresOut(Schema):
    events_held: int
    registrations: int
    visits: int = Field(description="Aanmeldingen met aanwezigheid aanwezig.")
    companies: int = Field(description="Unieke bedrijven met een bezoek.")
    new_companies: int = Field(description="Zonder eerder contact, hulpvraag of evenement.")
    known_companies: int


class ActivityPeriodOut(Schema):
    label: str
    start: dt.date
    end: dt.date
    events: EventFiguresOut
    collectives: dict[str, int] = Field(description="De cijfers van de collectieve instrumenten.")


class ActivityOut(Schema):
    start: dt.date
    end: dt.date
    total: ActivityPeriodOut
    quarters: list[ActivityPeriodOut]


def _period(row: measures.ActivityRow) -> dict[str, Any]:
    return {
        "label": row.label,
        "start": row.start,
        "end": row.end,
        "events": row.events.as_dict(),
        "collectives": row.collectives,
    }


@router.get(
    "/programmes/{int:programme_id}/activity",
    response={200: ActivityOut, **errors(401, 404, 422)},
    summary="Bereik van een programma",
)
def programme_activity(
    request: HttpRequest,
    programme_id: PathId,
    params: ActivityQuery = Query(...),  # noqa: B008
) -> Any:
    """Alles telt: gehouden evenementen, aanmeldingen, bezoeken, unieke en nieuwe
    bedrijven (de filters gelden hiervoor), en de cijfers van de collectieve
    instrumenten, voor de hele periode en per kwartaal. Standaard: het lopende jaar van
    het programma."""
    programme = get_programme_for_user(actor(request), programme_id)
    _year, start, end = year_span(programme, timezone.localdate())
    start, end = params.start or start, params.end or end
    if end < start:
        raise _query_error("end", _("Het einde ligt voor het begin."))
    if end - start > dt.timedelta(days=366 * MAX_YEARS):
        raise _query_error(
            "end", _("Kies een periode van hoogstens %(years)s jaar.") % {"years": MAX_YEARS}
        )
    filters = measures.Filters(
        kind=params.kind or "",
        theme_id=_theme(params.theme),
        municipality_id=_in_region(Municipality, params.municipality, programme, "municipality"),
        organisation_id=_in_region(Organisation, params.organisation, programme, "organisation"),
    )
    rows, total = measures.programme_activity(programme, start, end, filters)
    return {
        "start": start,
        "end": end,
        "total": _period(total),
        "quarters": [_period(row) for row in rows],
    }


def _query_error(field: str, message: str) -> FieldError:
    return FieldError([{"loc": ["query", field], "msg": message, "type": "invalid"}])


def _theme(slug: str | None) -> int | None:
    if not slug:
        return None
    theme = Theme.objects.filter(slug=slug, active=True).first()
    if theme is None:
        raise _query_error("theme", _("Onbekend thema: %(slug)s.") % {"slug": slug[:50]})
    return theme.pk


def _in_region(model: Any, pk: int | None, programme: Any, field: str) -> int | None:
    if pk is None:
        return None
    if not model.objects.filter(pk=pk, region_id=programme.region_id).exists():
        raise _query_error(field, _("Onbekend of niet toegankelijk: %(id)s.") % {"id": pk})
    return pk
