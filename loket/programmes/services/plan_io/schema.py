"""The plan document's structure (docs/plan-format.md), as pydantic models shared by
YAML, JSON (the API) and XLSX, and the reading of its values.

One reading of values for every format: numbers with a decimal comma or point
(``12,5``, ``12.5``, ``1.234,56``), read as ``Decimal`` (a float that a spreadsheet or
YAML hands over is read from its shortest decimal text, never computed with); whole
numbers; text without NUL characters; a funder's kind by its code or its label. The
rules of the models themselves (ranges, decimals, uniqueness, shares adding up to 100 %)
are checked later with the models' own ``full_clean`` (``check.py``): this module only
says whether the document has the right shape.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from loket.core.export import FORMULA_START
from loket.core.forms import normalise_amount
from loket.programmes.models import Funder

FORMAT_VERSION: Literal[1] = 1
# Limits: a larger file, or more rows in one part, is refused whole.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_FUNDERS = 100
MAX_ACTIVITY_TYPES = 500
MAX_PROBLEMS = 500
MAX_NUMBER_TEXT = 40
MAX_INT = 2_147_483_647  # PositiveIntegerField on every database

PARTS = ("funders", "rates", "activity_types", "plan_lines")


@dataclass(frozen=True)
class Problem:
    """One problem of a document: where it is in the document (``loc``, as the API
    reports it), where a person finds it (the sheet or part, the row as the spreadsheet
    numbers it or the line of the YAML file, the column header or key) and a translated
    message. ``row`` None: the sheet or file as a whole."""

    loc: tuple[str | int, ...]
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    kind: str = "invalid"


def _error(kind: str, message: str) -> PydanticCustomError:
    # pydantic formats "{...}" in messages: keep them out of translated text.
    return PydanticCustomError(f"plan_{kind}", message.replace("{", "(").replace("}", ")"))


def _has_bad_characters(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON)
        return True
    return False


def read_text(value: Any) -> str:
    """Text as typed; numbers and dates (as YAML and spreadsheets hand them over) become
    their text; a leading apostrophe that protected a formula start is taken off."""
    if isinstance(value, bool) or value is None:
        raise _error("text", _("Vul tekst in."))
    if isinstance(value, int | Decimal):
        value = str(value)
    elif isinstance(value, float):
        value = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise _error("text", _("Vul tekst in."))
    if _has_bad_characters(value):
        raise _error("text", _("Deze tekst bevat ongeldige tekens."))
    text = value.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        text = text[1:]
    return text


def _text_reader(max_length: int, required: bool) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = read_text(value)
        if required and not text:
            raise _error("required", _("Vul dit in."))
        if len(text) > max_length:
            raise _error(
                "too_long",
                _("Hoogstens %(n)s tekens (nu %(len)s).") % {"n": max_length, "len": len(text)},
            )
        return text

    return check


def _text_schema(max_length: int, required: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if required:
        schema["minLength"] = 1
    return schema


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
# "1.500": fifteen hundred the Dutch way, one and a half the English way.
_AMBIGUOUS = re.compile(r"-?\d{1,3}\.\d{3}")


def read_number(value: Any, percent: bool = False) -> Decimal:
    """A number as people write it: 12,5 / 12.5 / 1.234,56 / € 1.000,- (and 50 % for a
    percentage); an int or a float from a spreadsheet or YAML. Exact: ``Decimal``. Text
    like "1.500" is refused: read the Dutch way it is 1500, the English way 1.5."""
    bad = _error("number", _("Vul een getal in, bijvoorbeeld 12,5 of 12.5."))
    if isinstance(value, bool) or value is None:
        raise bad
    if isinstance(value, int):
        if abs(value) >= 10**15:
            raise _error("number_too_big", _("Dit getal is te groot."))
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise bad
        value = repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise bad
        exponent = value.as_tuple().exponent
        if not isinstance(exponent, int) or abs(exponent) > MAX_NUMBER_TEXT:
            raise _error("number_too_big", _("Dit getal is te groot."))
        text = format(value, "f")
    elif isinstance(value, str):
        text = value.strip()
        if percent:
            text = text.removesuffix("%").strip()
        if len(text) > MAX_NUMBER_TEXT:
            raise _error("number_too_big", _("Dit getal is te groot."))
        if _AMBIGUOUS.fullmatch(text.replace("€", "").replace(" ", "").replace("\u00a0", "")):
            raise _error(
                "number_ambiguous",
                _(
                    "%(text)s is dubbelzinnig: een punt voor precies drie cijfers kan een "
                    "duizendtal zijn. Schrijf het getal zonder punt (1500) of met een komma "
                    "(1,5)."
                )
                % {"text": text},
            )
        text = normalise_amount(text)
    else:
        raise bad
    if len(text) > MAX_NUMBER_TEXT:
        raise _error("number_too_big", _("Dit getal is te groot."))
    if not _NUMBER.fullmatch(text):
        raise bad
    try:
        return Decimal(text)
    except InvalidOperation:
        raise bad from None


def read_integer(value: Any) -> int:
    """A whole number: 2025, "2025", 2025.0 (as a spreadsheet stores it)."""
    bad = _error("integer", _("Vul een geheel getal in, bijvoorbeeld 12."))
    if isinstance(value, bool) or value is None:
        raise bad
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal | str):
        try:
            decimal = read_number(value)
        except PydanticCustomError as exc:
            if exc.type == "plan_number_too_big":
                raise
            raise bad from None
        if decimal != decimal.to_integral_value():
            raise bad
        number = int(decimal)
    else:
        raise bad
    if number < 0:
        raise _error("negative", _("Vul 0 of meer in."))
    if number > MAX_INT:
        raise _error("number_too_big", _("Dit getal is te groot."))
    return number


_DECIMAL_SCHEMA = {
    "anyOf": [{"type": "string", "maxLength": MAX_NUMBER_TEXT}, {"type": "number"}],
    "description": 'Decimaal getal; als tekst met punt of komma, bijvoorbeeld "12.50".',
}

Number = Annotated[Decimal, BeforeValidator(read_number), WithJsonSchema(_DECIMAL_SCHEMA)]
Share = Annotated[
    Decimal,
    BeforeValidator(lambda value: read_number(value, percent=True)),
    WithJsonSchema(_DECIMAL_SCHEMA),
]
Integer = Annotated[
    int,
    BeforeValidator(read_integer),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_INT}),
]
Name200 = Annotated[
    str, BeforeValidator(_text_reader(200, True)), WithJsonSchema(_text_schema(200, True))
]
Name120 = Annotated[
    str, BeforeValidator(_text_reader(120, True)), WithJsonSchema(_text_schema(120, True))
]
Code = Annotated[
    str, BeforeValidator(_text_reader(50, True)), WithJsonSchema(_text_schema(50, True))
]
Text300 = Annotated[
    str, BeforeValidator(_text_reader(300, False)), WithJsonSchema(_text_schema(300, False))
]


def kind_labels() -> dict[str, str]:
    """Every way to write a funder's kind (code, Dutch and English label) -> its code."""
    table: dict[str, str] = {}
    for language in ("en", "nl"):
        with translation.override(language):
            for value, label in Funder.Kind.choices:
                table[str(label).casefold()] = value
    for value in Funder.Kind.values:
        table[value.casefold()] = value
    return table


