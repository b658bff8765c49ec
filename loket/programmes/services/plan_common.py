"""What the plan services share: validation as {field: [messages]} with a named
constraint's message on its field, setting declared fields, and one transaction that
turns a simultaneous change into a message."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from loket.core import audit

Errors = dict[str, list[str]]


def add_error(errors: Errors, field: str, message: str) -> None:
    messages = errors.setdefault(field, [])
    if message not in messages:
        messages.append(message)


def model_errors(obj: models.Model, constraint_fields: Mapping[str, str]) -> Errors:
    """The model's own validation as {field: [messages]}; a named constraint's message
    goes to the field it is about instead of the whole record."""
    errors: Errors = {}
    try:
        obj.full_clean()
    except ValidationError as exc:
        by_message = {
            str(c.violation_error_message): constraint_fields[c.name]
            for c in obj._meta.constraints
            if c.name in constraint_fields and c.violation_error_message
        }
        for field, messages in exc.message_dict.items():
            for message in messages:
                target = by_message.get(message, field) if field == NON_FIELD_ERRORS else field
                add_error(errors, target, message)
    return errors


def raise_errors(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def set_fields(obj: models.Model, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key, value in data.items():
        if key not in allowed:
            raise ValueError(f"Unknown field for {type(obj).__name__}: {key}")
        if isinstance(value, str):
            value = value.strip()
        setattr(obj, key, value)


@contextmanager
def writing() -> Iterator[None]:
    """One transaction; a unique constraint that a simultaneous change violated after
    validation passed becomes a message instead of a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(
            _(
                "Iemand anders wijzigde tegelijk hetzelfde; laad de pagina opnieuw en "
                "probeer het nog eens."
            )
        ) from None


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return audit.diff(dict(before), dict(after))
