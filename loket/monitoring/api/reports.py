"""The progress reports API: a programme's reports, create one, read its live data,
write the text per action line, submit (a frozen version), the versions and their data,
and the differences between two versions.

Reads go through ``queries`` (what the user may not see is a 404); changes through
``services.reports`` (403 for whoever sees but may not change, 422 on the field).
"""

import datetime as dt
from typing import Any

from django.db.models import Max
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from loket.accounts.models import Organisation
from loket.core.api import (
    FieldError,
    Id,
    Input,
    PathId,
    actor,
    choice_of,
    errors,
    resolve_one,
    text_of,
)
from loket.monitoring import queries, report_data
from loket.monitoring.models import ActionLine, Report, ReportVersion
from loket.monitoring.services import reports as services
from loket.monitoring.services.reports import MAX_NARRATIVE, MAX_NOTE
from loket.programmes.queries import executing_organisation_ids, get_programme_for_user

router = Router(tags=["rapportages"])


class ReportOrganisationOut(Schema):
    id: int
    name: str


class ReportOut(Schema):
    id: int
    programme_id: int
    kind: str
    year: int
    quarter: int
    organisation: ReportOrganisationOut | None = Field(
        None, description="Leeg: de samengevoegde rapportage."
    )
    latest_version: int | None = Field(None, description="Leeg: nog niet ingediend.")
    latest_submitted_at: dt.datetime | None = None


class ReportIn(Input):
    kind: choice_of(Report.Kind) = Field("quarter")  # type: ignore[valid-type]
    year: int = Field(..., ge=2000, le=2100, description="Bij een eindrapportage genegeerd.")
    quarter: int = Field(..., ge=1, le=4, description="Bij een eindrapportage genegeerd.")
    organisation: Id | None = Field(
        None, description="Id van de uitvoerende organisatie; leeg: de samengevoegde rapportage."
    )


class ReportDataOut(Schema):
    report: ReportOut
    data: dict[str, Any] = Field(..., description="De cijfers en teksten (schema 1), live.")


class NarrativeIn(Input):
    text: text_of(MAX_NARRATIVE) = Field(  # type: ignore[valid-type]
        ...,
        description="Gewone tekst of eenvoudige HTML; wordt opgeschoond (geen scripts).",
    )


class NarrativeOut(Schema):
    action_line_id: int
    html: str


class ReportSubmitIn(Input):
    note: text_of(MAX_NOTE) = Field("")  # type: ignore[valid-type]


class ReportVersionOut(Schema):
    number: int
    submitted_at: dt.datetime
    note: str
    pdf_sha256: str
    xlsx_sha256: str


class ReportVersionDataOut(ReportVersionOut):
    data: dict[str, Any]


class ReportChangeOut(Schema):
    section: str
    item: str
    field: str
    old: str
    new: str


class ReportDiffQuery(Schema):
    old: int | None = Field(
        None, ge=1, le=32767, description="De oudere versie; standaard die vóór `new`."
    )
    new: int | None = Field(
        None, ge=1, le=32767, description="De nieuwere versie; standaard de laatste."
    )


def _out(report: Report) -> dict[str, Any]:
    latest = getattr(report, "latest_number", None)
    if not hasattr(report, "latest_number"):
        found = report.versions.order_by("-number").values("number", "submitted_at").first()
        latest = found["number"] if found else None
        latest_at = found["submitted_at"] if found else None
    else:
        latest_at = getattr(report, "latest_at", None)
    return {
        "id": report.pk,
        "programme_id": report.programme_id,
        "kind": report.kind,
        "year": report.year,
        "quarter": report.quarter,
        "organisation": None
        if report.organisation is None
        else {"id": report.organisation.pk, "name": report.organisation.name},
        "latest_version": latest,
        "latest_submitted_at": latest_at,
    }


def _version(version: ReportVersion, with_data: bool = False) -> dict[str, Any]:
    out = {
        "number": version.number,
        "submitted_at": version.submitted_at,
        "note": version.note,
        "pdf_sha256": version.pdf_sha256,
        "xlsx_sha256": version.xlsx_sha256,
    }
    if with_data:
        out["data"] = version.data
    return out


@router.get(
    "/programmes/{programme_id}/reports",
    response={200: list[ReportOut], **errors(401, 404, 422)},
    summary="Rapportages van een programma",
)
def list_reports(request: HttpRequest, programme_id: PathId) -> Any:
    user = actor(request)
    programme = get_programme_for_user(user, programme_id)
    return [_out(r) for r in queries.reports_of_programme(user, programme)]


