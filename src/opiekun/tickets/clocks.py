"""Setting a ticket's clocks from its contract: used at intake, after a pause, and when
a plan or calendar changes. Callers hold the ticket row locked inside a transaction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from opiekun.contracts import banks
from opiekun.core import batch
from opiekun.tickets import notes, sla
from opiekun.tickets.models import Ticket
from opiekun.workcal import WorkingCalendar


def apply_sla(ticket: Ticket) -> sla.SlaDecision | None:
    """Computes and stores the deadlines; None when no contract is in force."""
    if ticket.contract is None:
        ticket.clock_starts_at = ticket.received_at
        ticket.reaction_due_at = ticket.ack_due_at = ticket.warn_at = None
        ticket.guaranteed = False
        ticket.guarantee_note = notes.write("no_contract")
        ticket.sla_explanation = ["No contract in force: no reaction guarantee."]
        ticket.queue_due_at = ticket.received_at
        ticket.next_check_at = next_check(ticket)
        return None
    terms = sla.terms_for(ticket.contract.plan)
    contract = ticket.contract
    decision = sla.decide(
        terms,
        received_at=ticket.received_at,
        channel=ticket.channel,
        severity=ticket.severity,
        guarantee_used_minutes=batch.remember(
            (
                "guarantee_used",
                contract.pk,
                f"{timezone.localtime(ticket.received_at):%Y-%m}",
            ),
            lambda: banks.guarantee_used_minutes(contract, ticket.received_at),
        ),
        paused_minutes=ticket.paused_minutes,
        warn_share=settings.SLA_WARNING_PERCENT / 100,
    )
    ticket.clock_starts_at = decision.clock_starts_at
    ticket.reaction_due_at = decision.due_at
    ticket.warn_at = decision.warn_at
    ticket.ack_due_at = decision.ack_due_at
    ticket.guaranteed = decision.guaranteed
    ticket.guarantee_note = decision.no_guarantee_reason[:300]
    ticket.sla_explanation = decision.explanation
    ticket.queue_due_at = decision.due_at or ticket.received_at
    ticket.next_check_at = next_check(ticket)
    return decision


def reaction_pending(ticket: Ticket) -> bool:
    """The reaction clock runs: guaranteed, not reacted to, not paused."""
    return ticket.guaranteed and ticket.reacted_at is None and ticket.paused_since is None


def next_check(
    ticket: Ticket, deferred: list[dt.datetime] | None = None, now: dt.datetime | None = None
) -> dt.datetime | None:
    """The next moment the sweep must look at this ticket: a warning, a deadline, a
    promise, or a notification deferred to its recipient's working time. The sweep passes
    ``now``: what is due by then it has just handled or deferred. A resolved or closed
    ticket has none: no deadline of it is watched any more, and a stale check would keep
    it in the sweep's index range."""
    if ticket.status not in Ticket.OPEN_STATUSES:
        return None
    moments = list(deferred or [])
    if reaction_pending(ticket):
        if ticket.warned_at is None and ticket.warn_at:
            moments.append(ticket.warn_at)
        if not ticket.reaction_breached and ticket.reaction_due_at:
            moments.append(ticket.reaction_due_at)
    if ticket.ack_due_at and ticket.acknowledged_at is None and not ticket.ack_breached:
        moments.append(ticket.ack_due_at)
    if ticket.answer_promised_at and ticket.answered_at is None and not ticket.promise_breached:
        moments.append(ticket.answer_promised_at)
    if now is not None:
        moments = [m for m in moments if m > now]
    return min(moments) if moments else None


def clock_calendar(ticket: Ticket) -> WorkingCalendar | None:
    """The calendar the reaction clock runs in, for counting paused working minutes."""
    if ticket.contract is None:
        return None
    terms = sla.terms_for(ticket.contract.plan)
    target = sla.find_target(terms, ticket.severity, terms.guarantee_channel(ticket.channel))
    return target.calendar if target else terms.service


def record_reaction(ticket: Ticket) -> None:
    """Keeps the reaction's working minutes on the row, counted when the ticket reacts in
    the calendar of its target, so the SLA report aggregates columns instead of walking
    calendars ticket by ticket (issue 20). Stored before pauses are taken away: the
    report subtracts ``paused_minutes`` itself, so a pause counted later still shows."""
    calendar = clock_calendar(ticket)
    if ticket.reacted_at is None or calendar is None:
        ticket.reaction_working_minutes = None
        ticket.reaction_calendar = ""
        return
    start = ticket.clock_starts_at or ticket.received_at
    ticket.reaction_working_minutes = (
        0
        if ticket.reacted_at <= start
        else max(calendar.working_minutes_between(start, ticket.reacted_at), 0)
    )
    ticket.reaction_calendar = calendar.name[:200]