def read_kind(value: Any) -> str:
    text = read_text(value)
    found = kind_labels().get(text.casefold())
    if found is None:
        with translation.override("nl"):
            labels = [str(label) for _code, label in Funder.Kind.choices]
        raise _error(
            "kind",
            _("Kies een soort: %(labels)s of %(last)s (of de code: %(codes)s).")
            % {
                "labels": ", ".join(labels[:-1]),
                "last": labels[-1],
                "codes": ", ".join(Funder.Kind.values),
            },
        )
    return found


Kind = Annotated[
    str,
    BeforeValidator(read_kind),
    WithJsonSchema({"type": "string", "enum": list(Funder.Kind.values)}),
]


def read_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and not _has_bad_characters(value):
        for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    raise _error("date", _("Vul een datum in als JJJJ-MM-DD."))


Day = Annotated[
    dt.date, BeforeValidator(read_date), WithJsonSchema({"type": "string", "format": "date"})
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Which programme the plan is of: informative, an import does not change it.
class ProgrammeInfo(_Part):
    name: Name200 | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None


class FunderDoc(_Part):
    name: Name200
    kind: Kind
    position: Integer | None = Field(None, description="Leeg: de volgorde in het document.")


class RateDoc(_Part):
    organisation: Name200 = Field(description="Naam van een uitvoerende organisatie.")
    year: Integer = Field(description="Het tarief geldt vanaf dit jaar.")
    rate: Number = Field(description="Uurtarief in euro, exclusief btw.")


class ActivityTypeDoc(_Part):
    code: Code
    name: Name120
    default_hours_per_unit: Number | None = None
    position: Integer | None = Field(None, description="Leeg: de volgorde in het document.")


class FundingDoc(_Part):
    funder: Name200 = Field(description="Naam van een financier uit `funders`.")
    share: Share | None = Field(None, description="Aandeel in de uren in procenten (leeg: 0).")
    out_of_pocket_incl_vat: Number | None = Field(
        None, description="Out-of-pocketkosten in euro, inclusief btw (leeg: 0)."
    )


class PlanLineDoc(_Part):
    year: Integer
    activity_type: Code = Field(description="Code van een activiteit uit `activity_types`.")
    organisation: Name200 = Field(description="Naam van een uitvoerende organisatie.")
    description: Text300 = ""
    count: Integer = 1
    hours_per_unit: Number | None = None
    fixed_hours: Number | None = None
    scheme: Name200 | None = Field(None, description="Naam van een regeling van het programma.")
    funders: list[FundingDoc] = Field(default_factory=list, max_length=MAX_FUNDERS)


# The plan of a programme as one document (docs/plan-format.md).
class PlanDocument(_Part):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "description": "Het plan van een programma als één document (docs/plan-format.md)."
        },
    )

    version: Literal[1] = FORMAT_VERSION
    programme: ProgrammeInfo | None = None
    funders: list[FunderDoc] = Field(max_length=MAX_FUNDERS)
    rates: list[RateDoc] = Field(max_length=MAX_ROWS)
    activity_types: list[ActivityTypeDoc] = Field(max_length=MAX_ACTIVITY_TYPES)
    plan_lines: list[PlanLineDoc] = Field(max_length=MAX_ROWS)


