"""Resolving, closing and reopening a ticket."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from opiekun.core.audit import Actor
from opiekun.tickets import signals
from opiekun.tickets.actions.base import (
    IntakeError,
    locked,
    save_clock_change,
)
from opiekun.tickets.models import Ticket


def _move(
    ticket: Ticket,
    to: str,
    allowed_from: tuple[str, ...],
    kind: str,
    actor: Actor,
    **stamps: dt.datetime,
) -> Ticket:
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.status not in allowed_from:
            raise IntakeError(f"status: a {ticket.status} ticket cannot become {to}")
        ticket.status = to
        for field, value in stamps.items():
            setattr(ticket, field, value)
        if to in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
            ticket.paused_since = None
        saved = save_clock_change(ticket, kind, actor)
        signals.status_changed.send(Ticket, ticket=saved, status=to, actor=actor)
        return saved


def resolve(ticket: Ticket, *, actor: Actor = None) -> Ticket:
    return _move(
        ticket,
        Ticket.Status.RESOLVED,
        Ticket.OPEN_STATUSES,
        "ticket.resolved",
        actor,
        resolved_at=timezone.now(),
    )


def close(ticket: Ticket, *, actor: Actor = None) -> Ticket:
    return _move(
        ticket,
        Ticket.Status.CLOSED,
        (*Ticket.OPEN_STATUSES, Ticket.Status.RESOLVED),
        "ticket.closed",
        actor,
        closed_at=timezone.now(),
    )


def reopen(ticket: Ticket, *, actor: Actor = None) -> Ticket:
    return _move(
        ticket,
        Ticket.Status.REOPENED,
        (Ticket.Status.RESOLVED, Ticket.Status.CLOSED),
        "ticket.reopened",
        actor,
    )
