"""django-ninja names the OpenAPI schemas by class name: two input or output schemas of the
same name in different modules share one entry of /api/openapi.json, and one endpoint
then documents (and the garbage walk tests) the other's fields."""

from __future__ import annotations

import enum
import typing
from collections import defaultdict

from ninja import Schema

import loket.api  # noqa: F401  (imports every router and its schemas)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_every_schema_of_loket_has_its_own_name():
    modules = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("loket."):
            modules[cls.__name__].add(cls.__module__)
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}


def _enums_in(annotation: object) -> set[type]:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {annotation}
    found: set[type] = set()
    for arg in typing.get_args(annotation):
        found |= _enums_in(arg)
    return found


def test_every_enum_in_a_schema_has_its_own_name():
    """An enum (a model's TextChoices) in a schema is an OpenAPI component named by its
    class name too: ``Event.Kind`` and ``Funder.Kind`` would both be "Kind"."""
    enums = defaultdict(set)
    for cls in _subclasses(Schema):
        if not cls.__module__.startswith("loket."):
            continue
        for field in cls.model_fields.values():
            for found in _enums_in(field.annotation):
                enums[found.__name__].add(found.__qualname__ + " in " + found.__module__)
    assert {name: where for name, where in enums.items() if len(where) > 1} == {}
