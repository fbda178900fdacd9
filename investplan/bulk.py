"""Inserting many rows at once, for the appendix importer and the stored figures.

Rows are sent as plain values, never as model instances: with COPY on PostgreSQL
(psycopg's bulk load), in one prepared statement run for every row on SQLite. For ten
thousand plan lines either is several times faster than `bulk_create`, which builds a
model and prepares every field of every row (docs/performance.md, decision 0007).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter

from django.db import connection, models

Row = Mapping[str, object]  # attname -> a value already in the column's terms


def insert_rows(model: type[models.Model], rows: Sequence[Row], *, ids: bool = False) -> list:
    """Insert `rows` into `model`'s table. Each row maps field attnames (`plan_id`,
    `annual_salary`) to plain values (str, int, Decimal, date, datetime, bool or None); a
    field a row leaves out takes its default. With `ids`, the new primary keys in row order.

    No model is built and no signal is sent, as with `bulk_create`; the database's own
    constraints still hold every row."""
    if not rows:
        return []
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    columns = [field.column for field in fields]
    # Each row over the defaults, its values taken in the columns' order: one merge and
    # one lookup of every field per row, both done by the dict and itemgetter themselves.
    names = list(defaults)
    in_order = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    values = [in_order({**defaults, **row}) for row in rows]
    moments = [i for i, field in enumerate(fields) if isinstance(field, models.DateTimeField)]
    if moments and connection.vendor != "postgresql":
        # SQLite keeps no time zone: Django stores datetimes as naive UTC.
        adapt = connection.ops.adapt_datetimefield_value
        values = [list(row) for row in values]
        for row in values:
            for index in moments:
                row[index] = adapt(row[index])
    new_ids = _reserve_keys(model, len(rows)) if ids else []
    if ids:
        columns = [model._meta.pk.column, *columns]
        values = [(pk, *row) for pk, row in zip(new_ids, values, strict=True)]
    insert_values(model, columns, values)
    return new_ids


def _reserve_keys(model: type[models.Model], count: int) -> list[int]:
    """The next `count` primary keys of the table, taken so that the rows can be sent with
    them and the caller knows which row is which."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [found for (found,) in cursor.fetchall()]
        # SQLite: the keys after the largest it ever gave (AUTOINCREMENT keeps that in
        # sqlite_sequence; it moves on to ours as they are inserted). SQLite lets one
        # connection write at a time, and a write by a transaction whose reading another
        # has overtaken fails, so two imports cannot take the same keys.
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT MAX(COALESCE(MAX({quote(pk)}), 0), "
            f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)) "
            f"FROM {quote(table)}",
            [table],
        )
        (top,) = cursor.fetchone()
    return list(range(top + 1, top + 1 + count))


def insert_values(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows`, each a tuple of plain values for `columns` (column names, in order),
    into `model`'s table: with COPY on PostgreSQL, in one prepared statement run for every
    row elsewhere. No defaults, no model built, no signal; the database's constraints hold
    every row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's wrapper turns psycopg's errors into Django's (IntegrityError and so
            # on), as it does for every statement it sends itself.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
