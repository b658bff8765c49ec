"""Reading a plan document: from YAML or JSON text into the parts of ``schema.py``, with
every problem located where a person finds it (a YAML file's line, a JSON path; the
XLSX reader in ``xlsx.py`` locates by sheet, row and column).

YAML is read safely: the safe loader (no Python objects), no anchors and aliases (a
"billion laughs" bomb cannot expand), at most ``MAX_DEPTH`` levels, a size limit, and
decimals read as ``Decimal`` from their text. JSON numbers are read as ``Decimal`` too.
"""

from __future__ import annotations

import contextlib
import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, TypeAdapter, ValidationError

from loket.programmes.services.plan_io.schema import (
    MAX_BYTES,
    MAX_PROBLEMS,
    PARTS,
    ActivityTypeDoc,
    Envelope,
    FunderDoc,
    PlanLineDoc,
    Problem,
    ProgrammeInfo,
    RateDoc,
    message_of,
)

MAX_DEPTH = 12
MAX_EVENTS = 2_000_000
PART_LABELS = {
    "programme": "Programma",
    "funders": "Financiers",
    "rates": "Tarieven",
    "activity_types": "Activiteiten",
    "plan_lines": "Planregels",
}
# The field of an item that names it (for duplicates and references).
ITEM_KEYS = {"funders": "name", "activity_types": "code"}


def name_key(text: str) -> str:
    """Names and codes are compared without case and extra spaces."""
    return " ".join(text.split()).casefold()


class Source:
    """Where a document came from, and how to point at a place in it. The base class
    points by JSON path (the API)."""

    format = "json"

    def __init__(self) -> None:
        # Parts the reader already reported as a whole (a missing sheet, say).
        self.reported_parts: set[str] = set()

    def locate(self, loc: tuple[str | int, ...]) -> tuple[str, int | None, str]:
        """(sheet or part, row or line or item number, column or key) of ``loc``."""
        if not loc:
            return "", None, ""
        part = str(loc[0])
        row = loc[1] + 1 if len(loc) > 1 and isinstance(loc[1], int) else None
        column = ".".join(str(step) for step in loc[2:])
        return part, row, column

    def pointer(self, loc: tuple[str | int, ...]) -> str:
        """A short "where" for messages that refer to another row."""
        return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in loc).lstrip(".")

    def problem(self, loc: tuple[str | int, ...], message: str, kind: str = "invalid") -> Problem:
        sheet, row, column = self.locate(loc)
        return Problem(loc=loc, message=message, sheet=sheet, row=row, column=column, kind=kind)


@dataclass
class Parsed:
    """A document as read: its items per part, each with its index in the document and
    the fields that could not be read (the item then holds None for those; it is still
    checked on its other fields, so that the report lists every problem, and it is
    never written). ``bad_parts``: parts that could not be read at all; ``bad_keys``:
    names and codes of items whose name or code could not be read (references to them
    are not reported a second time)."""

    source: Source
    problems: list[Problem] = field(default_factory=list)
    programme: ProgrammeInfo | None = None
    funders: list[tuple[int, FunderDoc, frozenset[str]]] = field(default_factory=list)
    rates: list[tuple[int, RateDoc, frozenset[str]]] = field(default_factory=list)
    activity_types: list[tuple[int, ActivityTypeDoc, frozenset[str]]] = field(default_factory=list)
    plan_lines: list[tuple[int, PlanLineDoc, frozenset[str]]] = field(default_factory=list)
    bad_parts: set[str] = field(default_factory=set)
    bad_keys: dict[str, set[str]] = field(default_factory=dict)
    truncated: bool = False

    def add(self, loc: tuple[str | int, ...], message: str, kind: str = "invalid") -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append(self.source.problem(loc, message, kind))

    @property
    def ok(self) -> bool:
        return not self.problems


def rejected(source: Source, message: str, kind: str = "file") -> Parsed:
    """A document that cannot be read at all."""
    parsed = Parsed(source=source, bad_parts=set(PARTS))
    parsed.add((), message, kind)
    return parsed


def read_structure(data: Any, source: Source) -> Parsed:
    """The parts and items of ``data`` (what YAML, JSON or the XLSX reader produced),
    each item checked on its own."""
    parsed = Parsed(source=source)
    if data is None:
        return rejected(source, _("Het bestand is leeg."), "empty")
    if not isinstance(data, dict):
        return rejected(
            source,
            _(
                "Het document begint met de onderdelen funders, rates, activity_types en "
                "plan_lines (zie de beschrijving van het formaat)."
            ),
            "structure",
        )
    try:
        Envelope.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            part = str(loc[0]) if loc else ""
            if part in source.reported_parts:
                continue
            if part in PARTS:
                parsed.bad_parts.add(part)
            if len(loc) == 1 and error["type"] == "missing":
                message = _(
                    "Het onderdeel %(part)s ontbreekt. Neem het op, ook als het leeg is "
                    "(%(part)s: [])."
                ) % {"part": part}
            else:
                message = message_of(error)
            parsed.add(loc, message, str(error["type"]))
    if "programme" not in parsed.bad_parts and isinstance(data.get("programme"), dict):
        with contextlib.suppress(ValidationError):  # reported with the envelope
            parsed.programme = ProgrammeInfo.model_validate(data["programme"])
    _read_items(parsed, data)
    return parsed


