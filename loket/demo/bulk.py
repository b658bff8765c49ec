"""Fast bulk inserts for generated data: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Django's ``bulk_create`` is held to 999 parameters per statement on SQLite and loads
26k-38k rows a second; a raw ``executemany`` in one transaction loads 185k-230k
(PERFORMANCE.md). The writer takes rows as tuples in the order of the field names it
was given, adapts dates, times and JSON for the database, and fills every other concrete
column with its default, so a field another app adds later does not break the demo.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

_UTC = dt.UTC
REBUILD_INDEXES_FROM = 20_000  # rows


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    # Django stores aware datetimes on SQLite as naive UTC text.
    if value is None:
        return None
    if value.tzinfo is _UTC:  # the generator works in UTC: "2026-01-02 09:30:00+00:00"
        return str(value)[:-6]
    return value.astimezone(_UTC).replace(tzinfo=None).isoformat(" ")


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _identity(value: Any) -> Any:
    return value


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime if sqlite else _identity
    if isinstance(field, models.DateField):
        return _iso_date if sqlite else _identity
    return _identity


def _default(field: models.Field[Any, Any], now: dt.datetime) -> Any:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return now
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return now.date()
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"The demo generator has no value for {field.model.__name__}.{field.name}")


class Table:
    """Rows for one table: ``Table(Company, ["id", "name", ...])``, ``add(row)``, ``write()``."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        meta = model._meta
        self.model = model
        self.table = str(meta.db_table)
        given: list[models.Field[Any, Any]] = []
        for name in names:
            f = meta.get_field(name)
            assert isinstance(f, models.Field), name
            given.append(f)
        now = timezone.now()
        extra = [
            f
            for f in meta.concrete_fields
            if f not in given and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.columns = [f.column for f in given] + [f.column for f in extra]
        self.adapters = [_adapter(f) for f in given]
        self.extra = tuple(_adapter(f)(_default(f, now)) for f in extra)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, row: Sequence[Any]) -> None:
        self.rows.append(tuple(row))

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows.extend(tuple(r) for r in rows)

    def __len__(self) -> int:
        return len(self.rows)

    def prepared(self) -> list[tuple[Any, ...]]:
        adapters = self.adapters
        extra = self.extra
        plain = [i for i, a in enumerate(adapters) if a is not _identity]
        if not plain:
            return [row + extra for row in self.rows]
        out = []
        for row in self.rows:
            values = list(row)
            for i in plain:
                values[i] = adapters[i](values[i])
            out.append(tuple(values) + extra)
        return out

    def write(self) -> int:
        """Insert the rows (inside the caller's transaction) and forget them."""
        if not self.rows:
            return 0
        count = len(self.rows)
        rows = self.prepared()
        self.rows = []
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {qn(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                # A big load builds the secondary indexes once afterwards instead of row by
                # row (about a third faster); DDL is transactional on SQLite.
                indexes: list[tuple[str, str]] = []
                if count >= REBUILD_INDEXES_FROM:
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master"
                        " WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                        [self.table],
                    )
                    indexes = list(cursor.fetchall())
                    for name, _sql in indexes:
                        cursor.execute(f"DROP INDEX {qn(name)}")
                marks = ", ".join(["%s"] * len(self.columns))
                # identifiers from the model's metadata, values as parameters
                sql = f"INSERT INTO {qn(self.table)} ({cols}) VALUES ({marks})"  # noqa: S608
                for start in range(0, len(rows), 50_000):
                    cursor.executemany(sql, rows[start : start + 50_000])
                for _name, create in indexes:
                    cursor.execute(create)
        return count


def through(model: type[models.Model], field_name: str) -> tuple[type[models.Model], str, str]:
    """The auto-created through model of a many-to-many field and its two column names."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.ManyToManyField)
    rel_through = field.remote_field.through
    assert rel_through is not None
    assert not isinstance(rel_through, str)
    return rel_through, field.m2m_field_name(), field.m2m_reverse_field_name()


def next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
