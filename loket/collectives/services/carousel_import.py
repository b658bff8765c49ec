"""Import of a round's students from a CSV list (as a school sends it).

Columns (the header row names them; Dutch or English, in any order):
``naam`` (name), ``opleiding`` (study programme), ``studiejaar`` (year), and optionally
``onderwijsinstelling`` (school; empty: the round's school partner), ``e-mail`` and
``team`` (the name of a team of the round). Separated by ``;`` or ``,``; UTF-8 (with or
without BOM) or Windows-1252.

The whole file is checked first, each problem reported with its row number as a
spreadsheet shows it and the column. If there is any problem nothing is written;
otherwise every row is written in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.collectives.models import CarouselRound, Student
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
MAX_ERRORS = 200

# header as typed (normalised) -> field
HEADERS: dict[str, str] = {
    "naam": "name",
    "name": "name",
    "student": "name",
    "onderwijsinstelling": "school",
    "school": "school",
    "instelling": "school",
    "opleiding": "study_programme",
    "study_programme": "study_programme",
    "programme": "study_programme",
    "studiejaar": "year_of_study",
    "jaar": "year_of_study",
    "year": "year_of_study",
    "year_of_study": "year_of_study",
    "e_mail": "email",
    "email": "email",
    "e_mailadres": "email",
    "emailadres": "email",
    "team": "team",
}
REQUIRED = ("name", "study_programme", "year_of_study")
# The column name shown in the report, per field.
LABELS = {
    "name": "naam",
    "school": "onderwijsinstelling",
    "study_programme": "opleiding",
    "year_of_study": "studiejaar",
    "email": "e-mail",
    "team": "team",
}
MAX_LENGTH = {"name": 200, "school": 200, "study_programme": 200, "email": 254}


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass
class StudentImportReport:
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    written: int = 0
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.truncated = True
            return
        self.errors.append(RowError(row, column, message))


class _Rejected(Exception):
    pass


def _normalise_header(value: str) -> str:
    text = value.replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _text(content: bytes) -> str:
    if b"\x00" in content:
        raise _Rejected(_("Dit is geen CSV-bestand: het bevat geen leesbare tekst."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
        if "\ufffd" in text:
            raise _Rejected(
                _(
                    "De tekens in het bestand zijn niet te lezen. Sla het op als "
                    "„CSV UTF-8 (door komma's gescheiden)”."
                )
            ) from None
    if any(ch < " " and ch not in "\t\r\n" for ch in text):
        raise _Rejected(_("Dit is geen CSV-bestand: het bevat geen leesbare tekst."))
    return text


def _rows(text: str) -> list[tuple[int, list[str]]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    try:
        for number, values in enumerate(reader, start=1):
            if any(v.strip() for v in values):
                out.append((number, values))
            if len(out) > MAX_ROWS + 1:
                raise _Rejected(
                    _("Het bestand heeft meer dan %(n)s rijen. Splits het op.") % {"n": MAX_ROWS}
                )
    except csv.Error:
        raise _Rejected(
            _("Het CSV-bestand is niet goed opgebouwd (rij %(row)s).") % {"row": reader.line_num}
        ) from None
    return out


def _read(filename: str, content: bytes) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    if not content:
        raise _Rejected(_("Het bestand is leeg."))
    if len(content) > MAX_FILE_BYTES:
        raise _Rejected(_("Het bestand is groter dan 1 MB. Splits het op."))
    if not (filename or "").strip().lower().endswith((".csv", ".txt")):
        raise _Rejected(_("Kies een CSV-bestand: de bestandsnaam eindigt op .csv."))
    rows = _rows(_text(content))
    if not rows:
        raise _Rejected(_("Het bestand is leeg."))
    header_row, raw_headers = rows[0]
    fields = [HEADERS.get(_normalise_header(h), "") for h in raw_headers]
    missing = [LABELS[name] for name in REQUIRED if name not in fields]
    if missing:
        raise _Rejected(
            _("De kolom(men) %(columns)s ontbreken in de eerste rij. Verwacht: %(expected)s.")
            % {
                "columns": ", ".join(missing),
                "expected": "naam; opleiding; studiejaar (en eventueel onderwijsinstelling; "
                "e-mail; team)",
            }
        )
    seen = [f for f in fields if f]
    if len(seen) != len(set(seen)):
        raise _Rejected(_("Een kolom staat twee keer in de eerste rij."))
    return header_row, fields, rows[1:]


def _cell(report: StudentImportReport, number: int, name: str, value: str) -> Any:
    value = " ".join(value.split())
    if name in MAX_LENGTH and len(value) > MAX_LENGTH[name]:
        report.add(
            number,
            LABELS[name],
            _("Hoogstens %(n)s tekens.") % {"n": MAX_LENGTH[name]},
        )
        return None
    if name in REQUIRED and not value:
        report.add(number, LABELS[name], _("Dit veld is verplicht."))
        return None
    if name == "year_of_study":
        if not re.fullmatch(r"\d{1,2}", value) or not 1 <= int(value) <= 8:
            report.add(number, LABELS[name], _("Vul een studiejaar van 1 tot en met 8 in."))
            return None
        return int(value)
    if name == "email" and value:
        try:
            validate_email(value)
        except ValidationError:
            report.add(number, LABELS[name], _("Dit is geen geldig e-mailadres."))
            return None
    return value


def import_students(
    actor: User, carousel_round: CarouselRound, filename: str, content: bytes
) -> StudentImportReport:
    """Check the whole file, then write every student, or nothing."""
    from loket.collectives.services.carousels import can_manage_round

    require(can_manage_round(actor, carousel_round))
    report = StudentImportReport()
    try:
        _header_row, fields, rows = _read(filename, content)
    except _Rejected as exc:
        report.add(None, "", str(exc.args[0]))
        return report
    if not rows:
        report.add(None, "", _("Het bestand bevat geen studenten, alleen de kopregel."))
        return report
    teams = {t.name.casefold(): t for t in carousel_round.teams.all()}
    school_default = carousel_round.school.name
    for number, values in rows:
        if len(values) > len(fields) and any(v.strip() for v in values[len(fields) :]):
            report.add(number, "", _("Deze rij heeft meer cellen dan de kopregel."))
            continue
        data: dict[str, Any] = {}
        broken = False
        for index, name in enumerate(fields):
            if not name:
                continue
            value = _cell(report, number, name, values[index] if index < len(values) else "")
            broken = broken or value is None
            data[name] = value
        if broken:
            continue
        team_name = data.pop("team", "") or ""
        if team_name:
            team = teams.get(team_name.casefold())
            if team is None:
                report.add(
                    number,
                    "team",
                    _("Geen team met de naam %(name)s in deze ronde.") % {"name": team_name},
                )
                continue
            data["team"] = team
        data["school"] = data.get("school") or school_default
        report.rows.append({"row": number, **data})
    if not report.ok:
        return report
    with transaction.atomic():
        students = [
            Student(
                round=carousel_round,
                region_id=carousel_round.region_id,
                name=row["name"],
                school=row["school"],
                study_programme=row["study_programme"],
                year_of_study=row["year_of_study"],
                email=row.get("email") or "",
                team=row.get("team"),
            )
            for row in report.rows
        ]
        Student.objects.bulk_create(students)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            carousel_round,
            changes={"students_imported": len(students)},
        )
    report.written = len(report.rows)
    return report
