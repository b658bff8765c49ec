"""Import of the instrument catalogue from a CSV or XLSX file: one row per instrument.

The column set is documented in docs/catalogue-columns.md; ``exporting`` writes the same
columns, so an export re-imports without changes. A row whose name matches an instrument
of the same part of the catalogue (the import's region, or the shared national and EU
part) changes that instrument through ``services.update_instrument`` (a new version when
anything changed); any other row creates one through ``services.create_instrument``.

The whole file is checked first: the file itself (type, size, encoding, columns), every
cell (numbers, dates, codes, names of themes, municipalities and organisations), and
every row with the services' own checks (``Instrument.full_clean`` and
``services.validate_criteria`` on the unsaved instrument). Each problem is reported with
the row number as the spreadsheet shows it and the column header. If there is any
problem nothing is written; otherwise every row is written in one transaction.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation, User
from loket.catalogue import services
from loket.catalogue.models import (
    SHARED_PROVIDER_KINDS,
    Instrument,
    Kind,
    Phase,
    ProviderKind,
)
from loket.companies.models import LegalForm, SizeClass
from loket.core import audit
from loket.core.export import FORMULA_START
from loket.core.forms import normalise_amount
from loket.core.models import Municipality, Region, Theme
from loket.core.permissions import require

# --- the column set ------------------------------------------------------------------

MAX_INT = 2_147_483_647  # PositiveIntegerField on every database
MAX_SMALL_INT = 32_767  # PositiveSmallIntegerField


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # an Instrument field of services.INSTRUMENT_FIELDS or INSTRUMENT_M2M
    kind: str  # how a cell is read: text, html, url, choice, choices, int, money, date, ...
    required: bool = False
    max_value: int = MAX_INT


# The headers are fixed Dutch identifiers, the same in every language, so a file
# exported in English re-imports. Documented in docs/catalogue-columns.md.
COLUMNS: tuple[Column, ...] = (
    Column("naam", "name", "text", required=True),
    Column("korte_omschrijving", "summary", "text", required=True),
    Column("omschrijving", "description", "html"),
    Column("soort", "kind", "choice", required=True),
    Column("aanbieder", "provider_kind", "choice", required=True),
    Column("aanbiedende_organisatie", "provider_organisation", "organisation"),
    Column("naam_aanbieder", "provider_name", "text"),
    Column("themas", "themes", "themes"),
    Column("fasen", "phases", "choices"),
    Column("zoekwoorden", "keywords", "text"),
    Column("grootteklassen", "size_classes", "choices"),
    Column("min_werkzame_personen", "employees_min", "int"),
    Column("max_werkzame_personen", "employees_max", "int"),
    Column("min_leeftijd", "company_age_min", "int", max_value=MAX_SMALL_INT),
    Column("max_leeftijd", "company_age_max", "int", max_value=MAX_SMALL_INT),
    Column("sbi_alleen", "sbi_included", "sbi"),
    Column("sbi_niet", "sbi_excluded", "sbi"),
    Column("gemeenten", "municipalities", "municipalities"),
    Column("regios", "regions", "regions"),
    Column("rechtsvormen", "legal_forms", "choices"),
    Column("bedrag_min", "amount_min", "money"),
    Column("bedrag_max", "amount_max", "money"),
    Column("eigen_bijdrage", "own_contribution", "money"),
    Column("aanvragen", "how_to_apply", "html"),
    Column("contactorganisatie", "contact_organisation", "organisation"),
    Column("contactpersoon", "contact_name", "text"),
    Column("contact_email", "contact_email", "text"),
    Column("contact_telefoon", "contact_phone", "text"),
    Column("website", "website", "url"),
    Column("open_vanaf", "open_from", "date"),
    Column("open_tot", "open_until", "date"),
    Column("deadline", "deadline", "date"),
    Column("budget_uitgeput", "budget_exhausted", "bool"),
    Column("gepubliceerd", "published", "bool"),
    Column("laatst_gecontroleerd", "last_verified", "date"),
)
BY_HEADER = {column.header: column for column in COLUMNS}
BY_FIELD = {column.field: column for column in COLUMNS}
HEADERS = tuple(column.header for column in COLUMNS)
REQUIRED = tuple(column.header for column in COLUMNS if column.required)
# Values in a list cell (themas, fasen, sbi_alleen, ...) are separated by ";" (or ",").
LIST_SEPARATOR = "; "
_SPLIT = re.compile(r"[;,\n]")

# Limits: a file larger than this, or with more rows, is refused whole.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 200
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # an XLSX is a zip: no zip bombs
MAX_ERRORS = 500
EXTENSIONS = (".csv", ".xlsx")

# Aliases of the provider kinds besides their codes and labels.
PROVIDER_ALIASES = {
    "programma": ProviderKind.PROGRAMME,
    "partner": ProviderKind.PARTNER,
    "europa": ProviderKind.EU,
    "europees": ProviderKind.EU,
    "eu": ProviderKind.EU,
    "nationaal": ProviderKind.NATIONAL,
    "rijk": ProviderKind.NATIONAL,
}
CHOICES: dict[str, Any] = {
    "kind": Kind,
    "provider_kind": ProviderKind,
    "phases": Phase,
    "size_classes": SizeClass,
    "legal_forms": LegalForm,
}
TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
FALSE_WORDS = frozenset({"nee", "n", "no", "false", "onwaar", "0"})


# --- the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the row as the spreadsheet numbers it (None: the file as a whole),
    the column header ("" when no column is to blame) and a translated message."""

    row: int | None
    column: str
    message: str


