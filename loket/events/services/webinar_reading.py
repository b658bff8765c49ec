"""Reading a webinar platform's CSV export of its viewers (Zoom, Teams, GoToWebinar and
the like), before anything is matched or written.

The file is checked whole: its size, its bytes (UTF-8 with or without a byte-order mark,
or cp1252 as Excel on Windows writes it; nothing binary), the separator (``;``, ``,`` or a
tab), the header row (platforms put a few lines of report information above it: the
first row among the first ``HEADER_SEARCH_ROWS`` that names a name and an e-mail column
is the header), the columns (Dutch and English names; name or first and last name,
e-mail, viewing time as a duration or as join and leave times; company and KvK number
optional), and every row (a valid e-mail address, a readable duration or times).
Every problem is reported with the row number a spreadsheet shows and the column header
as the file writes it.

A viewer who joined more than once appears on several rows (Zoom writes one row per
session): rows with the same e-mail address become one viewer with the minutes added up.
Rows of registrants who did not attend (an "Attended: No" column) are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from loket.companies.validators import normalise_kvk, validate_kvk_number

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 200
MAX_MINUTES = 24 * 60
HEADER_SEARCH_ROWS = 30

# Column roles and the headers (normalised: lower case, no punctuation) that name them.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "naam",
        "name",
        "volledige naam",
        "full name",
        "weergavenaam",
        "display name",
        "deelnemer",
        "attendee",
        "attendee name",
        "participant",
        "participant name",
        "user name",
        "user name original name",
        "name original name",
        "gebruikersnaam",
    ),
    "first_name": ("voornaam", "first name", "firstname", "given name"),
    "last_name": ("achternaam", "last name", "lastname", "surname", "family name"),
    "email": (
        "email",
        "e mail",
        "emailadres",
        "e mailadres",
        "email address",
        "e mail address",
        "user email",
        "attendee email",
        "participant email",
        "e mail adres",
    ),
    "company": (
        "bedrijf",
        "bedrijfsnaam",
        "organisatie",
        "firma",
        "company",
        "company name",
        "organization",
        "organisation",
        "organization name",
    ),
    "kvk": (
        "kvk",
        "kvk nummer",
        "kvknummer",
        "kvk nr",
        "coc number",
        "chamber of commerce number",
        "kvk number",
    ),
    "duration": (
        "duur",
        "duur minuten",
        "kijktijd",
        "kijktijd minuten",
        "minuten",
        "minutes",
        "duration",
        "duration minutes",
        "time in session",
        "time in session minutes",
        "in meeting duration",
        "attendance duration",
        "tijd in sessie",
        "totale duur",
        "total duration",
    ),
    "join": (
        "join time",
        "first join",
        "first join time",
        "joined",
        "join",
        "binnengekomen",
        "tijd van deelname",
        "deelnametijd",
        "eerste deelname",
        "aanmeldtijd",
    ),
    "leave": (
        "leave time",
        "last leave",
        "last leave time",
        "left",
        "leave",
        "vertrokken",
        "tijd van vertrek",
        "vertrektijd",
        "laatste vertrek",
    ),
    "attended": ("attended", "aanwezig", "bijgewoond", "heeft deelgenomen"),
}
ROLE_OF = {alias: role for role, aliases in ALIASES.items() for alias in aliases}
NO_WORDS = frozenset({"no", "nee", "n", "false", "onwaar", "0"})


@dataclass(frozen=True)
class Problem:
    """One problem: the row as a spreadsheet numbers it (None: the file as a whole), the
    column header as the file writes it ("" when no column is to blame) and a message."""

    row: int | None
    column: str
    message: str


@dataclass
class Viewer:
    """One viewer of the file (several rows with the same e-mail address merged)."""

    row: int  # the first row the viewer appears on
    name: str
    email: str
    company_name: str = ""
    kvk_number: str = ""
    minutes: int = 0


@dataclass
class ParsedFile:
    digest: str = ""
    problems: list[Problem] = field(default_factory=list)
    viewers: list[Viewer] = field(default_factory=list)
    skipped: int = 0  # rows of registrants who did not attend
    truncated: bool = False
    by_email: dict[str, Viewer] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rejected(Exception):
    def __init__(self, message: str, row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.problem = Problem(row, column, message)


def digest_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def normalise_header(value: str) -> str:
    text = value.replace("\ufeff", "").strip().lower()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def _text(content: bytes) -> str:
    if b"\x00" in content:
        raise _Rejected(_("Dit is geen CSV-bestand: het bevat geen leesbare tekst."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise _Rejected(
                _(
                    "De tekens in het bestand zijn niet te lezen. Sla het op als "
                    "„CSV UTF-8 (door komma's gescheiden)”."
                )
            ) from None
    if any(ch < " " and ch not in "\t\r\n" for ch in text) or "\ufffd" in text:
        raise _Rejected(_("Dit is geen CSV-bestand: het bevat geen leesbare tekst."))
    return text


def _delimiter(lines: list[str]) -> str:
    """The separator the header line holds most of (the header line: the one with the
    most separators among the first lines, as report lines above it have few)."""
    best, best_count = ";", 0
    for line in lines[:HEADER_SEARCH_ROWS]:
        for sep in (";", ",", "\t"):
            if line.count(sep) > best_count:
                best, best_count = sep, line.count(sep)
    return best


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error:
        raise _Rejected(
            _("Het CSV-bestand is niet goed opgebouwd (rij %(row)s).") % {"row": reader.line_num},
            row=reader.line_num,
        ) from None


def _columns(cells: list[str]) -> dict[str, int] | None:
    """{role: index} when ``cells`` is a header row (names a name and an e-mail column)."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = ROLE_OF.get(normalise_header(cell))
        if role is not None and role not in roles:
            roles[role] = index
    has_name = "name" in roles or "first_name" in roles or "last_name" in roles
    return roles if has_name and "email" in roles else None


