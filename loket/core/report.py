"""Tables of figures as XLSX and PDF: the financing overview, the realisation and the
reports to funders are described once as a ``Report`` of ``Table``s and written to
either format here.

- Cells are plain values: ``str``, ``int``, ``Decimal`` (money, hours), dates; a
  ``Cell`` adds a kind (``"money"``, ``"hours"``, ``"percent"``, ``"text"``) and an
  emphasis (``"over"`` / ``"under"`` for over- and under-spend, ``"total"``).
- XLSX keeps numbers as numbers (money with the ``€ #.##0,00`` format, percentages as
  fractions with ``0,0%``) so the funder can compute with them; PDF (A4 landscape,
  reportlab) shows them the Dutch way. Highlighted cells carry a word as well as a
  colour (WCAG: colour is never the only sign).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from loket.core import numbers
from loket.core.export import safe_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str = "text"  # text, money, hours, percent, count
    emphasis: str = ""  # "", "total", "over", "under"

    def text(self) -> str:
        value = self.value
        if value is None:
            return ""
        if self.kind == "money":
            out = numbers.euro(value)
        elif self.kind == "hours":
            out = numbers.hours(value)
        elif self.kind == "percent":
            out = numbers.percent(value)
        elif isinstance(value, dt.date):
            out = value.strftime("%d-%m-%Y")
        else:
            out = str(value)
        if self.emphasis == "over":
            out = f"{out} ({_('overschreden')})"
        elif self.emphasis == "under":
            out = f"{out} ({_('achter')})"
        return out


def money(value: Any, emphasis: str = "") -> Cell:
    return Cell(value, "money", emphasis)


def hours(value: Any, emphasis: str = "") -> Cell:
    return Cell(value, "hours", emphasis)


def percent(value: Any, emphasis: str = "") -> Cell:
    return Cell(value, "percent", emphasis)


def count(value: Any, emphasis: str = "") -> Cell:
    return Cell(value, "count", emphasis)


def _cell(value: Any) -> Cell:
    return value if isinstance(value, Cell) else Cell(value)


@dataclass
class Table:
    title: str
    columns: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)
    # Rows shown in bold at the end (totals).
    totals: list[Sequence[Any]] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    title: str
    subtitle: str = ""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def filename(self, ext: str) -> str:
        return f"{slugify(self.title)[:60] or 'rapport'}-{timezone.localdate():%Y-%m-%d}.{ext}"


# --- XLSX ----------------------------------------------------------------------------


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fills = {
        "over": PatternFill("solid", fgColor="F8D7DA"),
        "under": PatternFill("solid", fgColor="FFF3CD"),
    }
    words = {
        "over": _("overschreden").replace('"', ""),
        "under": _("achter").replace('"', ""),
    }
    used: set[str] = set()
    for table in report.tables:
        name = _sheet_name(table.title, used)
        sheet = workbook.create_sheet(name)
        sheet.append([safe_text(report.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([safe_text(table.title)])
        if report.subtitle:
            sheet.append([safe_text(report.subtitle)])
        sheet.append([])
        sheet.append([safe_text(str(c)) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row, is_total in [(r, False) for r in table.rows] + [(r, True) for r in table.totals]:
            cells = [_cell(v) for v in row]
            sheet.append([_xlsx_value(c) for c in cells])
            for target, source in zip(sheet[sheet.max_row], cells, strict=False):
                number_format = _XLSX_FORMATS.get(source.kind)
                if number_format and source.emphasis in words:
                    # The word as well as the colour (never colour alone).
                    number_format = f'{number_format}" ({words[source.emphasis]})"'
                if number_format:
                    target.number_format = number_format
                if is_total or source.emphasis == "total":
                    target.font = bold
                if source.emphasis in fills:
                    target.fill = fills[source.emphasis]
        if table.note:
            sheet.append([])
            sheet.append([safe_text(table.note)])
        for column in sheet.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    if report.notes:
        sheet = workbook.create_sheet(_sheet_name(_("Toelichting"), used))
        for note in report.notes:
            sheet.append([safe_text(note)])
    if not workbook.sheetnames:
        workbook.create_sheet(_sheet_name(report.title, used))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_XLSX_FORMATS = {"money": "€ #,##0.00", "hours": "#,##0.00", "percent": "0.0%", "count": "0"}


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Blad"
    name, n = base, 2
    while name in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name)
    return name


def _xlsx_value(cell: Cell) -> Any:
    value = cell.value
    if value is None:
        return None
    if cell.kind == "percent" and isinstance(value, Decimal | int):
        return Decimal(value) / 100
    if isinstance(value, Decimal | int | float | dt.date):
        return value
    return safe_text(str(value))


# --- PDF -----------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus.tables import LongTable

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        lang="nl",
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    small_bold = small.clone("small_bold", fontName="Helvetica-Bold")
    story: list[Any] = [Paragraph(_escape(report.title), styles["Title"])]
    if report.subtitle:
        story.append(Paragraph(_escape(report.subtitle), styles["Normal"]))
    story.append(Spacer(1, 4 * mm))
    for table in report.tables:
        story.append(Paragraph(_escape(table.title), styles["Heading2"]))
        data: list[list[Any]] = [[Paragraph(_escape(str(c)), small_bold) for c in table.columns]]
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        body = [(r, False) for r in table.rows] + [(r, True) for r in table.totals]
        for index, (row, is_total) in enumerate(body, start=1):
            cells = [_cell(v) for v in row]
            line = []
            for col, cell in enumerate(cells):
                bold = is_total or cell.emphasis == "total"
                para_style = small_bold if bold else small
                if cell.kind in ("money", "hours", "percent", "count"):
                    para_style = para_style.clone(f"r{index}{col}", alignment=2)
                line.append(Paragraph(_escape(cell.text()), para_style))
                if cell.emphasis == "over":
                    style.append(
                        ("BACKGROUND", (col, index), (col, index), colors.HexColor("#F8D7DA"))
                    )
                elif cell.emphasis == "under":
                    style.append(
                        ("BACKGROUND", (col, index), (col, index), colors.HexColor("#FFF3CD"))
                    )
            data.append(line)
        table_class = LongTable if len(data) > 40 else PdfTable
        pdf_table = table_class(data, repeatRows=1, hAlign="LEFT")
        pdf_table.setStyle(TableStyle(style))
        story.append(pdf_table)
        if table.note:
            story.append(Paragraph(_escape(table.note), small))
        story.append(Spacer(1, 5 * mm))
    for note in report.notes:
        story.append(Paragraph(_escape(note), styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- responses -----------------------------------------------------------------------


def report_response(report: Report, fmt: str) -> HttpResponse:
    """The report as an XLSX or PDF download (``fmt``: ``"xlsx"`` or ``"pdf"``)."""
    if fmt == "pdf":
        response = HttpResponse(to_pdf(report), content_type="application/pdf")
    else:
        fmt = "xlsx"
        response = HttpResponse(to_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report.filename(fmt)}"'
    return response
