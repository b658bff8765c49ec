"""Audit by construction: services call these helpers inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from loket.core.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Plain values of the concrete fields (and given many-to-many fields) of ``obj``."""
    out: dict[str, Any] = {}
    meta = obj._meta
    names = list(fields) if fields is not None else None
    for field in meta.concrete_fields:
        if names is not None and field.name not in names and field.attname not in names:
            continue
        if field.name in {"id", "created_at", "updated_at", "region"}:
            continue
        out[field.name] = _plain(getattr(obj, field.attname))
    for field in meta.many_to_many:
        if names is not None and field.name in names and obj.pk is not None:
            out[field.name] = _plain(list(getattr(obj, field.name).values_list("pk", flat=True)))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    *,
    company_id: int | None = None,
    changes: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Append one audit event. ``changes`` lists field names or before/after pairs,
    never free text typed by the user outside those fields."""
    region_id = getattr(obj, "region_id", None)
    return AuditEvent.objects.create(
        region_id=region_id,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if getattr(actor, "pk", None) else "systeem",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_label=(label if label is not None else str(obj))[:200],
        company_id=company_id,
        changes=changes or {},
    )


# --- notifications sent by background tasks ------------------------------------------
# A task remembers each e-mail it sent as an audit event with {"notified": kind}, and looks
# for that event before sending again: so every notification goes out once, and the trail
# shows when (never to whom by name, never the content).


def notification(
    obj: models.Model,
    kind: str,
    *,
    company_id: int | None = None,
    label: str | None = None,
    **details: Any,
) -> AuditEvent:
    """The (unsaved) audit event saying the system sent notification ``kind`` about ``obj``."""
    return AuditEvent(
        region_id=getattr(obj, "region_id", None),
        actor_label="systeem",
        action=AuditEvent.Action.CHANGE,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_label=(label if label is not None else str(obj.pk))[:200],
        company_id=company_id,
        changes={"notified": kind, **details},
    )


def notifications(model: type[models.Model], kind: str) -> models.QuerySet[AuditEvent]:
    """Every record of notification ``kind`` about objects of ``model``."""
    return AuditEvent.objects.filter(
        object_type=model._meta.label_lower,
        action=AuditEvent.Action.CHANGE,
        changes__notified=kind,
    )


def was_notified(obj: models.Model, kind: str) -> bool:
    return notifications(type(obj), kind).filter(object_id=obj.pk).exists()