# The document's outline, read before its rows (each row on its own, so that one bad
# row does not hide the problems of the others).
class Envelope(_Part):
    version: Literal[1] = FORMAT_VERSION
    programme: ProgrammeInfo | None = None
    funders: list[Any] = Field(max_length=MAX_FUNDERS)
    rates: list[Any] = Field(max_length=MAX_ROWS)
    activity_types: list[Any] = Field(max_length=MAX_ACTIVITY_TYPES)
    plan_lines: list[Any] = Field(max_length=MAX_ROWS)


ITEM_MODELS: dict[str, type[_Part]] = {
    "funders": FunderDoc,
    "rates": RateDoc,
    "activity_types": ActivityTypeDoc,
    "plan_lines": PlanLineDoc,
}


# --- messages of pydantic's own checks -------------------------------------------------


def _limit(ctx: dict[str, Any]) -> Any:
    return ctx.get("max_length", "")


_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: _("Dit ontbreekt."),
    "extra_forbidden": lambda c: _("Onbekend veld."),
    "model_type": lambda c: _("Verwacht velden met waarden (in YAML: sleutel: waarde)."),
    "model_attributes_type": lambda c: _("Verwacht velden met waarden (in YAML: sleutel: waarde)."),
    "dict_type": lambda c: _("Verwacht velden met waarden (in YAML: sleutel: waarde)."),
    "list_type": lambda c: _("Verwacht een lijst (in YAML: regels die met „- ” beginnen)."),
    "too_long": lambda c: _("Te veel: hoogstens %(n)s.") % {"n": _limit(c)},
    "literal_error": lambda c: _("Onbekende versie van het formaat; deze versie is 1."),
    "none_required": lambda c: _("Hier hoort niets te staan."),
}


def message_of(error: Any) -> str:
    """A pydantic error's message in the active language."""
    kind = str(error.get("type", ""))
    if kind.startswith("plan_"):
        return str(error.get("msg", ""))
    found = _MESSAGES.get(kind)
    if found is not None:
        return found(dict(error.get("ctx") or {}))
    return _("Ongeldige waarde.")
