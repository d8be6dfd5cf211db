"""Keyset pages (issue 20, item 2): a list of a million tickets is paged by where the
last row shown stands in the list's order, not by an OFFSET the database walks to and
throws away. A page is the rows strictly after (or, going back, before) a position.

The position travels as a cursor: the sort values of a boundary row, signed (so a
cursor is opaque, and one made up or cut short is refused, never passed to SQL) and
checked value by value against the list's keys. The last key must be unique (the
primary key): rows with equal sort values (the same arrival moment) are neither
skipped nor shown twice.

An order may mix directions (the queue: pinned first, the earliest deadline first). A
row comparison ``(a, b) > (x, y)`` is what both databases can start an index scan at,
but only over columns of one direction, so the keys are cut into runs of one direction
and the rows after a position are read run by run, the deepest first: "the same leading
values and the next run's values after the position's", then "the leading run's values
after the position's". Each read is an index range scan from the position; a page costs
one read, two when it crosses from one run's group to the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext

# A cursor of the queue is about 150 characters; anything longer is not one of ours.
MAX_CURSOR = 500
MAX_OFFSET = 2**31 - 1


class BadCursor(ValueError):
    """A cursor this list did not make: tampered with, cut short, of another list, or
    signed with a key since changed. The message says so, for the field ``cursor``."""

    def __init__(self) -> None:
        super().__init__(gettext("not a cursor of this list: start again from the first page"))


@dataclass(frozen=True)
class Key:
    """One sort column: a field name (``pk`` for the tie-breaker), its direction, and
    the type its cursor value must have (bool, int or an aware datetime)."""

    field: str
    descending: bool
    kind: type


@dataclass(frozen=True)
class Order:
    """A list's order. ``name`` is part of the cursor's signature: a cursor of one list
    is refused by another."""

    name: str
    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        if not self.keys or self.keys[-1].field not in ("pk", "id"):
            raise ValueError("a keyset order ends with the primary key, its tie-breaker")

    def order_by(self, *, backwards: bool = False) -> list[str]:
        return [("-" if k.descending != backwards else "") + k.field for k in self.keys]

    def values(self, row: Any) -> tuple[Any, ...]:
        if isinstance(row, dict):
            return tuple(row["pk" if k.field == "id" else k.field] for k in self.keys)
        return tuple(getattr(row, k.field) for k in self.keys)

    def runs(self, *, backwards: bool) -> list[tuple[int, int, bool]]:
        """(start, end, descending) of each run of keys sorted in one direction."""
        found: list[tuple[int, int, bool]] = []
        for n, key in enumerate(self.keys):
            descending = key.descending != backwards
            if found and found[-1][2] == descending:
                found[-1] = (found[-1][0], n + 1, descending)
            else:
                found.append((n, n + 1, descending))
        return found


@dataclass(frozen=True)
class Position:
    values: tuple[Any, ...]
    backwards: bool  # the page before these values, not after
    # How many rows come before the page it leads to (going back: before the row the
    # values are of), as counted when the cursor was made: the rows' positions
    # (the API's queue ``position``) without counting them again.
    offset: int = 0


def _salt(order: Order) -> str:
    return f"opiekun.keyset.{order.name}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def cursor(
    order: Order, values: tuple[Any, ...], *, backwards: bool = False, offset: int = 0
) -> str:
    return signing.dumps(
        {"v": [_plain(v) for v in values], "b": backwards, "o": offset},
        salt=_salt(order),
        compress=True,
    )


def _value(key: Key, raw: Any) -> Any:
    if key.kind is bool and type(raw) is bool:
        return raw
    if key.kind is int and type(raw) is int:
        return raw
    if key.kind is dt.datetime and isinstance(raw, str) and len(raw) <= 40:
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise BadCursor from None
        if moment.tzinfo is not None:
            return moment
    raise BadCursor


def read_cursor(order: Order, token: str) -> Position:
    """The position ``token`` names in ``order``, or ``BadCursor``."""
    if not token or len(token) > MAX_CURSOR:
        raise BadCursor
    try:
        data = signing.loads(token, salt=_salt(order))
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadCursor from None
    if not isinstance(data, dict) or not isinstance(data.get("v"), list):
        raise BadCursor
    raw, backwards, offset = data["v"], data.get("b"), data.get("o")
    if len(raw) != len(order.keys) or type(backwards) is not bool:
        raise BadCursor
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise BadCursor
    return Position(
        tuple(_value(k, v) for k, v in zip(order.keys, raw, strict=True)), backwards, offset
    )


def _beyond(order: Order, values: tuple[Any, ...], start: int, end: int, descending: bool) -> Q:
    """Rows whose keys before ``start`` equal the position's and whose keys
    ``start:end`` come after the position's in the read direction."""
    keys = order.keys
    equal = Q(**{keys[n].field: values[n] for n in range(start)})
    if end - start == 1:
        step = "lt" if descending else "gt"
        return equal & Q(**{f"{keys[start].field}__{step}": values[start]})
    compare = TupleLessThan if descending else TupleGreaterThan
    columns = Tuple(*(F(k.field) for k in keys[start:end]))
    return equal & Q(compare(columns, list(values[start:end])))


def read_after(
    rows: QuerySet[Any], order: Order, position: Position | None, count: int
) -> list[Any]:
    """Up to ``count`` rows of ``rows`` after ``position`` in ``order`` (before it,
    nearest first, when the position goes backwards); from the start without one."""
    backwards = position.backwards if position else False
    ordered = rows.order_by(*order.order_by(backwards=backwards))
    # The ids first, from the sort index alone, then the rows with what they join: a
    # range read joined at once was planned as a join and sort of every row after the
    # position (PostgreSQL misjudges a row comparison's selectivity; 148 ms against
    # 0.3 ms at 100,000 tickets).
    ids: list[Any] = []
    if position is None:
        ids = list(ordered.values_list("pk", flat=True)[:count])
    else:
        for start, end, descending in reversed(order.runs(backwards=backwards)):
            wanted = count - len(ids)
            if wanted <= 0:
                break
            beyond = _beyond(order, position.values, start, end, descending)
            ids.extend(ordered.filter(beyond).values_list("pk", flat=True)[:wanted])
    if not ids:
        return []
    found = {row.pk: row for row in rows.order_by().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclass
class KeysetPage:
    rows: list[Any]
    next: str | None  # the cursor of the page after, if there are rows after
    previous: str | None  # the cursor of the page before, if this is not the first
    offset: int = 0  # how many rows come before the first shown (as paged)


def page(rows: QuerySet[Any], order: Order, position: Position | None, size: int) -> KeysetPage:
    """The page of ``size`` rows at ``position`` (the first page without one), with the
    cursors of its neighbours. Reads one row more than shown, to know if there is more."""
    found = read_after(rows, order, position, size + 1)
    more = len(found) > size
    shown = found[:size]
    if position is not None and position.backwards:
        if not more:
            # Back at the start (or rows before went away): the first page, whole.
            return page(rows, order, None, size)
        shown.reverse()
        # At least one row is before these (``more``), so they cannot start the list.
        start = max(1, position.offset - size)
        return KeysetPage(
            shown,
            next=cursor(order, order.values(shown[-1]), offset=start + size),
            previous=cursor(order, order.values(shown[0]), backwards=True, offset=start),
            offset=start,
        )
    start = position.offset if position is not None else 0
    previous = None
    if position is not None:
        edge = order.values(shown[0]) if shown else position.values
        previous = cursor(order, edge, backwards=True, offset=start)
    following = cursor(order, order.values(shown[-1]), offset=start + size) if more else None
    return KeysetPage(shown, next=following, previous=previous, offset=start)
