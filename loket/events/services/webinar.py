"""Importing the viewers of a webinar from the platform's CSV export.

Two steps, one rule set: ``preview`` reads and checks the whole file
(``webinar_reading``) and says, per viewer, how they match the client record
(``linking.find``: matched, new, ambiguous with the candidates, no company) and whether
they are already registered for the event; ``import_viewers`` does the same check again
and then, in one transaction under a lock on the event, writes: a viewer already
registered (same e-mail address, not cancelled) gets attendance present and the viewing
minutes of the file; anyone else becomes a registration with source webinar, attendance
present and the minutes, linked through ``linking.link`` (which creates the company and
person when new). An ambiguous viewer is linked to the candidate chosen for that row, or
imported without a company. Importing the same file again changes nothing.

Nothing is written when there is any problem: the file's, a choice that is not one of the
row's candidates, or an event that cannot take viewers (cancelled, not started yet,
attendance already final).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.companies import services as companies
from loket.companies.models import Company, Person
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require
from loket.events.models import Event, Registration
from loket.events.queries import can_manage_event
from loket.events.services import linking
from loket.events.services.webinar_reading import (
    MAX_BYTES,
    ParsedFile,
    Problem,
    Viewer,
    read_viewers,
)

__all__ = [
    "MAX_BYTES",
    "NO_COMPANY_CHOICE",
    "Problem",
    "ViewerRow",
    "WebinarResult",
    "can_import",
    "import_viewers",
    "preview",
]

# The choice for an ambiguous row that leaves the viewer without a company.
NO_COMPANY_CHOICE = 0


@dataclass
class ViewerRow:
    viewer: Viewer
    outcome: str  # linking.MATCHED, NEW, AMBIGUOUS or NO_COMPANY
    company: Company | None = None
    candidates: list[Company] = field(default_factory=list)
    registration: Registration | None = None  # already registered with this e-mail
    chosen: int | None = None  # for an ambiguous row: a candidate's id, or 0 (none)

    @property
    def row(self) -> int:
        return self.viewer.row


@dataclass
class WebinarResult:
    dry_run: bool
    digest: str = ""
    problems: list[Problem] = field(default_factory=list)
    rows: list[ViewerRow] = field(default_factory=list)
    skipped: int = 0
    truncated: bool = False
    written: bool = False
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {
            linking.MATCHED: 0,
            linking.NEW: 0,
            linking.AMBIGUOUS: 0,
            linking.NO_COMPANY: 0,
        }
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def already_registered(self) -> int:
        return sum(1 for row in self.rows if row.registration is not None)

    @property
    def ambiguous_rows(self) -> list[ViewerRow]:
        return [row for row in self.rows if row.outcome == linking.AMBIGUOUS]


def can_import(user: Any, event: Event) -> bool:
    return can_manage_event(user, event)


def event_problem(event: Event, now: Any = None) -> Problem | None:
    """Why the event cannot take webinar viewers, or None."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return Problem(None, "", _("Dit evenement is afgelast: er zijn geen kijkers in te lezen."))
    if event.starts_at > now:
        return Problem(
            None, "", _("Het webinar is nog niet begonnen: lees de kijkers in na afloop.")
        )
    if event.attendance_final:
        return Problem(
            None,
            "",
            _(
                "De aanwezigheid van dit evenement is al vastgesteld: er kunnen geen kijkers "
                "meer bij."
            ),
        )
    return None


def _active_registrations(event: Event) -> dict[str, Registration]:
    found: dict[str, Registration] = {}
    queryset = (
        Registration.objects.filter(event=event)
        .exclude(email="")
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("company")
        .order_by("pk")
    )
    for registration in queryset:
        found.setdefault(registration.email.lower(), registration)
    return found


def _contact(viewer: Viewer) -> linking.Contact:
    return linking.Contact(
        name=viewer.name,
        email=viewer.email,
        company_name=viewer.company_name,
        kvk_number=viewer.kvk_number,
    )


def _match(event: Event, parsed: ParsedFile) -> list[ViewerRow]:
    registered = _active_registrations(event)
    rows = []
    for viewer in parsed.viewers:
        registration = registered.get(viewer.email)
        if registration is not None and registration.company is not None:
            rows.append(
                ViewerRow(viewer, linking.MATCHED, registration.company, registration=registration)
            )
            continue
        found = linking.find(event.region, _contact(viewer))
        rows.append(ViewerRow(viewer, found.outcome, found.company, found.candidates, registration))
    return rows


