"""Pagination over a queryset without loading it: the pager counts and slices the
queryset, and only the page's rows are turned into schemas. The count stops at
``core.counting.COUNT_CAP + 1`` (a ``count`` of 10001 reads "more than 10,000"): a page
of a million tickets does not count them all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from opiekun.core.counting import limited_count
from opiekun.core.keyset import Order


class LazyPage:
    def __init__(
        self,
        queryset: QuerySet[Any],
        render: Callable[[Any, int], Any],
        order: Order | None = None,
    ) -> None:
        self.queryset = queryset
        self.render = render  # (object, 1-based position) -> schema
        # The keyset order the queryset is sorted in, if it has one (CursorPages); a
        # ranked search has none.
        self.order = order

    def count(self) -> int:
        return limited_count(self.queryset)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Any]:
        return self.rendered(self.queryset[page], page.start or 0)

    def rendered(self, rows: Any, offset: int) -> list[Any]:
        return [self.render(obj, offset + n + 1) for n, obj in enumerate(rows)]
