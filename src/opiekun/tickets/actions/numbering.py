"""Reference signs without gaps: KJM/2026/00042, ST/2026/00007."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from opiekun.tickets.models import ReferenceCounter


def next_reference(prefix: str, year: int) -> str:
    """The next reference sign, e.g. KJM/2026/00042. Must run inside a transaction."""
    return next_references(prefix, year, 1)[0]


def next_references(prefix: str, year: int, count: int) -> list[str]:
    """The next ``count`` reference signs. The counter row is locked by the UPDATE until
    commit, so two processes never take the same number and there are no gaps."""
    taken = _advance(prefix, year, count)
    if taken is not None:
        return [f"{prefix}/{year}/{n:05d}" for n in range(taken - count + 1, taken + 1)]
    counter = ReferenceCounter.objects.filter(prefix=prefix, year=year)
    if not counter.update(last=F("last") + count):
        with transaction.atomic():  # a savepoint: a racing first insert is retried below
            try:
                ReferenceCounter.objects.create(prefix=prefix, year=year, last=count)
                return [f"{prefix}/{year}/{n:05d}" for n in range(1, count + 1)]
            except IntegrityError:
                pass
        counter.update(last=F("last") + count)
    last = counter.values_list("last", flat=True).get()
    return [f"{prefix}/{year}/{n:05d}" for n in range(last - count + 1, last + 1)]


def _advance(prefix: str, year: int, count: int) -> int | None:
    """The counter moved on by ``count`` and read back in one statement (UPDATE ...
    RETURNING, on PostgreSQL and on SQLite from 3.35): one round trip of each intake.
    None: no counter yet for the prefix and year, or a database without RETURNING."""
    if not connection.features.can_return_columns_from_insert:
        return None
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # Only the table's own quoted name is formatted in; the values are parameters.
            f'UPDATE {table} SET "last" = "last" + %s '  # noqa: S608
            'WHERE "prefix" = %s AND "year" = %s RETURNING "last"',
            [count, prefix, year],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None
