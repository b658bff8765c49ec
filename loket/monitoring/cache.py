"""Figures computed once and reused; after a change, shown while they are recomputed.

The dashboard, a draft report and the municipality view ask the same aggregate queries
on every visit; at 400,000 contact moments those take seconds, longer than a page may.
``remember`` keeps the result in Django's cache together with the region's
``FigureStamp`` at the time it was computed (reading the stamp is one small query). Any
change to a counted record raises the stamp once its transaction has committed
(``changed``, called by ``signals.py``); bulk writes that bypass the signals
(``QuerySet.update``, ``bulk_create``) call ``changed`` themselves.

- The stamp still matches: the cached figures are returned.
- The stamp rose since (a record changed): the cached figures are returned as they are,
  marked stale, and the background task ``refresh_figures`` recomputes them (one at a
  time per entry: while it is queued or running, nothing more is enqueued). The page
  says so. Nobody waits for the aggregates, and within a minute or so (the worker's
  pace) the figures include the change; "Cijfers bijwerken" (``fresh``) recomputes at
  once for who will not wait.
- Nothing cached yet (the first visit, or after ``TIMEOUT``): computed on the spot.

A submitted report never uses the cache: its figures are computed afresh and frozen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from loket.monitoring.models import FigureStamp

T = TypeVar("T")
# How long an entry lives when nothing reads it (stale entries are refreshed on a visit).
TIMEOUT = 7 * 24 * 60 * 60
# How long one refresh of an entry counts as under way (a second one is not enqueued).
REFRESH_LOCK = 10 * 60


def stamp(region_id: int) -> int:
    found = FigureStamp.objects.filter(region_id=region_id).values_list("version", flat=True)
    return next(iter(found), 0)


def touch(region_id: int | None) -> None:
    """A counted record of the region changed: cached figures are out of date."""
    if region_id is None:
        return
    if not FigureStamp.objects.filter(region_id=region_id).update(version=F("version") + 1):
        FigureStamp.objects.get_or_create(region_id=region_id, defaults={"version": 1})


def changed(region_id: int | None) -> None:
    """Raise the region's stamp once the current transaction commits. The change itself
    is saved by then: should raising the stamp fail (a busy database), that is logged and
    the figures catch up at the next change, rather than the person who saved being
    shown an error for a change that was made."""
    if region_id is not None:
        transaction.on_commit(lambda: touch(region_id), robust=True)


def _name(region_id: int, key: Any) -> str:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    return f"loket:figures:{region_id}:{digest}"


def remember(
    region_id: int,
    key: Any,
    compute: Callable[[], T],
    *,
    fresh: bool = False,
    stale_ok: bool = True,
) -> tuple[T, bool]:
    """``compute()``'s result for ``key`` (a list or tuple JSON can write, its first item
    the kind of figures that ``tasks_figures.refresh_figures`` knows) and whether it is
    stale (computed before the region's last change; a refresh is under way).
    ``fresh`` recomputes and stores anew; ``stale_ok=False`` recomputes a stale entry on
    the spot instead of returning it."""
    name = _name(region_id, key)
    current = stamp(region_id)
    found = None if fresh else cache.get(name)
    if found is not None:
        if found["stamp"] == current:
            return found["value"], False
        if stale_ok:
            _refresh_later(region_id, key, name, current)
            # An immediate task backend has recomputed it already.
            again = cache.get(name)
            if again is not None and again["stamp"] == current:
                return again["value"], False
            return found["value"], True
    result = compute()
    cache.set(name, {"stamp": current, "value": result}, TIMEOUT)
    return result, False


def _refresh_later(region_id: int, key: Any, name: str, current: int) -> None:
    # One refresh per entry at a time: while one is queued or running, later visitors
    # get the stale figures without enqueueing another (``refreshed`` lifts the lock).
    if not cache.add(f"{name}:refreshing", current, REFRESH_LOCK):
        return
    from loket.monitoring.tasks_figures import refresh_figures

    payload = json.loads(json.dumps(key, default=str))
    transaction.on_commit(lambda: refresh_figures.enqueue(region_id, payload))


def refreshed(region_id: int, key: Any) -> None:
    """The refresh of ``key``'s entry is over: a later change may enqueue the next."""
    cache.delete(f"{_name(region_id, key)}:refreshing")
