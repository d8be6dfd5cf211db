"""Whether a ticket is within the customer's free basic support (PWSK: 12 months from
the licence purchase or the last update, R-PLN-5, R-CON-5). A ticket out of it is
marked at intake, so the agent offers supervision or a paid answer (R-SCP-1) and the
customer is told; recording a newer update clears the mark of the open tickets."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from opiekun.contracts import queries
from opiekun.contracts.models import Contract
from opiekun.tickets.models import Ticket


def ended_on(contract: Contract | None, day: dt.date) -> dt.date | None:
    """The day free support ended, when ``day`` is past it; None while eligible, and
    where the plan does not count it or no licence date is recorded (nothing to say)."""
    if contract is None or contract.plan.eligibility_months is None:
        return None
    until = queries.free_support_until(contract)
    if until is None or day < until:
        return None
    return until


def mark(ticket: Ticket) -> None:
    """Sets the mark on an unsaved ticket from its contract and arrival."""
    ticket.free_support_ended_on = ended_on(
        ticket.contract, timezone.localtime(ticket.received_at).date()
    )


def reread_open_tickets(contract: Contract) -> int:
    """After a licence date was recorded: an open ticket is in free support when the
    customer was eligible when it arrived or is now (a later update covers the question).
    Returns how many tickets changed."""
    now_ended = ended_on(contract, timezone.localdate())
    changed = 0
    for ticket in Ticket.objects.select_for_update().filter(contract=contract, is_open=True):
        at_arrival = ended_on(contract, timezone.localtime(ticket.received_at).date())
        wanted = at_arrival if (at_arrival and now_ended) else None
        if ticket.free_support_ended_on != wanted:
            ticket.free_support_ended_on = wanted
            ticket.save(update_fields=["free_support_ended_on", "updated_at"])
            changed += 1
    return changed
