"""Who is looking at a ticket (issue 15, item 9): each open ticket page beats every
~20 s; whoever beat in the last 45 s is shown to the others, so two agents do not
answer at once. Kept in the cache (Redis in production, shared by every web process),
not the database: it is a hint that fades, not a record.

One cache entry per ticket holds everyone's last beat. Two beats at the same instant
may drop one (read, then write); the next beat, seconds later, puts it back, which a
hint can afford."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from opiekun.staff.models import StaffMember

FRESH = dt.timedelta(seconds=45)
BEAT_SECONDS = 20


@dataclass(frozen=True)
class Viewer:
    staff_id: int
    name: str
    seen_at: dt.datetime


def _key(ticket_id: int) -> str:
    return f"presence:ticket:{ticket_id}"


def beat(ticket_id: int, staff: StaffMember, now: dt.datetime | None = None) -> list[Viewer]:
    """Records that ``staff`` is looking now; returns the others seen lately."""
    now = now or timezone.now()
    seen: dict[str, list[object]] = cache.get(_key(ticket_id)) or {}
    seen = {
        pk: entry
        for pk, entry in seen.items()
        if now - dt.datetime.fromisoformat(str(entry[1])) < FRESH
    }
    seen[str(staff.pk)] = [str(staff), now.isoformat()]
    cache.set(_key(ticket_id), seen, timeout=int(FRESH.total_seconds()) * 2)
    return others(ticket_id, staff, now, seen)


def others(
    ticket_id: int,
    staff: StaffMember,
    now: dt.datetime | None = None,
    seen: dict[str, list[object]] | None = None,
) -> list[Viewer]:
    now = now or timezone.now()
    if seen is None:
        seen = cache.get(_key(ticket_id)) or {}
    found = []
    for pk, (name, at) in seen.items():
        moment = dt.datetime.fromisoformat(str(at))
        if int(pk) != staff.pk and dt.timedelta(0) <= now - moment < FRESH:
            found.append(Viewer(int(pk), str(name), moment))
    return sorted(found, key=lambda v: v.name)