def _header_problems(number: int, cells: list[str], roles: dict[str, int]) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for cell in cells:
        role = ROLE_OF.get(normalise_header(cell))
        if role is None:
            continue
        if role in seen:
            problems.append(
                Problem(
                    number,
                    cell.strip(),
                    _("De kolom „%(column)s” staat er twee keer in (ook als „%(other)s”).")
                    % {"column": cell.strip(), "other": seen[role]},
                )
            )
        seen[role] = cell.strip()
    if "duration" not in roles and not ("join" in roles and "leave" in roles):
        problems.append(
            Problem(
                number,
                "",
                _(
                    "De kijktijd ontbreekt: geef een kolom „Duur (minuten)”, of de kolommen "
                    "„Tijd van deelname” en „Tijd van vertrek”."
                ),
            )
        )
    return problems


def _missing_header() -> Problem:
    return Problem(
        None,
        "",
        _(
            "Geen kopregel gevonden: het bestand moet een rij met kolomnamen hebben, met "
            "ten minste een kolom voor de naam en een voor het e-mailadres (bijvoorbeeld "
            "„Naam” en „E-mail”)."
        ),
    )


_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|u|uur|uren|hour|hours|hr|hrs|m|min|mins|minuut|minuten|"
    r"minute|minutes|s|sec|secs|seconde|seconden|second|seconds)\b"
)
_UNIT_MINUTES = {"h": 60.0, "u": 60.0, "m": 1.0, "s": 1 / 60}
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y, %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %I:%M:%S %p",
    "%H:%M:%S",
    "%H:%M",
)


def parse_duration(value: str) -> int | None:
    """Minutes from "45", "45,5", "1:05:30", "1:05", "1h 5m 30s", "1 uur 5 minuten";
    None when it is not a duration."""
    text = value.strip().lower()
    if re.fullmatch(r"\d{1,7}([.,]\d+)?", text):
        return round(float(text.replace(",", ".")))
    match = re.fullmatch(r"(\d{1,4}):([0-5]\d)(?::([0-5]\d))?", text)
    if match:
        hours_or_minutes, rest, seconds = match.groups()
        if seconds is None:  # h:mm
            return int(hours_or_minutes) * 60 + int(rest)
        return round(int(hours_or_minutes) * 60 + int(rest) + int(seconds) / 60)
    parts = _DURATION_PART.findall(text)
    if parts and not _DURATION_PART.sub("", text).replace("en", "").replace("and", "").strip():
        total = sum(
            float(number.replace(",", ".")) * _UNIT_MINUTES[unit[0]] for number, unit in parts
        )
        return round(total)
    return None


