"""The plan document as an XLSX workbook: one sheet per part with Dutch headers
(docs/plan-format.md), read into the same structure as YAML and JSON, and written from it.

Sheets: Financiers, Tarieven, Activiteiten and Planregels (required), Programma and
Toelichting (written for the reader, ignored on import). Headers are matched without
case, spaces or punctuation, in any order. Planregels has, per funder, a column
"<financier> aandeel %" and a column "<financier> out-of-pocket incl. btw".
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from loket.core.export import safe_text
from loket.programmes.models import Funder
from loket.programmes.services.plan_io.reading import (
    PART_LABELS,
    Parsed,
    Source,
    name_key,
    read_structure,
    rejected,
    too_big_message,
)
from loket.programmes.services.plan_io.schema import (
    MAX_BYTES,
    MAX_FUNDERS,
    MAX_ROWS,
    PARTS,
    Problem,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an XLSX is a zip: no zip bombs
MAX_COLUMNS = 20 + 2 * MAX_FUNDERS
MAX_SHEET_ROWS = 4 * MAX_ROWS  # rows read, blank ones included


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = True


COLUMNS: dict[str, tuple[Column, ...]] = {
    "funders": (
        Column("Naam", "name"),
        Column("Soort", "kind"),
        Column("Volgorde", "position", required=False),
    ),
    "rates": (
        Column("Organisatie", "organisation"),
        Column("Jaar", "year"),
        Column("Uurtarief excl. btw", "rate"),
    ),
    "activity_types": (
        Column("Code", "code"),
        Column("Naam", "name"),
        Column("Standaard uren per eenheid", "default_hours_per_unit", required=False),
        Column("Volgorde", "position", required=False),
    ),
    "plan_lines": (
        Column("Jaar", "year"),
        Column("Activiteit", "activity_type"),
        Column("Organisatie", "organisation"),
        Column("Toelichting", "description", required=False),
        Column("Aantal", "count"),
        Column("Uren per eenheid", "hours_per_unit"),
        Column("Vast aantal uren", "fixed_hours"),
        Column("Regeling", "scheme", required=False),
    ),
}
SHARE_SUFFIX = "aandeel %"
OUT_OF_POCKET_SUFFIX = "out-of-pocket incl. btw"
_SHARE = re.compile(r"^(?P<name>.*?)[\s:\-]*aandeel\s*%?\s*$", re.IGNORECASE)
_OUT_OF_POCKET = re.compile(r"^(?P<name>.*?)[\s:\-]*out[\s\-]*of[\s\-]*pocket\b.*$", re.IGNORECASE)
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "0.00"


def normalise_header(value: Any) -> str:
    """ "Uurtarief (excl. btw)" -> "uurtarief excl btw": case, spaces and punctuation
    do not matter."""
    text = "" if value is None else str(value)
    return " ".join(re.sub(r"[^\w%]+", " ", text.casefold()).split())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class XlsxSource(Source):
    """Points at a sheet, the row as the spreadsheet numbers it, and a column header."""

    format = "xlsx"

    def __init__(self) -> None:
        super().__init__()
        self.sheets: dict[str, str] = {}  # part -> the sheet's title in the file
        self.rows: dict[str, list[int]] = {part: [] for part in PARTS}
        self.headers: dict[str, dict[str, str]] = {part: {} for part in PARTS}
        # plan line index -> per funding item: (share header, out-of-pocket header)
        self.funding_headers: dict[int, list[tuple[str, str]]] = {}
        self.header_rows: dict[str, int] = {}
        # Planregels: (funder name, header) of every funder column.
        self.funder_columns: list[tuple[str, str]] = []

    def _row(self, part: str, index: Any) -> int | None:
        rows = self.rows.get(part, [])
        return rows[index] if isinstance(index, int) and 0 <= index < len(rows) else None

    def locate(self, loc: tuple[str | int, ...]) -> tuple[str, int | None, str]:
        if not loc:
            return "", None, ""
        part = str(loc[0])
        sheet = self.sheets.get(part, PART_LABELS.get(part, part))
        row = self._row(part, loc[1]) if len(loc) > 1 else None
        column = ""
        if len(loc) > 2:
            name = str(loc[2])
            column = self.headers.get(part, {}).get(name, name)
            if part == "plan_lines" and name == "funders":
                column = f"<{_('financier')}> {SHARE_SUFFIX}"  # the shares of the row
                items = self.funding_headers.get(loc[1], []) if isinstance(loc[1], int) else []
                if len(loc) > 3 and isinstance(loc[3], int) and loc[3] < len(items):
                    share, out = items[loc[3]]
                    column = out if len(loc) > 4 and loc[4] == "out_of_pocket_incl_vat" else share
        return sheet, row, column

    def pointer(self, loc: tuple[str | int, ...]) -> str:
        row = self._row(str(loc[0]), loc[1]) if len(loc) > 1 else None
        return _("rij %(row)s") % {"row": row} if row else super().pointer(loc)


# --- reading ----------------------------------------------------------------------------


def parse_xlsx(content: bytes) -> Parsed:
    """An XLSX plan document: the sheets read into the document's structure, every
    problem with its sheet, row and column."""
    source = XlsxSource()
    not_xlsx = _(
        "Dit is geen geldig XLSX-bestand. Sla het in uw spreadsheet op als Excel-werkmap (.xlsx)."
    )
    if not content:
        return rejected(source, _("Het bestand is leeg."), "empty")
    if len(content) > MAX_BYTES:
        return rejected(source, too_big_message())
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                return rejected(source, not_xlsx)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return rejected(source, not_xlsx)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken workbook
        return rejected(source, not_xlsx)
    early: list[Problem] = []
    data: dict[str, Any] = {}
    try:
        titles = {normalise_header(ws.title): ws for ws in workbook.worksheets}
        for part in PARTS:
            sheet = titles.get(normalise_header(PART_LABELS[part]))
            if sheet is None:
                source.reported_parts.add(part)
                early.append(
                    Problem(
                        loc=(part,),
                        message=_("Het blad %(sheet)s ontbreekt.") % {"sheet": PART_LABELS[part]},
                        sheet=PART_LABELS[part],
                        kind="missing",
                    )
                )
                continue
            source.sheets[part] = sheet.title
            try:
                rows = _read_sheet(part, sheet, source, early)
            except _SheetRefused as exc:
                source.reported_parts.add(part)
                early.append(
                    Problem(loc=(part,), message=exc.message, sheet=sheet.title, row=exc.row)
                )
                continue
            if rows is not None:
                data[part] = rows
    except Exception:
        return rejected(source, not_xlsx)
    finally:
        workbook.close()
    if "funders" in data and "plan_lines" in data:
        _check_funder_columns(data, source, early)
    parsed = read_structure(data, source)
    parsed.problems[:0] = early
    return parsed


class _SheetRefused(Exception):
    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class _Header:
    row: int
    fields: dict[int, str]  # column index -> field
    shares: dict[int, str]  # column index -> funder name as written
    outs: dict[int, str]
    titles: dict[int, str]  # column index -> header as written


def _cell_value(cell: Any, percent: bool = False) -> Any:
    value = getattr(cell, "value", None)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if percent and is_number and "%" in str(getattr(cell, "number_format", "") or ""):
        return Decimal(repr(value)) * 100  # 50 % typed as a percentage is stored as 0.5
    return value


def _read_header(
    part: str, number: int, cells: tuple[Any, ...], problems: list[Problem], sheet: str
) -> _Header:
    by_header = {normalise_header(c.header): c for c in COLUMNS[part]}
    header = _Header(row=number, fields={}, shares={}, outs={}, titles={})
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        value = getattr(cell, "value", None)
        if _blank(value):
            continue
        title = str(value).strip()
        key = normalise_header(title)
        header.titles[index] = title
        if key in seen:
            problems.append(
                Problem(
                    (part,),
                    _("Deze kolom staat twee keer op het blad."),
                    sheet,
                    number,
                    title,
                    "column",
                )
            )
            continue
        seen[key] = index
        column = by_header.get(key)
        share = _SHARE.match(title) if part == "plan_lines" else None
        out = _OUT_OF_POCKET.match(title) if part == "plan_lines" else None
        if column is not None:
            header.fields[index] = column.field
        elif share and share.group("name").strip():
            header.shares[index] = share.group("name").strip()
        elif out and out.group("name").strip():
            header.outs[index] = out.group("name").strip()
        else:
            expected = ", ".join(c.header for c in COLUMNS[part])
            if part == "plan_lines":
                expected += _(
                    " en per financier „<naam> aandeel %” en „<naam> out-of-pocket incl. btw”"
                )
            problems.append(
                Problem(
                    (part,),
                    _("Onbekende kolom. De kolommen van dit blad: %(columns)s.")
                    % {"columns": expected},
                    sheet,
                    number,
                    title,
                    "column",
                )
            )
    present = set(header.fields.values())
    missing = [c.header for c in COLUMNS[part] if c.required and c.field not in present]
    if missing:
        raise _SheetRefused(
            _("De kolom(men) %(columns)s ontbreken.") % {"columns": ", ".join(missing)}, number
        )
    return header


def _read_sheet(
    part: str, sheet: Any, source: XlsxSource, problems: list[Problem]
) -> list[Any] | None:
    header: _Header | None = None
    items: list[dict[str, Any]] = []
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
        if number > MAX_SHEET_ROWS:
            raise _SheetRefused(
                _("Het blad heeft te veel rijen (hoogstens %(max)s).") % {"max": MAX_ROWS}
            )
        if all(_blank(getattr(c, "value", None)) for c in cells):
            continue
        if len(cells) > MAX_COLUMNS and not _blank(getattr(cells[MAX_COLUMNS], "value", None)):
            raise _SheetRefused(_("Het blad heeft te veel kolommen."), number)
        if header is None:
            header = _read_header(part, number, cells, problems, sheet.title)
            source.headers[part] = {field: header.titles[i] for i, field in header.fields.items()}
            source.header_rows[part] = number
            source.funder_columns = [
                (name, header.titles[i]) for i, name in (header.shares | header.outs).items()
            ]
            continue
        if len(items) >= MAX_ROWS:
            raise _SheetRefused(_("Het blad heeft meer dan %(max)s rijen.") % {"max": MAX_ROWS})
        item: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            if index not in header.titles and not _blank(value):
                problems.append(
                    Problem(
                        (part,),
                        _("Deze cel staat in een kolom zonder kopje."),
                        sheet.title,
                        number,
                        _("kolom %(n)s") % {"n": index + 1},
                    )
                )
            if index in header.fields and not _blank(value):
                item[header.fields[index]] = _cell_value(cell)
        if part == "plan_lines":
            item["funders"] = _fundings(header, cells, len(items), source)
        source.rows[part].append(number)
        items.append(item)
    if header is None:
        return []
    return items


def _fundings(
    header: _Header, cells: tuple[Any, ...], index: int, source: XlsxSource
) -> list[dict[str, Any]]:
    """A plan line's parts per funder from its funder columns (both cells blank: none)."""
    by_funder: dict[str, dict[str, Any]] = {}
    headers: dict[str, list[str]] = {}
    for column, name in header.shares.items():
        key = name_key(name)
        by_funder.setdefault(key, {"funder": name})
        headers.setdefault(key, ["", ""])[0] = header.titles[column]
        if column < len(cells) and not _blank(getattr(cells[column], "value", None)):
            by_funder[key]["share"] = _cell_value(cells[column], percent=True)
    for column, name in header.outs.items():
        key = name_key(name)
        by_funder.setdefault(key, {"funder": name})
        headers.setdefault(key, ["", ""])[1] = header.titles[column]
        if column < len(cells) and not _blank(getattr(cells[column], "value", None)):
            by_funder[key]["out_of_pocket_incl_vat"] = _cell_value(cells[column])
    fundings = []
    located = []
    for key, item in by_funder.items():
        if len(item) > 1:
            fundings.append(item)
            share, out = headers[key]
            located.append((share or out, out or share))
    source.funding_headers[index] = located
    return fundings


