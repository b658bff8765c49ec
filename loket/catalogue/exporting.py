"""Export of the instrument catalogue as CSV or XLSX: one row per instrument, in the
columns of the import (``importing.COLUMNS``), so an exported file re-imports without
changes. Codes, not labels, for kinds, phases, size classes and legal forms; theme and
region slugs; municipality and organisation names; lists separated by "; ".

The rows are read in a constant number of queries (one for the instruments with their
organisations, one per many-to-many list), whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse

from loket.catalogue.importing import COLUMNS, LIST_SEPARATOR, Column
from loket.catalogue.models import Instrument
from loket.core.export import export_response

FILE_STEM = "instrumenten"


def export_queryset(queryset: QuerySet[Instrument]) -> QuerySet[Instrument]:
    """``queryset`` (already scoped to the user) with what the columns read."""
    return (
        queryset.select_related("provider_organisation", "contact_organisation")
        .prefetch_related("themes", "municipalities", "regions")
        .order_by("name", "id")
    )


def _joined(values: Any) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def _accessor(column: Column) -> Callable[[Instrument], Any]:
    name = column.field
    if column.kind == "themes":
        return lambda i: _joined(t.slug for t in i.themes.all())
    if column.kind == "municipalities":
        return lambda i: _joined(m.name for m in i.municipalities.all())
    if column.kind == "regions":
        return lambda i: _joined(r.slug for r in i.regions.all())
    if column.kind == "organisation":
        return lambda i: getattr(getattr(i, name), "name", "")
    if column.kind in ("choices", "sbi"):
        return lambda i: _joined(getattr(i, name) or [])
    return lambda i: getattr(i, name)


EXPORT_COLUMNS = [(column.header, _accessor(column)) for column in COLUMNS]


def export_catalogue(
    fmt: str, queryset: QuerySet[Instrument]
) -> HttpResponse | StreamingHttpResponse:
    """The download of ``queryset`` in ``fmt`` ('csv' or 'xlsx')."""
    return export_response(fmt, export_queryset(queryset), EXPORT_COLUMNS, FILE_STEM)
