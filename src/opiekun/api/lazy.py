"""Pagination over a queryset without loading it: the pager counts and slices the
queryset, and only the page's rows are turned into schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


class LazyPage:
    def __init__(self, queryset: QuerySet[Any], render: Callable[[Any, int], Any]) -> None:
        self.queryset = queryset
        self.render = render  # (object, 1-based position) -> schema

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Any]:
        start = page.start or 0
        return [self.render(obj, start + n + 1) for n, obj in enumerate(self.queryset[page])]