def _apply_choices(
    rows: list[ViewerRow], choices: Mapping[int, int | None] | None
) -> list[Problem]:
    """Set each ambiguous row's choice; a choice for a row that has none to make, or of a
    company that is not one of the row's candidates, is a problem."""
    problems = []
    by_row = {row.row: row for row in rows}
    for number, choice in sorted((choices or {}).items()):
        row = by_row.get(number)
        if row is None or row.outcome != linking.AMBIGUOUS:
            problems.append(
                Problem(
                    number,
                    "",
                    _("Rij %(row)s heeft geen keuze tussen bedrijven.") % {"row": number},
                )
            )
            continue
        if choice in (None, NO_COMPANY_CHOICE):
            row.chosen = NO_COMPANY_CHOICE
        elif choice in {candidate.pk for candidate in row.candidates}:
            row.chosen = choice
        else:
            problems.append(
                Problem(number, "", _("Kies een van de voorgestelde bedrijven, of geen bedrijf."))
            )
    return problems


def _check(
    user: Any,
    event: Event,
    content: bytes,
    choices: Mapping[int, int | None] | None,
    dry_run: bool,
) -> tuple[WebinarResult, ParsedFile]:
    require(can_import(user, event))
    parsed = read_viewers(content)
    result = WebinarResult(
        dry_run=dry_run,
        digest=parsed.digest,
        problems=list(parsed.problems),
        skipped=parsed.skipped,
        truncated=parsed.truncated,
    )
    problem = event_problem(event)
    if problem is not None:
        result.problems.insert(0, problem)
    if result.problems:
        return result, parsed
    result.rows = _match(event, parsed)
    result.problems = _apply_choices(result.rows, choices)
    return result, parsed


def preview(
    user: Any, event: Event, content: bytes, choices: Mapping[int, int | None] | None = None
) -> WebinarResult:
    """What importing ``content`` would do; writes nothing."""
    result, _parsed = _check(user, event, content, choices, dry_run=True)
    return result


def import_viewers(
    user: Any,
    event: Event,
    content: bytes,
    choices: Mapping[int, int | None] | None = None,
    *,
    dry_run: bool = False,
) -> WebinarResult:
    """Check ``content`` whole and, when it is in order and not ``dry_run``, import it."""
    if dry_run:
        return preview(user, event, content, choices)
    try:
        with transaction.atomic():
            # One import of an event at a time: a second one waits and then finds the
            # viewers the first one registered.
            Event.objects.select_for_update().filter(pk=event.pk).first()
            result, _parsed = _check(user, event, content, choices, dry_run=False)
            if not result.ok:
                return result
            for row in result.rows:
                try:
                    _write(event, row, result)
                except ValidationError as exc:
                    result.problems = [Problem(row.row, "", m) for m in exc.messages]
                    raise _Refused(result) from exc
            result.written = True
            audit.record(
                user,
                AuditEvent.Action.CHANGE,
                event,
                changes={"webinar_import": {"created": result.created, "updated": result.updated}},
                label=event.title,
            )
    except _Refused as refused:
        refused.result.created = refused.result.updated = 0
        return refused.result
    return result


class _Refused(Exception):
    """A row could not be written after all: roll the whole import back."""

    def __init__(self, result: WebinarResult) -> None:
        super().__init__()
        self.result = result


def _person(company: Company, viewer: Viewer) -> Person | None:
    person = (
        Person.objects.filter(company=company, email__iexact=viewer.email).order_by("pk").first()
    )
    if person is not None:
        return person
    return companies.create_person(None, company, {"name": viewer.name, "email": viewer.email})


def _link(event: Event, row: ViewerRow) -> tuple[Company | None, Person | None]:
    if row.outcome == linking.AMBIGUOUS:
        chosen = next((c for c in row.candidates if c.pk == row.chosen), None)
        return (chosen, _person(chosen, row.viewer)) if chosen is not None else (None, None)
    if row.outcome == linking.NO_COMPANY:
        return None, None
    found = linking.link(event.region, _contact(row.viewer))
    return found.company, found.person


def _write(event: Event, row: ViewerRow, result: WebinarResult) -> None:
    viewer = row.viewer
    registration = row.registration
    if registration is not None:
        registration.attendance = Registration.Attendance.PRESENT
        registration.viewing_minutes = viewer.minutes
        fields = ["attendance", "viewing_minutes"]
        if registration.company is None:
            company, person = _link(event, row)
            if company is not None:
                registration.company, registration.person = company, person
                fields += ["company", "person"]
        registration.save(update_fields=fields)
        result.updated += 1
        return
    company, person = _link(event, row)
    Registration.objects.create(
        region=event.region,
        event=event,
        name=viewer.name,
        email=viewer.email,
        company_name=viewer.company_name,
        kvk_number=viewer.kvk_number,
        company=company,
        person=person,
        status=Registration.Status.CONFIRMED,
        attendance=Registration.Attendance.PRESENT,
        source=Registration.Source.WEBINAR,
        viewing_minutes=viewer.minutes,
        registered_at=event.starts_at,
    )
    result.created += 1
