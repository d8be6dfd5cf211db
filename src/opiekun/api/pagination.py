"""Pages of a list: ``limit`` and ``offset`` bounded, so a huge offset is a 422 naming
it, not a number the database cannot take. Lists of tickets report ``count`` up to
10,000 exactly; beyond that 10001, meaning "more" (api/lazy.py), so a page never counts
the whole table."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from opiekun.api.types import Offset

MAX_LIMIT = 500


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
        offset: Offset = 0
