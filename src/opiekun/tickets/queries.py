"""Reads of tickets: the filters the API and the UI share, and the queue."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from opiekun.core.keyset import Key, Order
from opiekun.staff.models import OnCallShift, StaffMember
from opiekun.tickets.models import Ticket

# The order the queue is worked in (R-Q-1, R-Q-2), the same as the ticket_queue index:
# critical outages pinned on top where the vendor chose so (ADR 4), contract customers
# first, the earliest deadline, arrival; the id last, so tickets that arrived at the
# same moment keep one order from page to page (issue 20: keyset pages).
QUEUE_ORDER = ("-is_open", "-pinned", "-queue_priority", "queue_due_at", "received_at", "pk")
QUEUE_KEYS = Order(
    "queue",
    (
        Key("is_open", True, bool),
        Key("pinned", True, bool),
        Key("queue_priority", True, int),
        Key("queue_due_at", False, dt.datetime),
        Key("received_at", False, dt.datetime),
        Key("pk", False, int),
    ),
)


def with_people(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("contact", "assignee__user", "account_manager__user")


def filtered(
    tickets: QuerySet[Ticket],
    *,
    status: str | None = None,
    organisation_id: int | None = None,
    channel: str | None = None,
    severity: str | None = None,
    tag: str | None = None,
) -> QuerySet[Ticket]:
    """The filters by name, in queue order. A text search is the search app's
    (``opiekun.search.query.matching``), which ranks instead."""
    if status == "open":
        tickets = tickets.filter(is_open=True)
    elif status:
        tickets = tickets.filter(status=status)
    if organisation_id:
        tickets = tickets.filter(organisation_id=organisation_id)
    if channel:
        tickets = tickets.filter(channel=channel)
    if severity:
        tickets = tickets.filter(severity=severity)
    if tag:
        # Names are unique whatever their case, so one tag at most matches: no duplicates.
        tickets = tickets.filter(tags__name__iexact=tag)
    return tickets.order_by(*QUEUE_ORDER)


def queue(staff: StaffMember, view: str = "all", *, open_only: bool = True) -> QuerySet[Ticket]:
    """Open tickets in queue order: everyone's, mine, my customers' (as account manager)
    or the on-call view (critical outages, and everything while I am on shift).
    ``open_only=False``: resolved and closed ones too (a search, a status filter)."""
    tickets = Ticket.objects.filter(is_open=True) if open_only else Ticket.objects.all()
    if view == "mine":
        tickets = tickets.filter(assignee=staff)
    elif view == "my-customers":
        tickets = tickets.filter(organisation__account_manager=staff)
    elif view == "on-call":
        now = timezone.now()
        on_shift = OnCallShift.objects.filter(staff=staff, starts_at__lte=now, ends_at__gt=now)
        if not on_shift.exists():
            tickets = tickets.filter(severity="critical")
    return with_people(tickets).order_by(*QUEUE_ORDER)
