"""Changing how bad a ticket is: its deadlines follow (R-SLA-4: a critical outage has
its own clock), and a critical ticket is pinned on top of the queue where its vendor
puts critical outages first (ADR 4's reading of R-Q-1)."""

from __future__ import annotations

from django.db import transaction

from opiekun.catalog.choices import Severity
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.tickets.actions.base import IntakeError, locked
from opiekun.tickets.actions.clock import recompute_deadlines
from opiekun.tickets.models import Ticket
from opiekun.tickets.queue_pins import pins


def change_severity(ticket: Ticket, severity: str, *, actor: Actor = None) -> Ticket:
    if severity not in Severity.values:
        raise IntakeError(f"severity: {severity!r} is not one of {', '.join(Severity.values)}")
    with transaction.atomic():
        ticket = locked(ticket)
        before = ticket.severity
        if before == severity:
            return ticket
        ticket.severity = severity
        ticket.pinned = pins(ticket.contract, severity)
        ticket.save(update_fields=["severity", "pinned", "updated_at"])
        audit.record(
            "ticket.severity_changed",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            before=before,
            after=severity,
        )
        if ticket.is_open:
            ticket = recompute_deadlines(
                ticket, reason=f"severity {before} -> {severity}", actor=actor
            )
    return ticket


def repin_vendor_tickets(vendor_id: int, pin: bool) -> int:
    """The vendor's open tickets follow its "critical outages first" setting; called in
    the setting's transaction. Returns how many tickets changed."""
    tickets = Ticket.objects.filter(is_open=True, contract__plan__vendor_id=vendor_id)
    if pin:
        return tickets.filter(severity=Severity.CRITICAL, pinned=False).update(pinned=True)
    return tickets.filter(pinned=True).update(pinned=False)
