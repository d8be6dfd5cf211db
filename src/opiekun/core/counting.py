"""Counts that stop: a list of a million tickets says "more than 10,000" instead of
counting every row for each page it shows (issue 20: a COUNT(*) over the table was most
of a page's time). The rows are counted up to the cap plus one, with no ORDER BY and no
annotation, so a count costs at most the cap's rows of an index, whatever the table's
size."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


def limited_count(rows: QuerySet[Any], cap: int | None = None) -> int:
    """How many ``rows`` there are, but never more than ``cap + 1`` (by default
    ``COUNT_CAP``): ``cap + 1`` reads "more than ``cap``"."""
    cap = COUNT_CAP if cap is None else cap
    # Only the ids: an annotation the rows carry (a search's rank) is not computed for
    # rows that are only counted.
    return rows.order_by().values("pk")[: cap + 1].count()


class LimitedPaginator(Paginator):
    """Pages whose count stops at ``COUNT_CAP + 1``: the pages past it are not offered
    (narrow the filters instead), and the page shows "more than" the cap."""

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)  # a list is counted already
        return limited_count(rows, self.cap)

    @property
    def more(self) -> bool:
        return self.count > self.cap
