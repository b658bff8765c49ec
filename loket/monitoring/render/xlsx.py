"""The report as an XLSX workbook: one sheet per section, numbers as numbers.

Each sheet starts with the report's title and a line naming the organisation and the
period, then a header row (row 4, frozen) and the rows. Amounts are number cells with a
format (money ``€ #,##0.00``, percentages as fractions with ``0.0%``, marks ``0.0``),
so a funder can compute with them; text goes through ``safe_text`` (no formulas).

Deterministic: the document properties and the zip entries carry ``generated_at``
instead of the clock, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from loket.core.export import safe_text
from loket.monitoring.render import common, html
from loket.monitoring.render.common import HUNDRED, dec, items, mapping, text
from loket.monitoring.render.sections import business_cases_rows, satisfaction_rows

FORMATS = {
    "money": "€ #,##0.00",
    "hours": "#,##0.00",
    "count": "#,##0",
    "number": "#,##0.##",
    "mark": "0.0",
    "fte": "0.0",
    "percent": "0.0%",
    "date": "dd-mm-yyyy",
}
BOLD = Font(bold=True)
HEADER_ROW = 4


class _FixedZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed date (openpyxl would stamp the clock)."""

    date_time: tuple[int, int, int, int, int, int] = (2000, 1, 1, 0, 0, 0)

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.date_time)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl writes each worksheet to a temporary file first; its mtime is the clock.
        with open(filename, "rb") as source:
            self.writestr(str(arcname or filename), source.read())


CELL_LIMIT = 32767  # Excel's most characters in a cell


def _text(value: Any) -> str:
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", text(value)))[:CELL_LIMIT]


def _number(value: Any, kind: str) -> tuple[Any, str | None]:
    """A cell value and its number format: a Decimal for numbers (a fraction for
    percentages), text otherwise."""
    amount = dec(value)
    if amount is None or kind == "text":
        return (_text(value) if text(value) else None), None
    if kind == "percent":
        return amount / HUNDRED, FORMATS["percent"]
    return amount, FORMATS.get(kind, FORMATS["number"])


