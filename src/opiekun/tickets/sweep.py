"""The SLA sweep: marks missed deadlines and warns people before they are missed.

A pass reads the tickets whose ``next_check_at`` has come and handles them together, in
one transaction, in a fixed number of statements whatever the batch's size: the tickets
with their people and calendars in one read (locked; on PostgreSQL rows another sweep
holds are skipped, SQLite's write lock serialises the sweeps), the notices already sent
in one, then one insert each for the audit events and the notices and one update of the
tickets. A ticket is handled only while its check is still due under the lock, so of
two sweeps only one handles it; a sweep that dies mid-way rolls back and the tickets
are looked at again. Notifications are unique per ticket, recipient and kind as well.
Calendars are read once per pass (``core.batch``), not once per ticket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from opiekun.catalog.calendars import working_calendar
from opiekun.core import audit, batch
from opiekun.core.models import AuditEvent
from opiekun.staff.models import StaffMember
from opiekun.tickets import clocks, notices, signals
from opiekun.tickets.models import SlaNotification, Ticket

BATCH = 500
# What a pass changes on a ticket: the one UPDATE writes these columns only.
CHANGED = ("reaction_breached", "ack_breached", "promise_breached", "warned_at", "next_check_at")


def due_tickets(now: dt.datetime, limit: int = BATCH) -> list[tuple[int, dt.datetime]]:
    """(id, next_check_at) of open tickets whose check has come: an index scan."""
    rows = (
        Ticket.objects.filter(next_check_at__lte=now, status__in=Ticket.OPEN_STATUSES)
        .order_by("next_check_at")
        .values_list("pk", "next_check_at")[:limit]
    )
    return [(pk, seen) for pk, seen in rows if seen is not None]


def sweep(now: dt.datetime | None = None, limit: int = BATCH) -> int:
    now = now or timezone.now()
    due = due_tickets(now, limit)
    return handle_many([pk for pk, _ in due], now) if due else 0


def handle_one(ticket_id: int, seen_next_check: dt.datetime, now: dt.datetime) -> bool:
    """One ticket, as the check ``seen_next_check`` found it: False when another sweep
    got there first or the ticket changed since."""
    return handle_many([ticket_id], now, seen=seen_next_check) == 1


@dataclass
class _Pass:
    """What one pass writes, gathered while it decides, written in bulk at the end."""

    now: dt.datetime
    sent: set[tuple[int, int, str]]
    events: list[AuditEvent] = field(default_factory=list)
    notices: list[SlaNotification] = field(default_factory=list)


def _claim(ids: list[int], now: dt.datetime, seen: dt.datetime | None) -> list[Ticket]:
    tickets = Ticket.objects.filter(
        pk__in=ids, next_check_at__lte=now, status__in=Ticket.OPEN_STATUSES
    )
    if seen is not None:
        tickets = tickets.filter(next_check_at=seen)
    # Lock the tickets only: the joined rows may be NULL (no assignee), which PostgreSQL
    # cannot lock. Rows locked by a parallel sweep are skipped: that sweep handles them.
    skip = connection.features.has_select_for_update_skip_locked
    return list(
        tickets.select_for_update(of=("self",), skip_locked=skip)
        .select_related(
            "organisation",
            "contract__plan",
            "assignee__user",
            "assignee__calendar",
            "account_manager__user",
            "account_manager__calendar",
        )
        .order_by("pk")
    )


def handle_many(ids: Iterable[int], now: dt.datetime, *, seen: dt.datetime | None = None) -> int:
    """Handles the tickets ``ids`` whose check is still due; returns how many."""
    with batch.batch(), transaction.atomic():
        tickets = _claim(list(ids), now, seen)
        if not tickets:
            return 0
        work = _Pass(
            now,
            set(
                SlaNotification.objects.filter(ticket__in=tickets).values_list(
                    "ticket_id", "recipient_id", "kind"
                )
            ),
        )
        for ticket in tickets:
            deferred = _check(ticket, work)
            ticket.next_check_at = clocks.next_check(ticket, deferred, now)
        AuditEvent.objects.bulk_create(work.events)
        made = SlaNotification.objects.bulk_create(work.notices)
        Ticket.objects.bulk_update(tickets, CHANGED)
        for notice in made:
            transaction.on_commit(partial(notices.send_sla_notification.delay, notice.pk))
        if made:
            signals.deadlines_noticed.send(SlaNotification, notices=made)
    return len(tickets)


# Each deadline the sweep watches: the moment, what meets it, the flag set when it is
# missed, and the notice that goes out.
_DEADLINES = (
    ("reaction_due_at", "reacted_at", "reaction_breached", SlaNotification.Kind.BREACH),
    ("ack_due_at", "acknowledged_at", "ack_breached", SlaNotification.Kind.ACK_BREACH),
    ("answer_promised_at", "answered_at", "promise_breached", SlaNotification.Kind.PROMISE_BREACH),
)


def _check(ticket: Ticket, work: _Pass) -> list[dt.datetime]:
    """Marks what is missed and notifies; returns when deferred notices are due."""
    now = work.now
    deferred: list[dt.datetime] = []
    for due_field, met_field, missed_flag, kind in _DEADLINES:
        due = getattr(ticket, due_field)
        if due is None or due > now or getattr(ticket, met_field) is not None:
            continue
        if due_field == "reaction_due_at" and not clocks.reaction_pending(ticket):
            continue  # no guarantee, or paused while waiting for the customer
        if not getattr(ticket, missed_flag):
            setattr(ticket, missed_flag, True)
            work.events.append(
                audit.event(
                    f"ticket.{missed_flag}",
                    ticket,
                    organisation=ticket.organisation,
                    due=timezone.localtime(due).isoformat(),
                )
            )
        deferred += _notify(ticket, kind, work)
    warn = clocks.reaction_pending(ticket) and not ticket.reaction_breached
    if warn and ticket.warned_at is None and ticket.warn_at and ticket.warn_at <= now:
        later = _notify(ticket, SlaNotification.Kind.WARNING, work)
        deferred += later
        if not later:
            ticket.warned_at = now
    return deferred


def recipients(ticket: Ticket) -> list[StaffMember]:
    people = [ticket.assignee, ticket.account_manager]
    unique = {p.pk: p for p in people if p is not None and p.is_active}
    return list(unique.values())


def _notify(ticket: Ticket, kind: str, work: _Pass) -> list[dt.datetime]:
    """Notifies each recipient now if it is their working time; otherwise returns when
    it will be."""
    later = []
    for person in recipients(ticket):
        if (ticket.pk, person.pk, kind) in work.sent:
            continue
        if person.calendar is not None:
            start = working_calendar(person.calendar).next_working_moment(work.now)
            if start > work.now:
                later.append(start)
                continue
        work.sent.add((ticket.pk, person.pk, kind))
        work.notices.append(SlaNotification(ticket=ticket, recipient=person, kind=kind))
    return later
