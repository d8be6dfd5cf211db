"""The SLA sweep: marks missed deadlines and warns people before they are missed.

Each ticket whose ``next_check_at`` has come is claimed with a conditional UPDATE (the
check moment it was seen with, moved to a short lease), so of two sweeps only one
handles it; a sweep that dies mid-way leaves the lease to expire and the ticket is
looked at again. Notifications are unique per ticket, recipient and kind as well."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.calendars import working_calendar
from opiekun.core import audit
from opiekun.staff.models import StaffMember
from opiekun.tickets import clocks, notices, signals
from opiekun.tickets.models import SlaNotification, Ticket

LEASE = dt.timedelta(minutes=5)


def due_tickets(now: dt.datetime, limit: int = 500) -> list[tuple[int, dt.datetime]]:
    """(id, next_check_at) of open tickets whose check has come: an index scan."""
    rows = (
        Ticket.objects.filter(next_check_at__lte=now, status__in=Ticket.OPEN_STATUSES)
        .order_by("next_check_at")
        .values_list("pk", "next_check_at")[:limit]
    )
    return [(pk, seen) for pk, seen in rows if seen is not None]


def sweep(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(handle_one(pk, seen, now) for pk, seen in due_tickets(now))


def handle_one(ticket_id: int, seen_next_check: dt.datetime, now: dt.datetime) -> bool:
    claimed = Ticket.objects.filter(pk=ticket_id, next_check_at=seen_next_check).update(
        next_check_at=now + LEASE
    )
    if claimed != 1:
        # Nothing got claimed: another sweep got there first, or the ticket changed.
        return False
    with transaction.atomic():
        ticket = (
            # Lock the ticket only: the joined rows may be NULL (no assignee), which
            # PostgreSQL cannot lock.
            Ticket.objects.select_for_update(of=("self",))
            .select_related("contract__plan", "assignee__user", "account_manager__user")
            .get(pk=ticket_id)
        )
        deferred = _check(ticket, now)
        ticket.next_check_at = clocks.next_check(ticket, deferred, now)
        ticket.save()
    return True


# Each deadline the sweep watches: the moment, what meets it, the flag set when it is
# missed, and the notice that goes out.
_DEADLINES = (
    ("reaction_due_at", "reacted_at", "reaction_breached", SlaNotification.Kind.BREACH),
    ("ack_due_at", "acknowledged_at", "ack_breached", SlaNotification.Kind.ACK_BREACH),
    ("answer_promised_at", "answered_at", "promise_breached", SlaNotification.Kind.PROMISE_BREACH),
)


def _check(ticket: Ticket, now: dt.datetime) -> list[dt.datetime]:
    """Marks what is missed and notifies; returns when deferred notices are due."""
    deferred: list[dt.datetime] = []
    for due_field, met_field, missed_flag, kind in _DEADLINES:
        due = getattr(ticket, due_field)
        if due is None or due > now or getattr(ticket, met_field) is not None:
            continue
        if due_field == "reaction_due_at" and not clocks.reaction_pending(ticket):
            continue  # no guarantee, or paused while waiting for the customer
        if not getattr(ticket, missed_flag):
            setattr(ticket, missed_flag, True)
            audit.record(
                f"ticket.{missed_flag}",
                ticket,
                organisation=ticket.organisation,
                due=timezone.localtime(due).isoformat(),
            )
        deferred += _notify(ticket, kind, now)
    warn = clocks.reaction_pending(ticket) and not ticket.reaction_breached
    if warn and ticket.warned_at is None and ticket.warn_at and ticket.warn_at <= now:
        later = _notify(ticket, SlaNotification.Kind.WARNING, now)
        deferred += later
        if not later:
            ticket.warned_at = now
    return deferred


def recipients(ticket: Ticket) -> list[StaffMember]:
    people = [ticket.assignee, ticket.account_manager]
    unique = {p.pk: p for p in people if p is not None and p.is_active}
    return list(unique.values())


def _notify(ticket: Ticket, kind: str, now: dt.datetime) -> list[dt.datetime]:
    """Notifies each recipient now if it is their working time; otherwise returns when
    it will be."""
    later = []
    for person in recipients(ticket):
        if SlaNotification.objects.filter(ticket=ticket, recipient=person, kind=kind).exists():
            continue
        if person.calendar_id is not None:
            calendar = working_calendar(person.calendar)  # type: ignore[arg-type]
            start = calendar.next_working_moment(now)
            if start > now:
                later.append(start)
                continue
        notice, created = SlaNotification.objects.get_or_create(
            ticket=ticket, recipient=person, kind=kind
        )
        if created:
            transaction.on_commit(partial(notices.send_sla_notification.delay, notice.pk))
            signals.deadline_noticed.send(SlaNotification, notice=notice)
    return later