class _Sheet:
    def __init__(self, workbook: Workbook, title: str, data: Mapping[str, Any]) -> None:
        name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Blad"
        self.sheet: Worksheet = workbook.create_sheet(name)
        self.sheet.append([_text(common.title(data))])
        self.sheet["A1"].font = Font(bold=True, size=13)
        subtitle = _("%(organisation)s · %(period)s") % {
            "organisation": common.organisation_text(data),
            "period": common.period_text(data),
        }
        self.sheet.append([_text(subtitle)])
        self.sheet.append([])

    def header(self, columns: Sequence[str]) -> None:
        self.sheet.append([_text(c) for c in columns])
        for cell in self.sheet[self.sheet.max_row]:
            cell.font = BOLD
        if self.sheet.max_row == HEADER_ROW:
            self.sheet.freeze_panes = f"A{HEADER_ROW + 1}"

    def row(self, values: Sequence[tuple[Any, str]], bold: bool = False) -> None:
        """A row of (value, kind): kind "text", "date" or a number kind."""
        cells: list[Any] = []
        formats: list[str | None] = []
        for value, kind in values:
            if kind == "date":
                try:
                    cells.append(dt.date.fromisoformat(text(value)[:10]))
                    formats.append(FORMATS["date"])
                except ValueError:
                    cells.append(_text(value) or None)
                    formats.append(None)
                continue
            cell, number_format = _number(value, kind)
            cells.append(cell)
            formats.append(number_format)
        self.sheet.append(cells)
        for cell, number_format in zip(self.sheet[self.sheet.max_row], formats, strict=False):
            if number_format:
                cell.number_format = number_format
            if bold:
                cell.font = BOLD

    def line(self, value: Any = None) -> None:
        self.sheet.append([_text(value)] if value else [])

    def widths(self, wrap_column: str | None = None) -> None:
        for column in self.sheet.iter_cols(min_row=HEADER_ROW):
            width = max((len(text(c.value)) for c in column if c.value is not None), default=8)
            letter = column[0].column_letter
            self.sheet.column_dimensions[letter].width = min(max(width + 2, 10), 60)
        if wrap_column:
            self.sheet.column_dimensions[wrap_column].width = 100
            for cell in self.sheet[wrap_column][HEADER_ROW:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _unit(row: Mapping[str, Any]) -> str:
    return text(row.get("unit")) or "count"


def _indicators(workbook: Workbook, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(workbook, _("Indicatoren"), data)
    sheet.header(
        [
            _("Actielijn"),
            _("Indicator"),
            _("Eenheid"),
            _("Doel"),
            _("Doel minimum"),
            _("Doel maximum"),
            _("Doelperiode"),
            _("Dit kwartaal"),
            _("Cumulatief"),
            _("% van doel"),
            _("Status"),
        ]
    )
    units = {
        "count": _("aantal"),
        "hours": _("uren"),
        "money": _("euro"),
        "mark": _("cijfer"),
        "percent": _("procent"),
    }
    for line, rows in common.action_lines(data):
        for row in rows:
            target = mapping(row.get("target"))
            unit = _unit(row)
            suppressed = bool(row.get("suppressed"))
            status = (
                _("minder dan 5 antwoorden")
                if suppressed
                else common.status_word(row.get("status"))
            )
            sheet.row(
                [
                    (line, "text"),
                    (row.get("name"), "text"),
                    (units.get(unit, unit), "text"),
                    (common.target_text(target, unit), "text"),
                    (target.get("minimum"), unit),
                    (target.get("maximum"), unit),
                    (common.target_period(target), "text"),
                    (None if suppressed else row.get("quarter"), unit),
                    (None if suppressed else row.get("cumulative"), unit),
                    (None if suppressed else row.get("percent"), "percent"),
                    (status, "text"),
                ]
            )
    sheet.widths()


def _series(workbook: Workbook, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(workbook, _("Reeksen"), data)
    labels = common.series_labels(data)
    sheet.header([_("Actielijn"), _("Indicator"), *labels])
    series = common.series_of(data)
    for line, rows in common.action_lines(data):
        for row in rows:
            values = dict(series.get(row.get("id"), []))
            unit = _unit(row)
            sheet.row(
                [
                    (line, "text"),
                    (row.get("name"), "text"),
                    *[(values.get(label), unit) for label in labels],
                ]
            )
    sheet.widths()


def _financing(workbook: Workbook, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(workbook, _("Financiering"), data)
    financing = mapping(data.get("financing"))
    columns = [text(c) for c in items(financing.get("columns"))]
    if not columns:
        sheet.line(_("Geen gegevens over de financiering."))
        return
    kinds = common.financing_kinds(financing)
    sheet.header(columns)
    for rows, bold in ((financing.get("rows"), False), (financing.get("totals"), True)):
        for row in items(rows):
            cells = items(row)[: len(columns)]
            sheet.row(list(zip(cells, kinds, strict=False)), bold=bold)
    sheet.widths()


def _narratives(workbook: Workbook, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(workbook, _("Toelichting"), data)
    sheet.header([_("Actielijn"), _("Organisatie"), _("Tekst")])
    own = common.organisation_text(data)
    for narrative in (mapping(n) for n in items(data.get("narratives"))):
        line = narrative.get("action_line") or _("Algemeen")
        written = html.to_text(text(narrative.get("html")))
        if written:
            sheet.row([(line, "text"), (own, "text"), (written, "text")])
        for part in (mapping(p) for p in items(narrative.get("parts"))):
            written = html.to_text(text(part.get("html")))
            if written:
                sheet.row([(line, "text"), (part.get("organisation"), "text"), (written, "text")])
    sheet.widths(wrap_column="C")


def _antenna(workbook: Workbook, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(workbook, _("Behoeften en signalen"), data)
    antenna = mapping(data.get("antenna"))
    sheet.header([_("Behoefte"), _("Aantal")])
    for need in (mapping(n) for n in items(antenna.get("needs"))):
        sheet.row([(need.get("need"), "text"), (need.get("count"), "count")])
    sheet.line()
    sheet.header([_("Datum"), _("Thema"), _("Organisatie"), _("Signaal")])
    for signal in (mapping(s) for s in items(antenna.get("signals"))):
        sheet.row(
            [
                (signal.get("date"), "date"),
                (signal.get("theme"), "text"),
                (signal.get("organisation"), "text"),
                (signal.get("text"), "text"),
            ]
        )
    sheet.widths()


def _satisfaction(workbook: Workbook, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(workbook, _("Tevredenheid"), data)
    found = mapping(data.get("satisfaction"))
    summary, recommend, comments = satisfaction_rows(found)
    sheet.header([_("Gegeven"), _("Waarde")])
    for label, value, kind in summary:
        sheet.row([(label, "text"), (value, kind)])
    if found.get("suppressed") or not found:
        sheet.line()
        sheet.line(_("Minder dan 5 antwoorden: de resultaten worden niet getoond."))
        sheet.widths()
        return
    distribution = mapping(found.get("distribution"))
    if distribution:
        sheet.line()
        sheet.header([_("Cijfer"), _("Aantal")])
        for mark in range(1, 11):
            sheet.row([(mark, "count"), (distribution.get(str(mark), 0), "count")])
    if recommend:
        sheet.line()
        sheet.header([_("Zou u ons aanbevelen?"), _("Aantal")])
        for word, value in recommend:
            sheet.row([(word, "text"), (value, "count")])
    if comments:
        sheet.line()
        sheet.header([_("Vraag"), _("Opmerking")])
        for heading, texts in comments:
            for comment in texts:
                sheet.row([(heading, "text"), (comment, "text")])
    sheet.widths()


def _business_cases(workbook: Workbook, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(workbook, _("Businesscases"), data)
    found = data.get("business_cases")
    if not isinstance(found, Mapping):
        sheet.line(_("Geen businesscases in deze rapportage."))
        return
    totals, header, rows = business_cases_rows(found)
    sheet.header([_("Effect"), _("Verwacht"), _("Gerealiseerd")])
    for name, expected, realised, kind in totals:
        sheet.row([(name, "text"), (expected, kind), (realised, kind)])
    sheet.row([(_("Aantal businesscases"), "text"), (found.get("count"), "count")])
    sheet.line()
    sheet.header([h for h, _kind in header])
    for row in rows:
        sheet.row(row)
    sheet.widths()


def to_xlsx(data: Mapping[str, Any]) -> bytes:
    """The report data as an XLSX workbook; the same data gives the same bytes."""
    data = mapping(data)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for section in (
        _indicators,
        _series,
        _financing,
        _narratives,
        _antenna,
        _satisfaction,
        _business_cases,
    ):
        section(workbook, data)
    moment = common.generated_at(data).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    properties = workbook.properties
    properties.created = properties.modified = moment
    properties.creator = properties.lastModifiedBy = "Loket"
    properties.title = _text(common.title(data))[:255]
    buffer = io.BytesIO()
    archive = _FixedZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.date_time = (
        max(moment.year, 1980),
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


__all__ = ["to_xlsx"]