def _check_funder_columns(
    data: dict[str, Any], source: XlsxSource, problems: list[Problem]
) -> None:
    """A funder column must name a funder of the Financiers sheet."""
    names = {
        name_key(str(item["name"]))
        for item in data["funders"]
        if isinstance(item, dict) and not _blank(item.get("name"))
    }
    unknown = {name for name, _title in source.funder_columns if name_key(name) not in names}
    unknown_keys = {name_key(name) for name in unknown}
    for index, line in enumerate(data["plan_lines"]):
        kept = []
        located = []
        headers = source.funding_headers.get(index, [])
        for position, funding in enumerate(line.get("funders", [])):
            if name_key(funding["funder"]) not in unknown_keys:
                kept.append(funding)
                if position < len(headers):
                    located.append(headers[position])
        line["funders"] = kept
        source.funding_headers[index] = located
    header_row = source.header_rows.get("plan_lines")
    for name, title in source.funder_columns:
        if name in unknown:
            problems.append(
                Problem(
                    ("plan_lines",),
                    _("Financier „%(name)s” staat niet op het blad Financiers.") % {"name": name},
                    source.sheets.get("plan_lines", PART_LABELS["plan_lines"]),
                    header_row,
                    title,
                    "unknown",
                )
            )


# --- writing ----------------------------------------------------------------------------


