"""Reference signs without gaps: KJM/2026/00042, ST/2026/00007."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from opiekun.tickets.models import ReferenceCounter


def next_reference(prefix: str, year: int) -> str:
    """The next reference sign, e.g. KJM/2026/00042. Must run inside a transaction."""
    return next_references(prefix, year, 1)[0]


def next_references(prefix: str, year: int, count: int) -> list[str]:
    """The next ``count`` reference signs. The counter row is locked by the UPDATE until
    commit, so two processes never take the same number and there are no gaps."""
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