@dataclass(frozen=True)
class RowResult:
    row: int
    name: str
    action: str  # "create", "update" or "unchanged"
    instrument_id: int | None = None


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    written: bool = False
    truncated: bool = False  # more errors than MAX_ERRORS: the rest is left out

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


class FileRejected(Exception):
    """The file cannot be read as a table of instruments."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


def _file_error(message: str, column: str = "", row: int | None = None) -> FileRejected:
    return FileRejected([RowError(row, column, message)])


# --- reading the file ----------------------------------------------------------------


@dataclass
class Table:
    """The rows of a file: the header row's number and headers, then (row number,
    cells by header) for every row that is not blank."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]


def normalise_header(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\ufeff", "").strip().lower()
    text = text.replace("'", "").replace("’", "")
    return re.sub(r"[\s\-]+", "_", text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(filename: str, content: bytes) -> Table:
    """The file as a table, or FileRejected saying why not."""
    name = (filename or "").strip().lower()
    if not content:
        raise _file_error(_("Het bestand is leeg."))
    if len(content) > MAX_FILE_BYTES:
        raise _file_error(
            _("Het bestand is groter dan %(mb)s MB. Splits het op in kleinere bestanden.")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not name.endswith(EXTENSIONS):
        raise _file_error(
            _("Kies een CSV- of XLSX-bestand: de bestandsnaam eindigt op .csv of .xlsx.")
        )
    raw_rows = _xlsx_rows(content) if name.endswith(".xlsx") else _csv_rows(content)
    return _table(raw_rows)


def _csv_text(content: bytes) -> str:
    if b"\x00" in content:
        raise _file_error(_("Dit is geen CSV-bestand: het bevat geen leesbare tekst."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")  # what Excel on Windows writes as "CSV"
        except UnicodeDecodeError:
            raise _file_error(
                _(
                    "De tekens in het bestand zijn niet te lezen. Sla het op als "
                    "„CSV UTF-8 (door komma's gescheiden)”."
                )
            ) from None
    if any(ch < " " and ch not in "\t\r\n" for ch in text):
        raise _file_error(_("Dit is geen CSV-bestand: het bevat geen leesbare tekst."))
    return text


def _delimiter(text: str) -> str:
    """';' (Dutch Excel), ',' or a tab: whichever the header line holds most of."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _csv_text(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        # A spreadsheet shows one record per row, even with line breaks in a cell.
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise _file_error(
            _("Het CSV-bestand is niet goed opgebouwd (rij %(row)s).") % {"row": reader.line_num},
        ) from exc


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    not_xlsx = _(
        "Dit is geen geldig XLSX-bestand. Sla het in uw spreadsheet op als Excel-werkmap "
        "(.xlsx) of als CSV."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise _file_error(not_xlsx)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _file_error(not_xlsx) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise _file_error(not_xlsx) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _file_error(_("Het bestand is leeg."))
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        except FileRejected:
            raise
        except Exception:
            raise _file_error(not_xlsx) from None
    finally:
        workbook.close()


def _table(raw_rows: Iterable[tuple[int, list[Any]]]) -> Table:
    header_row: int | None = None
    headers: list[str] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in raw_rows:
        if all(_blank(v) for v in values):
            continue
        if header_row is None:
            header_row = number
            headers = [normalise_header(v) for v in values]
            _check_headers(number, headers)
            continue
        if len(rows) >= MAX_ROWS:
            raise _file_error(
                _("Het bestand heeft meer dan %(max)s rijen. Splits het op in kleinere bestanden.")
                % {"max": MAX_ROWS}
            )
        extra = [v for v in values[len(headers) :] if not _blank(v)]
        if extra:
            raise _file_error(
                _("Deze rij heeft meer cellen dan er kolommen zijn."), row=number, column=""
            )
        cells = {h: values[i] if i < len(values) else None for i, h in enumerate(headers) if h}
        for i, h in enumerate(headers):
            if not h and i < len(values) and not _blank(values[i]):
                raise _file_error(
                    _("Kolom %(n)s heeft geen kopje.") % {"n": i + 1}, row=number, column=""
                )
        rows.append((number, cells))
    if header_row is None:
        raise _file_error(_("Het bestand is leeg."))
    if not rows:
        raise _file_error(_("Het bestand bevat geen instrumenten, alleen de kopjes."))
    return Table(header_row, [h for h in headers if h], rows)


def _check_headers(row: int, headers: list[str]) -> None:
    errors: list[RowError] = []
    if len(headers) > MAX_COLUMNS:
        raise _file_error(_("Het bestand heeft te veel kolommen."), row=row)
    seen: set[str] = set()
    for header in headers:
        if not header:
            continue
        if header not in BY_HEADER:
            errors.append(
                RowError(
                    row,
                    header,
                    _("Onbekende kolom. De kolommen staan in de handleiding (catalogus-kolommen)."),
                )
            )
        elif header in seen:
            errors.append(RowError(row, header, _("Deze kolom staat er twee keer in.")))
        seen.add(header)
    for header in REQUIRED:
        if header not in seen:
            errors.append(RowError(row, header, _("Deze kolom ontbreekt; hij is verplicht.")))
    if errors:
        raise FileRejected(errors)


# --- reading cells -------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(value: Any) -> str:
    """A cell as text; the apostrophe an export puts before '=', '+', '-' or '@' (so a
    spreadsheet never runs it as a formula) is taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        text = text[1:]
    return text


def _items(value: Any) -> list[str]:
    """The values of a list cell, without blanks and repeats, in the given order."""
    return list(dict.fromkeys(p.strip() for p in _SPLIT.split(_text(value)) if p.strip()))


def _int(value: Any, column: Column) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Vul een geheel getal in."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _text(value).replace(".", "").replace(" ", "")
        if not re.fullmatch(r"-?\d{1,12}", text):
            raise CellError(_("Vul een geheel getal in, bijvoorbeeld 12."))
        number = int(text)
    if number < 0:
        raise CellError(_("Vul 0 of meer in."))
    if number > column.max_value:
        raise CellError(_("Dit getal is te groot (hoogstens %(max)s).") % {"max": column.max_value})
    return number


def parse_money(value: Any) -> Decimal | None:
    """An amount in euro: Dutch ``1.234,56``, ``1234,56``, ``€ 1.000,-`` and plain
    ``1234.56`` are all read; more than two decimals is an error of the field."""
    if _blank(value):
        return None
    bad = CellError(_("Vul een bedrag in euro in, bijvoorbeeld 1.234,56 of 1234.56."))
    if isinstance(value, bool):
        raise bad
    if isinstance(value, int | float):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise bad
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = normalise_amount(_text(value))
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise bad
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise bad from None
    if amount < 0:
        raise CellError(_("Een bedrag kan niet negatief zijn."))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        amount = amount.quantize(Decimal("0.01"))
    return amount


DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def parse_date(value: Any) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = _text(value)
        text = text.split(" ")[0] if re.fullmatch(r"\S+ 00:00(:00)?", text) else text
        for fmt in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise CellError(_("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 31-12-2026."))
    if not 1900 <= day.year <= 2200:
        raise CellError(_("Vul een datum tussen 1900 en 2200 in."))
    return day


def _bool(value: Any) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = _text(value).casefold()
    if word in TRUE_WORDS or word == str(_("ja")).casefold():
        return True
    if word in FALSE_WORDS or word == str(_("nee")).casefold():
        return False
    raise CellError(_("Vul ja of nee in."))


def _url(value: Any) -> str:
    text = _text(value)
    if text and "://" not in text and re.fullmatch(r"(www\.)?[\w\-]+(\.[\w\-]+)+(/\S*)?", text):
        text = f"https://{text}"  # "www.rvo.nl" as people type it
    return text


class Lookups:
    """Everything a row refers to by name or code, read once per import."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.choices: dict[str, dict[str, str]] = {}
        for field_name, enum in CHOICES.items():
            table: dict[str, str] = {}
            for language in ("en", translation.get_language() or "nl", "nl"):
                with translation.override(language):
                    for value, label in enum.choices:
                        table[str(label).casefold()] = value
            for value in enum.values:
                table[value.casefold()] = value
            if field_name == "provider_kind":
                table.update({k: v.value for k, v in PROVIDER_ALIASES.items()})
            self.choices[field_name] = table
        self.themes: dict[str, int] = {}
        for theme in Theme.objects.filter(active=True):
            for key in (theme.name_en, theme.name_nl, theme.slug):
                self.themes[key.casefold()] = theme.pk
        self.regions: dict[str, int] = {}
        for found in Region.objects.all():
            for key in (found.name, found.slug):
                self.regions[key.casefold()] = found.pk
        # Municipalities: of the region for its instruments, of any region for shared ones.
        self.municipalities: dict[int | None, dict[str, list[int]]] = {region.pk: {}, None: {}}
        for municipality in Municipality.objects.all():
            for key in {municipality.name.casefold(), municipality.cbs_code.casefold()}:
                self.municipalities[None].setdefault(key, []).append(municipality.pk)
                if municipality.region_id == region.pk:
                    self.municipalities[region.pk].setdefault(key, []).append(municipality.pk)
        self.organisations: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.filter(region=region):
            self.organisations.setdefault(organisation.name.casefold(), []).append(organisation)

    def choice(self, field_name: str, text: str) -> str:
        found = self.choices[field_name].get(text.casefold())
        if found is None:
            raise CellError(self._unknown_choice(field_name, [text]))
        return found

    def choice_list(self, field_name: str, items: list[str]) -> list[str]:
        table = self.choices[field_name]
        unknown = [item for item in items if item.casefold() not in table]
        if unknown:
            raise CellError(self._unknown_choice(field_name, unknown))
        return list(dict.fromkeys(table[item.casefold()] for item in items))

    def _unknown_choice(self, field_name: str, unknown: list[str]) -> str:
        return _("Onbekende waarde: %(values)s. Kies uit: %(choices)s.") % {
            "values": ", ".join(unknown),
            "choices": ", ".join(CHOICES[field_name].values),
        }

    def keyed(self, table: Mapping[str, Any], items: list[str], message: str) -> list[Any]:
        unknown = [item for item in items if item.casefold() not in table]
        if unknown:
            raise CellError(message % {"values": ", ".join(unknown)})
        return list(dict.fromkeys(table[item.casefold()] for item in items))

    def municipality_ids(self, items: list[str], shared: bool) -> list[int]:
        table = self.municipalities[None if shared else self.region.pk]
        unknown = [item for item in items if item.casefold() not in table]
        if unknown:
            raise CellError(_("Onbekende gemeente: %(values)s.") % {"values": ", ".join(unknown)})
        found = [table[item.casefold()] for item in items]
        ambiguous = [item for item, ids in zip(items, found, strict=True) if len(ids) > 1]
        if ambiguous:
            raise CellError(
                _("Meer gemeenten heten %(values)s; geef de CBS-code (zoals GM0106).")
                % {"values": ", ".join(ambiguous)}
            )
        return list(dict.fromkeys(ids[0] for ids in found))

    def organisation(self, text: str) -> Organisation | None:
        if not text:
            return None
        found = self.organisations.get(text.casefold(), [])
        if not found:
            raise CellError(
                _("Onbekende organisatie in de regio %(region)s: %(name)s.")
                % {"region": self.region.name, "name": text}
            )
        if len(found) > 1:
            raise CellError(_("Meer organisaties in de regio heten zo."))
        return found[0]


def _cell(lookups: Lookups, column: Column, value: Any, shared: bool) -> Any:
    """The service value of one cell, or CellError."""
    kind = column.kind
    if kind in ("text", "html"):
        return _text(value)
    if kind == "url":
        return _url(value)
    if kind == "int":
        return _int(value, column)
    if kind == "money":
        return parse_money(value)
    if kind == "date":
        return parse_date(value)
    if kind == "bool":
        return _bool(value)
    if kind == "choice":
        text = _text(value)
        return lookups.choice(column.field, text) if text else ""
    if kind == "choices":
        return lookups.choice_list(column.field, _items(value))
    if kind == "sbi":
        # Spreadsheets drop the leading zero of "01": put it back.
        return [
            f"0{item}" if item.isdigit() and len(item) == 1 else item.upper()
            for item in _items(value)
        ]
    if kind == "themes":
        return lookups.keyed(lookups.themes, _items(value), _("Onbekend thema: %(values)s."))
    if kind == "regions":
        return lookups.keyed(lookups.regions, _items(value), _("Onbekende regio: %(values)s."))
    if kind == "municipalities":
        return lookups.municipality_ids(_items(value), shared)
    if kind == "organisation":
        return lookups.organisation(_text(value))
    raise ValueError(f"Unknown column kind {kind!r}")


# --- checking rows -------------------------------------------------------------------


@dataclass
class Row:
    number: int
    name: str
    shared: bool | None  # None: the provider kind could not be read
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    existing: Instrument | None = None
    action: str = "create"


def _parse(lookups: Lookups, number: int, cells: Mapping[str, Any]) -> Row:
    name = _text(cells.get("naam"))
    row = Row(number=number, name=name, shared=None)
    try:
        provider = _cell(lookups, BY_HEADER["aanbieder"], cells.get("aanbieder"), False)
        row.shared = provider in SHARED_PROVIDER_KINDS if provider else False
    except CellError:
        pass  # reported below with the other cells
    for header, value in cells.items():
        column = BY_HEADER[header]
        try:
            parsed = _cell(lookups, column, value, bool(row.shared))
        except CellError as exc:
            row.errors.append(RowError(number, header, exc.message))
            continue
        if column.kind == "bool" and parsed is None:
            continue  # blank: the default (nee / ja), or unchanged
        if column.field == "last_verified" and parsed is None:
            continue  # blank: today for a new instrument, unchanged otherwise
        row.data[column.field] = parsed
    if row.shared is None:
        row.shared = False
    return row


def _key(region_id: int | None, name: str) -> tuple[int | None, str]:
    return (region_id, " ".join(name.split()).casefold())


def _column_of(field_name: str) -> str:
    if field_name == "region":
        return "aanbieder"
    column = BY_FIELD.get(field_name)
    return column.header if column else ""


def _check(actor: User, region: Region, row: Row, today: dt.date) -> None:
    """The services' own checks on the unsaved instrument the row describes."""
    region_id = None if row.shared else region.pk
    if row.shared and not services.can_edit_region(actor, None):
        row.errors.append(
            RowError(
                row.number,
                "aanbieder",
                _(
                    "U mag geen landelijke of Europese instrumenten importeren; dat doen "
                    "programmamanagers en beheerders."
                ),
            )
        )
        return
    if row.existing is not None and not services.can_edit(actor, row.existing):
        row.errors.append(RowError(row.number, "naam", _("U mag dit instrument niet wijzigen.")))
        return
    if row.existing is not None:
        target = copy.copy(row.existing)
    else:
        target = Instrument(region_id=region_id, last_verified=today)
    m2m = services.apply_data(target, row.data)
    try:
        services.check_instrument(target)
    except ValidationError as exc:
        already = {(e.column, e.message) for e in row.errors}
        blamed = {e.column for e in row.errors}
        # The fields' messages first: a constraint's message that repeats one is left out.
        items = sorted(exc.message_dict.items(), key=lambda item: item[0] == "__all__")
        for field_name, messages in items:
            column = _column_of(field_name if field_name != "__all__" else "")
            for message in messages:
                if column in blamed and (column, message) not in already:
                    continue  # the cell could not be read: that message says enough
                if (column, message) in already or (
                    column == "" and any(m == message for _c, m in already)
                ):
                    continue
                row.errors.append(RowError(row.number, column, message))
                already.add((column, message))
        return
    if row.existing is not None:
        before = services.snapshot(row.existing)
        after = services.snapshot(target)
        for key, values in m2m.items():
            after[key] = sorted((getattr(v, "pk", v) for v in values), key=str)
        row.action = "update" if audit.diff(before, after) else "unchanged"


def check_rows(actor: User, region: Region, table: Table) -> tuple[list[Row], list[RowError]]:
    """Every row read and checked; the problems in row order."""
    lookups = Lookups(region)
    rows = [_parse(lookups, number, cells) for number, cells in table.rows]
    existing: dict[tuple[int | None, str], Instrument] = {}
    queryset = Instrument.objects.filter(Q(region=region) | Q(region__isnull=True))
    for instrument in queryset.select_related("provider_organisation", "contact_organisation"):
        existing.setdefault(_key(instrument.region_id, instrument.name), instrument)
    first_seen: dict[tuple[int | None, str], int] = {}
    today = timezone.localdate()
    for row in rows:
        if row.name:
            key = _key(None if row.shared else region.pk, row.name)
            if key in first_seen:
                row.errors.append(
                    RowError(
                        row.number,
                        "naam",
                        _("Deze naam staat ook in rij %(row)s; elk instrument één rij.")
                        % {"row": first_seen[key]},
                    )
                )
                continue
            first_seen[key] = row.number
            row.existing = existing.get(key)
            if row.existing is not None:
                row.action = "update"
        _check(actor, region, row, today)
    order = {header: n for n, header in enumerate(HEADERS)}
    errors = [
        error
        for row in rows
        for error in sorted(row.errors, key=lambda e: order.get(e.column, len(order)))
    ]
    return rows, errors


# --- the import ----------------------------------------------------------------------


def can_import(actor: User, region: Region) -> bool:
    """Who keeps a region's catalogue may import into it (programme staff of the region)."""
    return services.can_edit_region(actor, region.pk)


class _WriteFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error)
        self.error = error


def import_catalogue(
    actor: User, region: Region, filename: str, content: bytes, *, dry_run: bool = False
) -> ImportReport:
    """Check the whole file, then (unless ``dry_run`` or there is any problem) write
    every row in one transaction. PermissionDenied when the actor may not import into
    ``region``."""
    require(can_import(actor, region))
    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(filename, content)
    except FileRejected as exc:
        report.errors = exc.errors[:MAX_ERRORS]
        report.truncated = len(exc.errors) > MAX_ERRORS
        return report
    rows, errors = check_rows(actor, region, table)
    if errors:
        report.errors = errors[:MAX_ERRORS]
        report.truncated = len(errors) > MAX_ERRORS
        return report
    if dry_run:
        report.rows = [
            RowResult(row.number, row.name, row.action, getattr(row.existing, "pk", None))
            for row in rows
        ]
        return report
    note = _("import van %(file)s") % {"file": filename[-100:]}
    try:
        with transaction.atomic():
            report.rows = [_write(actor, region, row, note) for row in rows]
    except _WriteFailed as exc:
        report.rows = []
        report.errors = [exc.error]
        return report
    report.written = True
    return report


def _write(actor: User, region: Region, row: Row, note: str) -> RowResult:
    try:
        if row.existing is None:
            created = services.create_instrument(
                actor, row.data, region=None if row.shared else region, note=note
            )
            return RowResult(row.number, created.name, "create", created.pk)
        version = row.existing.version
        updated = services.update_instrument(actor, row.existing, row.data, note=note)
        action = "update" if updated.version != version else "unchanged"
        return RowResult(row.number, updated.name, action, updated.pk)
    except ValidationError as exc:  # changed by someone else since the check
        messages = exc.messages if exc.messages else [str(exc)]
        raise _WriteFailed(RowError(row.number, "", messages[0])) from exc
