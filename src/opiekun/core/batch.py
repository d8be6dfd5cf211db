"""A read cache for the length of one batch of work (a chunk of mail, say).

Inside ``with batch():`` the catalog reads that every ticket repeats (a plan's SLA
terms, calendars, the contract in force) are made once. Outside it nothing is cached,
so an edited plan or calendar is seen at once by everything else; a batch lasts well
under a second, and a plan change recomputes open tickets after its commit anyway.

``lasting`` keeps a value for the life of the process instead, for keys that carry a
stamp of the rows the value is made of (a plan's ``updated_at``, moved by every change
of its terms: ``catalog.stamps``): a changed row gives a new key, so nothing stale is
ever read, and intake pays no reads for the plan's terms (issue 20, item 6)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")
# Plans times a few kinds of value: small. The oldest key goes first (an old stamp).
LASTING_SIZE = 512
_lasting: OrderedDict[Hashable, object] = OrderedDict()
_lasting_lock = threading.Lock()
_cache: ContextVar[dict[Hashable, object] | None] = ContextVar("opiekun_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    token = _cache.set({}) if _cache.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _cache.reset(token)


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per key within a batch; every time outside one."""
    cache = _cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]  # type: ignore[return-value]


def seed(key: Hashable, value: object) -> None:
    """Stores ``value`` under ``key`` for the rest of the batch, as ``remember`` would
    have computed it: for a read made for many keys at once. Nothing outside a batch;
    a key remembered already keeps its value."""
    cache = _cache.get()
    if cache is not None:
        cache.setdefault(key, value)


def lasting(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per key in this process (the key must name the version of
    what it is computed from); the least recently used of ``LASTING_SIZE`` keys go."""
    with _lasting_lock:
        if key in _lasting:
            _lasting.move_to_end(key)
            return _lasting[key]  # type: ignore[return-value]
    value = compute()  # outside the lock: a read may take a while; twice is harmless
    with _lasting_lock:
        _lasting[key] = value
        while len(_lasting) > LASTING_SIZE:
            _lasting.popitem(last=False)
    return value


def forget_lasting() -> None:
    """Empties the process's lasting values (tests that rewrite rows under one stamp)."""
    with _lasting_lock:
        _lasting.clear()


def chunks(
    rows: QuerySet[Any], size: int, *, key: Callable[[Any], Any] = lambda row: row.pk
) -> Iterator[list[Any]]:
    """``rows`` a chunk of ``size`` at a time in primary-key order, each chunk read when
    the one before is done with: by key, not by offset, so rows a chunk's work takes out
    of (or adds to) the set never make the next chunk skip or repeat one. ``key`` reads
    the primary key of a row (for ``values_list("pk", flat=True)``: the row itself)."""
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        found = list(page.order_by("pk")[:size])
        if not found:
            return
        yield found
        last = key(found[-1])
