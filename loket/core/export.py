"""CSV and XLSX exports of a list: the whole filtered, sorted set, not just one page.

Describe the columns once as ``(header, accessor)`` pairs; the accessor is a dotted path
(``"municipality.name"``; a method on the way is called, so ``"get_status_display"``
works) or a callable taking the row::

    COLUMNS = [
        (_("Naam"), "name"),
        (_("Gemeente"), "municipality.name"),
        (_("Opgericht op"), "founded_on"),
        (_("Starter"), lambda company: company.is_starter),
    ]

    if fmt := export_format(request):
        return export_response(fmt, queryset, COLUMNS, "bedrijven")

Values are written the Dutch way: dates ``22-11-2026`` (in XLSX as real dates shown as
``dd-mm-yyyy``), times in Europe/Amsterdam, booleans ``ja``/``nee``, decimals with a
comma in CSV. The CSV uses ``;`` and a byte-order mark, as Dutch Excel expects, and is
streamed. Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading apostrophe (OWASP's CSV
injection advice). The file name holds no personal data: ``<stem>-<date>.<ext>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.manager import BaseManager
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

Accessor = str | Callable[[Any], Any]
Column = tuple[str | Promise, Accessor]

FORMATS = ("csv", "xlsx")
EXPORT_PARAM = "export"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_format(request: HttpRequest) -> str | None:
    """'csv' or 'xlsx' when the request asks for an export (``?export=csv``), else None."""
    value = request.GET.get(EXPORT_PARAM, "")
    return value if value in FORMATS else None


def safe_text(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading apostrophe before a formula start."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def resolve(row: Any, accessor: Accessor) -> Any:
    """The value of ``accessor`` for ``row``; None when a step on the path is None."""
    if callable(accessor):
        return accessor(row)
    value = row
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, Model | BaseManager):
            value = value()  # a method such as get_status_display
    return value


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _text(value: Any) -> str:
    """A cell value as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, list | tuple | set | frozenset):
        return safe_text(", ".join(_text(v) for v in value))
    if hasattr(value, "all") and callable(value.all):  # a related manager
        return safe_text(", ".join(str(v) for v in value.all()))
    return safe_text(str(value))


def _cell(value: Any) -> Any:
    """A cell value for openpyxl: numbers and dates stay typed, the rest becomes text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, dt.date | int | float | decimal.Decimal):
        return value
    return _text(value)


def _rows(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        # Chunked, so a big export does not hold every row in memory; prefetches work.
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def _filename(stem: str, ext: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{ext}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    rows: Iterable[Any], columns: Sequence[Column], stem: str
) -> StreamingHttpResponse:
    """A streamed CSV download of ``rows``."""
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield "\ufeff"  # byte-order mark: Excel then reads UTF-8
        yield writer.writerow([safe_text(str(header)) for header, _acc in columns])
        for row in _rows(rows):
            yield writer.writerow([_text(resolve(row, accessor)) for _h, accessor in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    return response


def xlsx_response(
    rows: Iterable[Any], columns: Sequence[Column], stem: str, title: str | None = None
) -> HttpResponse:
    """An XLSX download of ``rows`` (openpyxl's write-only mode: little memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or stem)[:31])
    bold = Font(bold=True)
    header = []
    for label, _acc in columns:
        cell = WriteOnlyCell(sheet, value=safe_text(str(label)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in _rows(rows):
        cells = []
        for _label, accessor in columns:
            value = _cell(resolve(row, accessor))
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "DD-MM-YYYY HH:MM"
            elif isinstance(value, dt.date):
                cell.number_format = "DD-MM-YYYY"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response


def export_response(
    fmt: str, rows: Iterable[Any], columns: Sequence[Column], stem: str
) -> HttpResponse | StreamingHttpResponse:
    """The export in ``fmt`` ('csv' or 'xlsx'); ``stem`` names the file (no personal data)."""
    if fmt == "xlsx":
        return xlsx_response(rows, columns, stem)
    if fmt == "csv":
        return csv_response(rows, columns, stem)
    raise ValueError(f"Unknown export format {fmt!r}")
