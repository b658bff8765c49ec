"""The events API: the webinar viewers import.

``POST /events/{id}/webinar-import`` (multipart: ``file``, ``dry_run``, ``choices``):
the whole file is checked first; with any problem 422 lists them with their row and
column and nothing is written. ``dry_run=true`` answers the preview (how each viewer
matches the client record) without writing; otherwise the viewers are imported.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from loket.core.api import PathId, Ref, actor, errors, field_error
from loket.events.queries import get_event_for_user
from loket.events.services import webinar

router = Router(tags=["evenementen"])


class WebinarRowOut(Schema):
    row: int = Field(description="De (eerste) rij van de kijker in het bestand.")
    name: str
    minutes: int = Field(description="Kijktijd in minuten (rijen van dezelfde kijker opgeteld).")
    outcome: str = Field(description="matched, new, ambiguous of no_company.")
    company: Ref | None = Field(None, description="Het gekoppelde bedrijf (bij matched).")
    candidates: list[Ref] = Field(description="De bedrijven die passen (bij ambiguous).")
    already_registered: bool = Field(description="Al aangemeld: wordt bijgewerkt, niet dubbel.")


class WebinarCountsOut(Schema):
    matched: int
    new: int
    ambiguous: int
    no_company: int


class WebinarImportOut(Schema):
    dry_run: bool
    written: bool
    created: int = Field(description="Nieuwe aanmeldingen (herkomst webinar).")
    updated: int = Field(description="Bestaande aanmeldingen op aanwezig gezet.")
    skipped: int = Field(description="Rijen van wie zich aanmeldde maar niet keek.")
    counts: WebinarCountsOut
    rows: list[WebinarRowOut]


class WebinarProblemOut(Schema):
    loc: list[str | int]
    msg: str
    type: str
    # (absent on a 422 about the request itself rather than a row of the file)
    row: int | None = None
    column: str = ""


class WebinarRejectedOut(Schema):
    detail: list[WebinarProblemOut]


def _problem(problem: webinar.Problem) -> dict[str, Any]:
    loc: list[str | int] = ["file"]
    if problem.row is not None:
        loc.append(problem.row)
    if problem.column:
        loc.append(problem.column)
    return {
        "loc": loc,
        "msg": problem.message,
        "type": "import",
        "row": problem.row,
        "column": problem.column,
    }


def _choices(raw: str) -> dict[int, int | None]:
    """``{"<row>": <company id> | 0 | null}`` as JSON text."""
    if not raw.strip():
        return {}
    message = _('Geef de keuzes als JSON-object: {"rij": bedrijfs-id, of 0 of null voor geen}.')
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise field_error("choices", message) from None
    if not isinstance(data, dict) or len(data) > 5000:
        raise field_error("choices", message)
    choices: dict[int, int | None] = {}
    for key, value in data.items():
        if not key.isdigit() or len(key) > 9:
            raise field_error("choices", message)
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        if not ok or (value is not None and not 0 <= value <= 2**63 - 1):
            raise field_error("choices", message)
        choices[int(key)] = value
    return choices


def _row(row: webinar.ViewerRow) -> dict[str, Any]:
    return {
        "row": row.row,
        "name": row.viewer.name,
        "minutes": row.viewer.minutes,
        "outcome": row.outcome,
        "company": row.company,
        "candidates": row.candidates,
        "already_registered": row.registration is not None,
    }


@router.post(
    "/events/{int:event_id}/webinar-import",
    response={200: WebinarImportOut, 422: WebinarRejectedOut, **errors(401, 403, 404)},
    summary="Webinarkijkers inlezen",
)
def webinar_import(
    request: HttpRequest,
    event_id: PathId,
    file: UploadedFile | None = File(None),  # noqa: B008
    dry_run: bool = Form(False),
    choices: str = Form("", max_length=200_000),
) -> Any:
    """Leest de CSV-export van het webinarplatform (multipart, veld `file`; hoogstens
    2 MB en 5.000 rijen; kolommen naam, e-mail, kijktijd als duur of als tijd van
    deelname en vertrek, bedrijf en KvK-nummer niet verplicht). Eerst wordt alles
    gecontroleerd: bij een probleem 422 met per probleem de rij en kolom, en wordt er
    niets opgeslagen. `dry_run=true`: alleen de controle en de koppeling per kijker
    (matched, new, ambiguous met kandidaten, no_company). `choices`: JSON-object met per
    rij van een ambiguous kijker het gekozen bedrijf (id; 0 of null: geen bedrijf).
    Wie al is aangemeld (zelfde e-mailadres) wordt bijgewerkt, niet dubbel ingelezen."""
    user = actor(request)
    event = get_event_for_user(user, event_id)
    if not webinar.can_import(user, event):
        raise PermissionDenied
    if file is None:
        raise field_error("file", _("Kies een CSV-bestand."), "missing")
    parsed_choices = _choices(choices)
    content = file.read(webinar.MAX_BYTES + 1)
    result = webinar.import_viewers(user, event, content, parsed_choices, dry_run=dry_run)
    if not result.ok:
        return Status(422, {"detail": [_problem(p) for p in result.problems]})
    return {
        "dry_run": result.dry_run,
        "written": result.written,
        "created": result.created,
        "updated": result.updated,
        "skipped": result.skipped,
        "counts": result.counts,
        "rows": [_row(row) for row in result.rows],
    }