def to_xlsx(document: dict[str, Any]) -> bytes:
    """The workbook of a plan document (``write.to_document``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    funders = document["funders"]
    with translation.override("nl"):
        kind_label = {value: str(label) for value, label in Funder.Kind.choices}

    def sheet_with(title: str, headers: list[str]) -> Any:
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for index, text in enumerate(headers, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(len(text) + 2, 12), 40)
        return sheet

    def text(value: Any) -> Any:
        return None if value in (None, "") else safe_text(str(value))

    info = document.get("programme") or {}
    sheet = sheet_with("Programma", ["Naam", "Begindatum", "Einddatum"])
    sheet.append([text(info.get("name")), info.get("starts_on"), info.get("ends_on")])
    for cell in sheet[2][1:]:
        cell.number_format = "DD-MM-YYYY"

    sheet = sheet_with("Financiers", [c.header for c in COLUMNS["funders"]])
    for funder in funders:
        sheet.append(
            [
                text(funder["name"]),
                kind_label.get(funder["kind"], funder["kind"]),
                funder["position"],
            ]
        )
    choices = DataValidation(
        type="list", formula1='"' + ",".join(kind_label.values()) + '"', allow_blank=False
    )
    sheet.add_data_validation(choices)
    choices.add(f"B2:B{MAX_FUNDERS + 1}")

    sheet = sheet_with("Tarieven", [c.header for c in COLUMNS["rates"]])
    for number, rate in enumerate(document["rates"], start=2):
        sheet.append([text(rate["organisation"]), rate["year"], rate["rate"]])
        sheet.cell(row=number, column=3).number_format = MONEY_FORMAT

    sheet = sheet_with("Activiteiten", [c.header for c in COLUMNS["activity_types"]])
    for number, kind in enumerate(document["activity_types"], start=2):
        sheet.append(
            [
                text(kind["code"]),
                text(kind["name"]),
                kind["default_hours_per_unit"],
                kind["position"],
            ]
        )
        sheet.cell(row=number, column=3).number_format = NUMBER_FORMAT

    headers = [c.header for c in COLUMNS["plan_lines"]]
    for funder in funders:
        headers += [f"{funder['name']} {SHARE_SUFFIX}", f"{funder['name']} {OUT_OF_POCKET_SUFFIX}"]
    sheet = sheet_with("Planregels", headers)
    first_funder_column = len(COLUMNS["plan_lines"]) + 1
    for number, line in enumerate(document["plan_lines"], start=2):
        parts = {name_key(f["funder"]): f for f in line["funders"]}
        row: list[Any] = [
            line["year"],
            text(line["activity_type"]),
            text(line["organisation"]),
            text(line["description"]),
            line["count"],
            line["hours_per_unit"],
            line["fixed_hours"],
            text(line["scheme"]),
        ]
        for funder in funders:
            part = parts.get(name_key(funder["name"]))
            row += [part["share"], part["out_of_pocket_incl_vat"]] if part else [None, None]
        sheet.append(row)
        for column in (6, 7):
            sheet.cell(row=number, column=column).number_format = NUMBER_FORMAT
        for offset in range(len(funders)):
            sheet.cell(
                row=number, column=first_funder_column + 2 * offset
            ).number_format = NUMBER_FORMAT
            sheet.cell(
                row=number, column=first_funder_column + 2 * offset + 1
            ).number_format = MONEY_FORMAT
    codes = DataValidation(
        type="list", formula1=f"=Activiteiten!$A$2:$A${max(len(document['activity_types']), 1) + 1}"
    )
    codes.showErrorMessage = False  # a new code is added on the Activiteiten sheet
    sheet.add_data_validation(codes)
    codes.add(f"B2:B{MAX_ROWS + 1}")

    notes = workbook.create_sheet("Toelichting")
    for line in _notes():
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _notes() -> list[str]:
    return [
        "Het plan van een programma in Loket (formaat: docs/plan-format.md).",
        "Financiers: één rij per financier, met de soort: provincie, gemeente, "
        "Kamer van Koophandel, Rijk / landelijke regeling, Europese Unie, "
        "ondernemers (eigen bijdragen) of overig.",
        "Tarieven: uurtarief exclusief btw van een uitvoerende organisatie, vanaf een jaar "
        "(tot een later jaar een ander tarief heeft).",
        "Activiteiten: code (letters, cijfers en streepjes), naam, standaard uren per eenheid.",
        "Planregels: jaar, activiteit (code), organisatie, aantal, uren per eenheid óf een "
        "vast aantal uren, regeling (een bestaande naam),",
        "  en per financier het aandeel in de uren in procenten (samen 100) en de "
        "out-of-pocketkosten inclusief btw.",
        "Getallen met een decimale komma of punt. Inlezen vervangt het hele plan door dit "
        "bestand; bij één fout wordt niets opgeslagen.",
        "De bladen Programma en Toelichting worden bij inlezen overgeslagen.",
    ]