def parse_time(value: str) -> dt.datetime | None:
    text = " ".join(value.strip().split())
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _cell(cells: list[str], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _header_of(headers: list[str], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    return headers[index].strip() if index is not None else ""


def _minutes(
    number: int, cells: list[str], headers: list[str], roles: dict[str, int]
) -> tuple[int | None, list[Problem]]:
    duration = _cell(cells, roles, "duration")
    if "duration" in roles and duration:
        minutes = parse_duration(duration)
        column = _header_of(headers, roles, "duration")
        if minutes is None:
            message = _(
                "„%(value)s” is geen kijktijd: vul het aantal minuten in (45), of uren, "
                "minuten en seconden (1:05:30)."
            ) % {"value": duration[:40]}
            return None, [Problem(number, column, message)]
        if minutes > MAX_MINUTES:
            message = _("Een kijktijd van meer dan 24 uur kan niet kloppen.")
            return None, [Problem(number, column, message)]
        return minutes, []
    if "join" in roles and "leave" in roles:
        problems = []
        times = {}
        for role in ("join", "leave"):
            raw = _cell(cells, roles, role)
            parsed = parse_time(raw) if raw else None
            if parsed is None:
                message = (
                    _("„%(value)s” is geen tijdstip: schrijf het als 12-03-2026 10:02.")
                    % {"value": raw[:40]}
                    if raw
                    else _("Vul het tijdstip in.")
                )
                problems.append(Problem(number, _header_of(headers, roles, role), message))
            times[role] = parsed
        if problems:
            return None, problems
        seconds = (times["leave"] - times["join"]).total_seconds()  # type: ignore[operator]
        if seconds < 0:
            message = _("Het vertrek ligt voor de deelname.")
            return None, [Problem(number, _header_of(headers, roles, "leave"), message)]
        if seconds > MAX_MINUTES * 60:
            message = _("Een kijktijd van meer dan 24 uur kan niet kloppen.")
            return None, [Problem(number, _header_of(headers, roles, "leave"), message)]
        return round(seconds / 60), []
    column = _header_of(headers, roles, "duration")
    return None, [Problem(number, column, _("Vul de kijktijd in (aantal minuten)."))]


def _row(
    number: int, cells: list[str], headers: list[str], roles: dict[str, int]
) -> tuple[Viewer | None, list[Problem]]:
    problems: list[Problem] = []
    name = _cell(cells, roles, "name") or " ".join(
        part
        for part in (_cell(cells, roles, "first_name"), _cell(cells, roles, "last_name"))
        if part
    )
    name_column = _header_of(headers, roles, "name") or _header_of(headers, roles, "first_name")
    name_column = name_column or _header_of(headers, roles, "last_name")
    if not name:
        problems.append(Problem(number, name_column, _("Vul de naam in.")))
    elif len(name) > 200:
        problems.append(Problem(number, name_column, _("Een naam heeft hoogstens 200 tekens.")))
    email = _cell(cells, roles, "email").lower()
    email_column = _header_of(headers, roles, "email")
    if not email:
        problems.append(Problem(number, email_column, _("Vul het e-mailadres in.")))
    else:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            problems.append(
                Problem(
                    number,
                    email_column,
                    _("„%(value)s” is geen geldig e-mailadres.") % {"value": email[:60]},
                )
            )
    company = _cell(cells, roles, "company")
    if len(company) > 200:
        problems.append(
            Problem(
                number,
                _header_of(headers, roles, "company"),
                _("Een bedrijfsnaam heeft hoogstens 200 tekens."),
            )
        )
    kvk = normalise_kvk(_cell(cells, roles, "kvk"))
    if kvk:
        try:
            validate_kvk_number(kvk)
        except ValidationError as exc:
            problems.append(Problem(number, _header_of(headers, roles, "kvk"), exc.messages[0]))
    minutes, time_problems = _minutes(number, cells, headers, roles)
    problems.extend(time_problems)
    if problems or minutes is None:
        return None, problems
    return Viewer(number, name, email, company, kvk, minutes), []


def _blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def read_viewers(content: bytes) -> ParsedFile:
    """The viewers of the file, or every problem found in it (then no viewers)."""
    parsed = ParsedFile(digest=digest_of(content))
    try:
        _read(content, parsed)
    except _Rejected as exc:
        parsed.problems = [exc.problem]
    if parsed.problems:
        parsed.viewers = []
        parsed.skipped = 0
    return parsed


def _read(content: bytes, parsed: ParsedFile) -> None:
    if not content.strip():
        raise _Rejected(_("Het bestand is leeg."))
    if len(content) > MAX_BYTES:
        raise _Rejected(
            _("Het bestand is groter dan %(mb)s MB. Splits het op in kleinere bestanden.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    rows = _rows(_text(content))
    headers: list[str] = []
    roles: dict[str, int] | None = None
    for number, cells in rows:
        if _blank(cells):
            continue
        if roles is None:
            roles = _columns(cells)
            if roles is None:
                if number >= HEADER_SEARCH_ROWS:
                    raise _Rejected(_missing_header().message)
                continue
            headers = cells
            problems = _header_problems(number, cells, roles)
            if problems:
                parsed.problems = problems
                return
            continue
        _data_row(parsed, number, cells, headers, roles)
        if len(parsed.problems) >= MAX_ERRORS:
            parsed.truncated = True
            return
    if roles is None:
        raise _Rejected(_missing_header().message)
    if not parsed.viewers and not parsed.problems and not parsed.skipped:
        raise _Rejected(_("Het bestand bevat geen kijkers: alleen een kopregel."))


def _data_row(
    parsed: ParsedFile, number: int, cells: list[str], headers: list[str], roles: dict[str, int]
) -> None:
    if len(parsed.viewers) + parsed.skipped >= MAX_ROWS:
        raise _Rejected(
            _("Het bestand heeft meer dan %(max)s rijen. Splits het op in kleinere bestanden.")
            % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
            row=number,
        )
    attended = _cell(cells, roles, "attended").lower()
    if "attended" in roles and attended in NO_WORDS:
        parsed.skipped += 1
        return
    viewer, problems = _row(number, cells, headers, roles)
    parsed.problems.extend(problems)
    if viewer is None:
        return
    earlier = parsed.by_email.get(viewer.email)
    if earlier is not None:
        earlier.minutes = min(earlier.minutes + viewer.minutes, MAX_MINUTES)
        earlier.company_name = earlier.company_name or viewer.company_name
        earlier.kvk_number = earlier.kvk_number or viewer.kvk_number
        return
    parsed.by_email[viewer.email] = viewer
    parsed.viewers.append(viewer)