@router.post(
    "/programmes/{programme_id}/reports",
    response={201: ReportOut, **errors(401, 403, 404, 422)},
    summary="Rapportage aanmaken",
)
def create_report(request: HttpRequest, programme_id: PathId, payload: ReportIn) -> Any:
    """Een kwartaalrapportage van een uitvoerende organisatie, of (programmamanagers) de
    samengevoegde rapportage. Een eindrapportage gaat over de hele looptijd."""
    user = actor(request)
    programme = get_programme_for_user(user, programme_id)
    organisation = resolve_one(
        Organisation.objects.filter(pk__in=executing_organisation_ids(programme)),
        payload.organisation,
        "organisation",
    )
    report = services.create_report(
        user,
        programme,
        {
            "kind": payload.kind,
            "year": payload.year,
            "quarter": payload.quarter,
            "organisation": organisation,
        },
    )
    return Status(201, _out(report))


@router.get(
    "/reports/{report_id}",
    response={200: ReportDataOut, **errors(401, 404, 422)},
    summary="Rapportage (live concept)",
)
def get_report(request: HttpRequest, report_id: PathId) -> Any:
    report = queries.get_report_for_user(actor(request), report_id)
    return {"report": _out(report), "data": report_data.build(report)}


@router.put(
    "/reports/{report_id}/narratives/{action_line_id}",
    response={200: NarrativeOut, **errors(401, 403, 404, 422)},
    summary="Toelichting bij een actielijn",
)
def put_narrative(
    request: HttpRequest, report_id: PathId, action_line_id: PathId, payload: NarrativeIn
) -> Any:
    user = actor(request)
    report = queries.get_report_for_user(user, report_id)
    line = ActionLine.objects.filter(pk=action_line_id, programme_id=report.programme_id).first()
    if line is None:
        raise Http404
    narrative = services.save_narrative(user, report, line, payload.text)
    return {"action_line_id": line.pk, "html": narrative.text}


@router.post(
    "/reports/{report_id}/submit",
    response={201: ReportVersionOut, **errors(401, 403, 404, 422)},
    summary="Rapportage indienen",
)
def submit_report(request: HttpRequest, report_id: PathId, payload: ReportSubmitIn) -> Any:
    """Rekent de cijfers opnieuw uit en legt ze vast als de volgende versie, met PDF en
    XLSX; een ingediende versie verandert nooit meer."""
    user = actor(request)
    report = queries.get_report_for_user(user, report_id)
    return Status(201, _version(services.submit(user, report, payload.note)))


@router.get(
    "/reports/{report_id}/versions",
    response={200: list[ReportVersionOut], **errors(401, 404, 422)},
    summary="Ingediende versies",
)
def list_versions(request: HttpRequest, report_id: PathId) -> Any:
    report = queries.get_report_for_user(actor(request), report_id)
    return [_version(v) for v in report.versions.defer("data", "pdf", "xlsx")]


@router.get(
    "/reports/{report_id}/versions/{number}",
    response={200: ReportVersionDataOut, **errors(401, 404, 422)},
    summary="Ingediende versie met haar gegevens",
)
def get_version(request: HttpRequest, report_id: PathId, number: PathId) -> Any:
    version = queries.get_version_for_user(actor(request), report_id, number)
    return _version(version, with_data=True)


@router.get(
    "/reports/{report_id}/diff",
    response={200: list[ReportChangeOut], **errors(401, 404, 422)},
    summary="Verschillen tussen twee versies",
)
def diff_versions(
    request: HttpRequest,
    report_id: PathId,
    versions: ReportDiffQuery = Query(...),  # noqa: B008
) -> Any:
    """Zonder parameters: de laatste versie tegenover de versie ervoor."""
    user = actor(request)
    report = queries.get_report_for_user(user, report_id)
    new = versions.new or report.versions.aggregate(top=Max("number"))["top"] or 1
    old = versions.old or max(new - 1, 1)
    found = {v.number: v.data for v in report.versions.filter(number__in=[old, new])}
    missing = [
        {
            "loc": ["query", name],
            "msg": _("Versie %(number)s bestaat niet.") % {"number": number},
            "type": "unknown",
        }
        for name, number in (("old", old), ("new", new))
        if number not in found or (name == "old" and old == new)
    ]
    if missing:
        raise FieldError(missing)
    return services.diff(found[old], found[new])
