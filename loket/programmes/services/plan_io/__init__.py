"""The plan as a document: import from and export to XLSX and YAML (and JSON through the
API) in the format of docs/plan-format.md.

- ``parse_xlsx``, ``parse_yaml``, ``parse_json``, ``parse_upload``: a file into a
  ``Parsed`` document, every problem of its shape located by sheet, row and column (XLSX),
  line (YAML) or path (JSON). Bad files (empty, too big, not XLSX or YAML, binary
  garbage, YAML bombs, the wrong types) are refused with a clear message, never an error.
- ``validate_document``: every problem of a document for a programme, checked with the
  models' own ``full_clean`` and ``check_shares``.
- ``replace_plan``: the document becomes the plan, all or nothing, in one transaction,
  after the whole document has been checked; one audit event with the counts.
- ``to_document``, ``to_yaml``, ``to_xlsx``: the plan as a document; an export imports
  back to the same plan.

Modules: ``schema`` (structure and values), ``reading`` (YAML, JSON, locating
problems), ``xlsx`` (the workbook), ``check`` (the rules), ``write`` (import, export).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from loket.programmes.models import Programme
from loket.programmes.services.plan_io.check import ACTIONS
from loket.programmes.services.plan_io.reading import (
    PART_LABELS,
    Parsed,
    Source,
    parse_json,
    parse_yaml,
    rejected,
    too_big_message,
)
from loket.programmes.services.plan_io.schema import (
    MAX_BYTES,
    MAX_ROWS,
    PARTS,
    PlanDocument,
    Problem,
)
from loket.programmes.services.plan_io.write import (
    ImportResult,
    dump_yaml,
    export_filename,
    replace_plan,
    to_document,
    to_yaml,
    validate_document,
)
from loket.programmes.services.plan_io.xlsx import XLSX_TYPE, parse_xlsx
from loket.programmes.services.plan_io.xlsx import to_xlsx as _document_to_xlsx

__all__ = [
    "ACTIONS",
    "EXTENSIONS",
    "MAX_BYTES",
    "MAX_ROWS",
    "PARTS",
    "PART_LABELS",
    "XLSX_TYPE",
    "ImportResult",
    "Parsed",
    "PlanDocument",
    "Problem",
    "dump_yaml",
    "export_filename",
    "parse_json",
    "parse_upload",
    "parse_xlsx",
    "parse_yaml",
    "replace_plan",
    "to_document",
    "to_xlsx",
    "to_yaml",
    "validate_document",
]

EXTENSIONS = (".xlsx", ".yaml", ".yml", ".json")


def parse_upload(filename: str, content: bytes) -> Parsed:
    """An uploaded file, read by its kind (.xlsx, .yaml/.yml or .json)."""
    name = (filename or "").strip().lower()
    if not content:
        return rejected(Source(), _("Het bestand is leeg."), "empty")
    if len(content) > MAX_BYTES:
        return rejected(Source(), too_big_message())
    if name.endswith(".xlsx"):
        return parse_xlsx(content)
    if name.endswith((".yaml", ".yml")):
        if content.startswith(b"PK\x03\x04"):
            return rejected(
                Source(), _("Dit is geen YAML-bestand maar een werkmap: noem het .xlsx.")
            )
        return parse_yaml(content)
    if name.endswith(".json"):
        return parse_json(content)
    return rejected(
        Source(), _("Kies een XLSX- of YAML-bestand: de naam eindigt op .xlsx, .yaml of .yml.")
    )


def to_xlsx(programme: Programme) -> bytes:
    """The plan as an XLSX workbook."""
    document: dict[str, Any] = to_document(programme)
    return _document_to_xlsx(document)
