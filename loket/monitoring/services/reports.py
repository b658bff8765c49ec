"""Progress reports: create one, write its text per action line, submit it (a frozen
version), and the differences between two versions.

Who (``queries``):
- the merged report of a programme: its programme managers (``can_write_merged_report``);
- an organisation's report: the staff of that executing organisation, and programme
  managers (``report_organisations`` / ``can_edit_report``).
Seeing a report is ``get_report_for_user`` (404 otherwise); the services refuse with 403
whoever sees it but may not change it.

Submitting builds the data afresh (never from the cache), renders the PDF and the XLSX
(``report_render``) and stores them with their SHA-256 as version n+1, all in one
transaction under a lock on the report, so two people submitting at once get versions
n+1 and n+2. A version is never changed afterwards: the downloads serve its stored
bytes, whatever happens to the records later.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation
from loket.catalogue.services import sanitise
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require
from loket.monitoring import report_data
from loket.monitoring.models import ActionLine, Narrative, Report, ReportVersion
from loket.monitoring.queries import (
    can_edit_report,
    can_write_merged_report,
    report_organisations,
)
from loket.programmes.models import Programme
from loket.programmes.periods import period_problem, quarters
from loket.programmes.queries import executing_organisation_ids
from loket.programmes.services.plan_common import (
    Errors,
    add_error,
    model_errors,
    raise_errors,
    writing,
)

MAX_NARRATIVE = 50_000  # characters of HTML after sanitising
MAX_NOTE = 2_000
REPORT_CONSTRAINTS = {"report_unique_org": "organisation", "report_unique_merged": "organisation"}


def _render() -> Any:
    """The renderer (``report_render``: ``to_pdf(data)``, ``to_xlsx(data)``)."""
    from loket.monitoring import report_render

    return report_render


# --- creating ------------------------------------------------------------------------


def create_report(actor: Any, programme: Programme, data: Mapping[str, Any]) -> Report:
    """``data``: kind, year, quarter (ignored for a final report: the programme's last
    quarter), organisation (an Organisation or None for the merged report)."""
    organisation: Organisation | None = data.get("organisation")
    kind = data.get("kind") or Report.Kind.QUARTER
    errors: Errors = {}
    if organisation is None:
        require(can_write_merged_report(actor, programme))
    else:
        require(bool(report_organisations(actor, programme)))
        if organisation.pk not in executing_organisation_ids(programme):
            add_error(errors, "organisation", _("Deze organisatie voert het programma niet uit."))
        elif organisation.pk not in report_organisations(actor, programme):
            add_error(
                errors,
                "organisation",
                _("U kunt alleen de rapportage van uw eigen organisatie maken."),
            )
    year, quarter = data.get("year"), data.get("quarter")
    if kind == Report.Kind.FINAL:
        year, quarter = quarters(programme)[-1]
    if kind not in Report.Kind.values:
        add_error(errors, "kind", _("Kies een soort rapportage."))
    if not isinstance(year, int) or not isinstance(quarter, int):
        add_error(errors, "year", _("Kies het jaar en het kwartaal."))
    else:
        problem = period_problem(programme, year, quarter)
        if problem:
            add_error(errors, "quarter", problem)
    raise_errors(errors)
    assert isinstance(year, int)
    assert isinstance(quarter, int)
    report = Report(
        programme=programme,
        region_id=programme.region_id,
        kind=kind,
        year=year,
        quarter=quarter,
        organisation=organisation,
        created_by=actor,
    )
    raise_errors(model_errors(report, REPORT_CONSTRAINTS))
    with writing():
        report.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            report,
            changes=audit.snapshot(report, ("kind", "year", "quarter", "organisation")),
        )
    return report


# --- narratives ----------------------------------------------------------------------

_TAG = re.compile(r"<[a-zA-Z/!]")


def clean_text(text: str) -> str:
    """Rich text as stored: HTML sanitised (``catalogue.services.sanitise``); text
    without tags becomes paragraphs (a blank line) and line breaks."""
    text = (text or "").replace("\r\n", "\n").strip()
    if text and not _TAG.search(text):
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(html.escape(line) for line in p.strip().split("\n")) + "</p>"
            for p in paragraphs
        )
    return sanitise(text)


def save_narrative(actor: Any, report: Report, action_line: ActionLine, text: str) -> Narrative:
    require(can_edit_report(actor, report))
    if action_line.programme_id != report.programme_id:
        raise_errors({"action_line": [_("Deze actielijn hoort niet bij het programma.")]})
    if "\x00" in (text or ""):
        raise_errors({"text": [_("Tekst mag geen NUL-teken bevatten.")]})
    cleaned = clean_text(text)
    if len(cleaned) > MAX_NARRATIVE:
        raise_errors(
            {
                "text": [
                    _("De tekst is te lang: hooguit %(max)s tekens (nu %(count)s).")
                    % {"max": f"{MAX_NARRATIVE:,}".replace(",", "."), "count": len(cleaned)}
                ]
            }
        )
    with writing():
        narrative, created = Narrative.objects.get_or_create(
            report=report,
            action_line=action_line,
            defaults={"region_id": report.region_id, "text": cleaned, "updated_by": actor},
        )
        if not created and narrative.text != cleaned:
            narrative.text = cleaned
            narrative.updated_by = actor
            narrative.save(update_fields=["text", "updated_by", "updated_at"])
        elif not created:
            return narrative
        audit.record(
            actor,
            AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            narrative,
            changes={"text": "gewijzigd"},
        )
    return narrative


# --- submitting ----------------------------------------------------------------------


def can_submit(actor: Any, report: Report) -> bool:
    return can_edit_report(actor, report)


def submit(actor: Any, report: Report, note: str = "") -> ReportVersion:
    """Freeze the report as its next version."""
    require(can_submit(actor, report))
    note = (note or "").strip()
    if "\x00" in note:
        raise_errors({"note": [_("Tekst mag geen NUL-teken bevatten.")]})
    if len(note) > MAX_NOTE:
        raise_errors(
            {"note": [_("De opmerking is te lang: hooguit %(max)s tekens.") % {"max": MAX_NOTE}]}
        )
    render = _render()
    with transaction.atomic():
        locked = (
            Report.objects.select_for_update(of=("self",))
            .select_related("programme", "organisation")
            .get(pk=report.pk)
        )
        number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        data = report_data.build(locked, fresh=True)
        pdf = bytes(render.to_pdf(data))
        xlsx = bytes(render.to_xlsx(data))
        version = ReportVersion.objects.create(
            report=locked,
            region_id=locked.region_id,
            number=number,
            data=data,
            pdf=pdf,
            xlsx=xlsx,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
            note=note,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            version,
            changes={"number": number, "pdf_sha256": version.pdf_sha256},
        )
    return version


# --- differences ---------------------------------------------------------------------

from loket.monitoring.services.report_diff import diff  # noqa: E402

__all__ = ["can_submit", "clean_text", "create_report", "diff", "save_narrative", "submit"]
