"""The deadline clock of a ticket (R-SLA-1..9): start, receipt, pauses, promises, recomputing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.contracts.models import Contract
from opiekun.core import bounds
from opiekun.core.audit import Actor
from opiekun.tickets import clocks, envelope, signals
from opiekun.tickets.actions.base import (
    ANSWER_CHANNELS,
    IntakeError,
    local_iso,
    locked,
    save_clock_change,
)
from opiekun.tickets.models import Message, Ticket


def start_work(ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None) -> Ticket:
    """The reaction (R-SLA-1): the ticket is accepted and work on it starts."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.status not in Ticket.OPEN_STATUSES:
            raise IntakeError(f"status: a {ticket.status} ticket cannot be started")
        if ticket.reacted_at is None:
            ticket.reacted_at = at
            if ticket.guaranteed and ticket.reaction_due_at and at > ticket.reaction_due_at:
                ticket.reaction_breached = True
        ticket.status = Ticket.Status.IN_PROGRESS
        return save_clock_change(
            ticket, "ticket.work_started", actor, at=at.isoformat(), late=ticket.reaction_breached
        )


def acknowledge_receipt(
    ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None
) -> Ticket:
    """Confirms receipt of the question (R-SLA-6), due by the end of the next working day,
    by the way the form asks for (phone, fax or e-mail): the confirmation is a message on
    the ticket, sent by that channel."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.acknowledged_at is None:
            ticket.acknowledged_at = at
            if ticket.ack_due_at and at > ticket.ack_due_at:
                ticket.ack_breached = True
            channel = ticket.return_channel or ANSWER_CHANNELS[Channel(ticket.channel)]
            fields: dict[str, object] = {
                "recipient": ticket.return_address,
                "subject": f"[{ticket.reference}] Potwierdzenie przyjęcia pytania",
                "delivery": Message.Delivery.PENDING
                if channel == Channel.FAX
                else Message.Delivery.SENT,
                "sent_at": None if channel == Channel.FAX else at,
            }
            if channel == Channel.EMAIL:
                fields = {
                    **fields,
                    # A form letter, however it was triggered: robots must not answer it.
                    **envelope.email_fields(ticket, auto_submitted=envelope.AUTO_REPLIED),
                    "subject": fields["subject"],
                    "delivery": Message.Delivery.PENDING,
                    "sent_at": None,
                }
            message = Message.objects.create(
                ticket=ticket,
                direction=Message.Direction.OUTBOUND,
                channel=channel,
                author_staff=getattr(actor, "staff_member", None),
                body_text=(
                    f"Potwierdzamy przyjęcie pytania {ticket.form_sign or ticket.subject} "
                    f"jako zgłoszenie {ticket.reference}."
                ),
                **fields,
            )
            if channel == Channel.EMAIL:
                signals.email_ready.send(sender=Message, message=message)
        if ticket.status == Ticket.Status.NEW:
            ticket.status = Ticket.Status.ACKNOWLEDGED
        return save_clock_change(
            ticket, "ticket.acknowledged", actor, at=at.isoformat(), late=ticket.ack_breached
        )


def wait_for_customer(
    ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None
) -> Ticket:
    """Stops the reaction clock until the customer answers (R-SLA-9)."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.paused_since is not None:
            raise IntakeError("status: the ticket is already waiting for the customer")
        if ticket.status not in Ticket.OPEN_STATUSES:
            raise IntakeError(f"status: a {ticket.status} ticket cannot wait for the customer")
        ticket.paused_since = at
        ticket.status = Ticket.Status.WAITING_CUSTOMER
        saved = save_clock_change(ticket, "ticket.paused", actor, at=at.isoformat())
        signals.status_changed.send(Ticket, ticket=saved, status=saved.status, actor=actor)
        return saved


def customer_replied(
    ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None
) -> Ticket:
    """Restarts the clock: the paused working minutes push the deadline out."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.paused_since is None:
            raise IntakeError("status: the ticket is not waiting for the customer")
        calendar = clocks.clock_calendar(ticket)
        paused = calendar.working_minutes_between(ticket.paused_since, at) if calendar else 0
        ticket.paused_minutes += max(paused, 0)
        ticket.paused_since = None
        ticket.status = Ticket.Status.IN_PROGRESS if ticket.reacted_at else Ticket.Status.NEW
        clocks.apply_sla(ticket)
        return save_clock_change(
            ticket,
            "ticket.resumed",
            actor,
            at=at.isoformat(),
            paused_minutes=paused,
            reaction_due_at=local_iso(ticket.reaction_due_at),
        )


def promise_answer(ticket: Ticket, answer_by: dt.datetime, *, actor: Actor = None) -> Ticket:
    """Records the answer time agreed with the caller (R-SLA-6); tracked like a deadline."""
    answer_by = bounds.moment("answer_by", answer_by, error=IntakeError)
    if answer_by <= timezone.now():
        raise IntakeError("answer_by: must be in the future")
    with transaction.atomic():
        ticket = locked(ticket)
        ticket.answer_promised_at = answer_by
        ticket.promise_breached = False
        return save_clock_change(
            ticket, "ticket.answer_promised", actor, answer_by=answer_by.isoformat()
        )


def recompute_deadlines(ticket: Ticket, *, reason: str, actor: Actor = None) -> Ticket:
    """Recomputes an open ticket's deadlines after its plan or calendar changed; pause
    time already counted is kept (R-SLA-9)."""
    with transaction.atomic():
        ticket = locked(ticket)
        before = ticket.reaction_due_at
        clocks.apply_sla(ticket)
        if before == ticket.reaction_due_at:
            clocks.record_reaction(ticket)
            ticket.save()
            return ticket
        return save_clock_change(
            ticket,
            "ticket.deadlines_recomputed",
            actor,
            reason=reason,
            before=local_iso(before),
            after=local_iso(ticket.reaction_due_at),
        )


def release_awaiting_package(contract: Contract, *, actor: Actor = None) -> int:
    """A package was bought: the tickets that waited for one are back in the queue."""
    waiting = Ticket.objects.select_for_update().filter(
        contract=contract, status=Ticket.Status.AWAITING_PACKAGE
    )
    released = 0
    for ticket in waiting:
        ticket.status = Ticket.Status.NEW
        save_clock_change(ticket, "ticket.package_arrived", actor)
        released += 1
    return released
