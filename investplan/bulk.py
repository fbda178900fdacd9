"""Inserting many rows at once, for the appendix importer and the stored figures.

On PostgreSQL rows go in with COPY, psycopg's bulk load: for ten thousand plan lines it is
several times faster than INSERT with many VALUES, which the server must parse and plan
(measured in docs/performance.md). Elsewhere (SQLite, locally) `bulk_create` does the job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection, models

Row = Mapping[str, object]  # attname -> a value already in the column's terms


def insert_rows(model: type[models.Model], rows: Sequence[Row], *, ids: bool = False) -> list:
    """Insert `rows` into `model`'s table. Each row maps field attnames (`plan_id`,
    `annual_salary`) to plain values (str, int, Decimal, date, bool or None); a field a
    row leaves out takes its default. With `ids`, the new primary keys in row order.

    No model is built and no signal is sent, as with `bulk_create`; the database's own
    constraints still hold every row."""
    if not rows:
        return []
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    if connection.vendor != "postgresql":
        made = model.objects.bulk_create(
            [model(**{**defaults, **row}) for row in rows], batch_size=500
        )
        return [instance.pk for instance in made] if ids else []
    names = list(defaults)
    table = model._meta.db_table
    pk = model._meta.pk.column
    quote = connection.ops.quote_name
    new_ids: list = []
    with connection.cursor() as cursor:
        if ids:
            # Reserve the keys first, so the rows can be copied with them and the caller
            # knows which line is which.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, len(rows)],
            )
            new_ids = [found for (found,) in cursor.fetchall()]
        columns = ([quote(pk)] if ids else []) + [quote(name) for name in names]
        statement = f"COPY {quote(table)} ({', '.join(columns)}) FROM STDIN"
        # Django's wrapper turns psycopg's errors into Django's (IntegrityError and so on),
        # as it does for every statement it sends itself.
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for index, row in enumerate(rows):
                values = [row[name] if name in row else defaults[name] for name in names]
                copy.write_row([new_ids[index], *values] if ids else values)
    return new_ids


def insert_values(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows`, each a tuple of plain values for `columns` (column names, in order),
    into `model`'s table: with COPY on PostgreSQL, in one prepared statement run for every
    row elsewhere. For rows worked out by the app itself (stored figures), never typed:
    no defaults, no model built, no signal; the database's constraints hold every row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
