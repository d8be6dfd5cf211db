"""A read cache for the length of one batch of work (a chunk of mail, say).

Inside ``with batch():`` the catalog reads that every ticket repeats (a plan's SLA
terms, calendars, the contract in force) are made once. Outside it nothing is cached,
so an edited plan or calendar is seen at once by everything else; a batch lasts well
under a second, and a plan change recomputes open tickets after its commit anyway."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
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
