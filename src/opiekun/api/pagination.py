"""Pages of a list: ``limit`` and ``offset`` bounded, so a huge offset is a 422 naming
it, not a number the database cannot take. Lists of tickets report ``count`` up to
10,000 exactly; beyond that 10001, meaning "more" (api/lazy.py), so a page never counts
the whole table."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination

from opiekun.api.lazy import LazyPage
from opiekun.api.types import Offset
from opiekun.core import keyset

MAX_LIMIT = 500


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
        offset: Offset = 0


class CursorPages(Pages):
    """Pages of a list in a keyset order (issue 20, item 2; ADR 33): ``next`` and
    ``previous`` are links carrying a ``cursor``, the position of the page's edge row,
    so a deep page is an index range scan from there, not an OFFSET walked to. ``limit``
    and ``offset`` keep working as before (``count`` too, capped at 10,001); an offset
    page also links to the next page by cursor. A ranked search has no keyset order and
    is paged by offset only."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
        offset: Offset = 0
        cursor: str | None = Field(
            None,
            description=(
                "The position a `next` or `previous` link carries; opaque. "
                "A cursor this list did not make is a 400 naming `cursor`."
            ),
        )

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = Field(None, description="The next page's link, if any.")
        previous: str | None = Field(None, description="The previous page's link, if any.")

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        if not isinstance(queryset, LazyPage):
            raise TypeError("CursorPages pages a LazyPage")
        order = queryset.order
        limit = min(pagination.limit, self.max_limit)
        raw = pagination.cursor
        if raw is not None and order is None:
            raise HttpError(400, "cursor: a search is ranked, and paged by offset only")
        if raw is not None and pagination.offset:
            raise HttpError(400, "offset: not with a cursor; the cursor is the position")
        position = None
        if raw is not None and order is not None:
            try:
                position = keyset.read_cursor(order, raw)
            except keyset.BadCursor as exc:
                raise HttpError(400, f"cursor: {exc}") from None

        def link(token: str | None) -> str | None:
            if token is None:
                return None
            query = request.GET.copy()
            query.pop("offset", None)
            query["cursor"] = token
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        if order is None or (position is None and pagination.offset):
            offset = pagination.offset
            rows = list(queryset.queryset[offset : offset + limit + 1])
            following = (
                keyset.cursor(order, order.values(rows[limit - 1]), offset=offset + limit)
                if order is not None and len(rows) > limit
                else None
            )
            before = None
            if offset:
                query = request.GET.copy()
                query["offset"] = str(max(0, offset - limit))
                before = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
            elif order is None and len(rows) > limit:
                query = request.GET.copy()
                query["offset"] = str(offset + limit)
                following_link = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
                return self._out(queryset, rows[:limit], offset, following_link, before)
            return self._out(queryset, rows[:limit], offset, link(following), before)
        found = keyset.page(queryset.queryset, order, position, limit)
        return self._out(queryset, found.rows, found.offset, link(found.next), link(found.previous))

    @staticmethod
    def _out(
        lazy: LazyPage, rows: list[Any], offset: int, following: str | None, before: str | None
    ) -> dict[str, Any]:
        return {
            "items": lazy.rendered(rows, offset),
            "count": lazy.count(),
            "next": following,
            "previous": before,
        }