def _read_items(parsed: Parsed, data: dict[Any, Any]) -> None:
    models: dict[str, type[BaseModel]] = {
        "funders": FunderDoc,
        "rates": RateDoc,
        "activity_types": ActivityTypeDoc,
        "plan_lines": PlanLineDoc,
    }
    for part, model in models.items():
        items = data.get(part)
        if part in parsed.bad_parts or not isinstance(items, list):
            parsed.bad_parts.add(part)
            continue
        found: list[tuple[int, Any, frozenset[str]]] = getattr(parsed, part)
        for index, item in enumerate(items):
            try:
                found.append((index, model.model_validate(item), frozenset()))
                continue
            except ValidationError as exc:
                errors = exc.errors()
            for error in errors:
                parsed.add((part, index, *error["loc"]), message_of(error), str(error["type"]))
            if not isinstance(item, dict):
                continue
            key_field = ITEM_KEYS.get(part)
            if key_field and isinstance(item.get(key_field), str):
                parsed.bad_keys.setdefault(part, set()).add(name_key(item[key_field]))
            failed = {str(e["loc"][0]) for e in errors if e["loc"]}
            found.append((index, _partial(model, item, failed), frozenset(failed)))


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = (
        Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    )
    return TypeAdapter(annotation)


def _partial(model: type[BaseModel], item: dict[Any, Any], failed: set[str]) -> Any:
    """The item with the fields that could be read, None for the others (added to
    ``failed``)."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in failed:
            values[name] = None
        elif name in item:
            values[name] = _field_adapter(model, name).validate_python(item[name])
        elif info.is_required():
            values[name] = None
            failed.add(name)
        else:
            values[name] = info.get_default(call_default_factory=True)
    return model.model_construct(**values)


# --- YAML -----------------------------------------------------------------------------


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    duplicates: list[tuple[int, str]]


def _construct_map(loader: Any, node: Any) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "unhashable key", key_node.start_mark
            ) from None
        if key in data:
            loader.duplicates.append((key_node.start_mark.line + 1, str(key)[:50]))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: Any, node: Any) -> Any:
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = []
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


def _construct_decimal(loader: Any, node: Any) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # .inf, .nan: refused as "not a number" where a number is expected
    return value if value.is_finite() else text


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


class YamlSource(Source):
    format = "yaml"

    def __init__(self, data: Any = None) -> None:
        super().__init__()
        self.data = data

    def _line(self, loc: tuple[str | int, ...]) -> int | None:
        node = self.data
        line = getattr(node, "line", None)
        for step in loc:
            if isinstance(node, LineDict) and step in node:
                line = node.key_lines.get(step, node.line)
                node = node[step]
            elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
                line = node.item_lines[step]
                node = node[step]
            else:
                break
        return line

    def locate(self, loc: tuple[str | int, ...]) -> tuple[str, int | None, str]:
        if not loc:
            return "", None, ""
        column = ".".join(str(step) for step in loc[2:]) if len(loc) > 2 else ""
        if len(loc) == 2 and isinstance(loc[1], str):
            column = loc[1]
        return str(loc[0]), self._line(loc), column

    def pointer(self, loc: tuple[str | int, ...]) -> str:
        line = self._line(loc)
        return _("regel %(line)s") % {"line": line} if line else super().pointer(loc)


def _decode(content: bytes, what: str) -> str | Parsed:
    source = YamlSource() if what == "yaml" else Source()
    if b"\x00" in content:
        return rejected(
            source,
            _("Dit is geen %(what)s-bestand: het bevat geen tekst.") % {"what": what.upper()},
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return rejected(
            source, _("De tekens in het bestand zijn niet te lezen. Sla het op als UTF-8.")
        )


def parse_yaml(content: bytes) -> Parsed:
    """A YAML plan document, read safely."""
    if len(content) > MAX_BYTES:
        return rejected(YamlSource(), too_big_message())
    text = _decode(content, "yaml")
    if isinstance(text, Parsed):
        return text
    try:
        _check_events(text)
        loader = _Loader(text)
        loader.duplicates = []
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except _Refused as exc:
        return rejected(YamlSource(), exc.message)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        message = (
            _("Dit is geen geldige YAML: het gaat mis rond regel %(line)s.") % {"line": line}
            if line
            else _("Dit is geen geldige YAML.")
        )
        return rejected(YamlSource(), message, "yaml")
    except (RecursionError, MemoryError, ValueError):
        return rejected(YamlSource(), _("Dit is geen geldige YAML."), "yaml")
    source = YamlSource(data)
    parsed = read_structure(data, source)
    for line, key in loader.duplicates:
        parsed.problems.insert(
            0,
            Problem(
                loc=(),
                message=_("De sleutel %(key)s staat twee keer in hetzelfde blok.") % {"key": key},
                row=line,
                column=key,
                kind="duplicate",
            ),
        )
    return parsed


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_events(text: str) -> None:
    """Refuse aliases (the "billion laughs" bomb), deep nesting and huge documents
    before anything is built."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_Loader)):
        if count > MAX_EVENTS:
            raise _Refused(too_big_message())
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                _(
                    "Verwijzingen in YAML (*naam, met een &anker) zijn niet toegestaan: "
                    "schrijf elke waarde uit."
                )
            )
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(_("Het document is te diep genest."))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def too_big_message() -> str:
    return _("Het bestand is groter dan %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}


# --- JSON -----------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def load_json(content: bytes) -> Any:
    """JSON with every number that is not whole read as ``Decimal``; ValueError when it
    is not JSON (or holds NaN or Infinity)."""
    return json.loads(content, parse_float=Decimal, parse_constant=_no_constant)


def parse_json(content: bytes) -> Parsed:
    """A plan document as JSON (the API's body, or an uploaded .json file)."""
    if len(content) > MAX_BYTES:
        return rejected(Source(), too_big_message())
    text = _decode(content, "json")
    if isinstance(text, Parsed):
        return text
    if not text.strip():
        return rejected(Source(), _("Het bestand is leeg."), "empty")
    try:
        data = load_json(text.encode())
    except (ValueError, RecursionError):
        return rejected(Source(), _("Dit is geen geldige JSON."), "json_invalid")
    return read_structure(data, Source())
