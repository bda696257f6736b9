"""Fast bulk inserts for generated data.

Rows are plain tuples with ids chosen in advance (``next_id``), so that foreign keys can be
filled in before anything is written. On PostgreSQL rows go through ``COPY``; elsewhere through
``executemany`` on the driver connection. Values must already be in a form both drivers accept:
dates and decimals as ISO strings, timestamps as returned by ``timestamp()``.

Foreign keys are deferred to the end of the transaction (Django creates them
``DEFERRABLE INITIALLY DEFERRED``), so tables may be flushed in any order; ``flush`` still
writes them in the order they were registered.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


class BulkWriter:
    def __init__(self, *, batch_size: int = 50_000):
        self.batch_size = batch_size
        self._tables: dict[type[models.Model], _Table] = {}
        self._next: dict[type[models.Model], int] = {}
        self.counts: dict[type[models.Model], int] = {}

    def table(self, model: type[models.Model], fields: list[str]) -> list[tuple]:
        """Register ``model`` with its column order; returns the buffer rows are appended to."""
        table = _Table(model, fields)
        self._tables[model] = table
        self.counts.setdefault(model, 0)
        return table.rows

    def next_id(self, model: type[models.Model]) -> int:
        nxt = self._next.get(model)
        if nxt is None:
            nxt = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self._next[model] = nxt + 1
        return nxt

    def pending(self) -> int:
        return max((len(t.rows) for t in self._tables.values()), default=0)

    def flush_if_full(self) -> None:
        if self.pending() >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        for table in self._tables.values():
            if table.rows:
                self.counts[table.model] += len(table.rows)
                table.write()
                table.rows.clear()

    def finish(self) -> None:
        """Write what is left and move the id sequences past the ids used."""
        self.flush()
        models_used = [m for m in self._next]
        sql = connection.ops.sequence_reset_sql(no_style(), models_used)
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)


def timestamp(value):
    """A timezone-aware datetime in the form the database driver stores."""
    return connection.ops.adapt_datetimefield_value(value)


class _Table:
    def __init__(self, model: type[models.Model], fields: list[str]):
        self.model = model
        meta = model._meta
        self.columns = [meta.get_field(f).column for f in fields]
        self.rows: list[tuple] = []
        # Columns the generator doesn't know about get their model default.
        extra = [f for f in meta.concrete_fields if f.attname not in fields and f.name not in fields]
        for f in extra:
            if not (f.has_default() or f.null):
                raise ValueError(f"{meta.label}.{f.name} 没有默认值，演示数据生成器需要为它提供取值。")
        self.columns += [f.column for f in extra]
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        quote = connection.ops.quote_name
        self.name = quote(meta.db_table)
        self.column_list = ", ".join(quote(c) for c in self.columns)

    def write(self) -> None:
        if self.extra:
            self.rows[:] = [row + self.extra for row in self.rows]
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {self.name} ({self.column_list}) FROM STDIN") as copy:
                    write_row = copy.write_row
                    for row in self.rows:
                        write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {self.name} ({self.column_list}) VALUES ({marks})"
            if connection.vendor == "sqlite":
                raw.executemany(sql.replace("%s", "?"), self.rows)
            else:  # pragma: no cover - other backends
                with connection.cursor() as cursor:
                    cursor.executemany(sql, self.rows)
