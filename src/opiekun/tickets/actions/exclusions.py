"""Force majeure on a ticket (issue 21, item 2): a support manager notes it, with a
reason, and the late reaction of that ticket carries no contractual penalty. Who may is
decided by the caller's fetch (console and API: managers only)."""

from __future__ import annotations

from django.db import transaction

from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.staff.models import StaffMember
from opiekun.tickets.actions.base import IntakeError, locked
from opiekun.tickets.models import ForceMajeure, Ticket


def note_force_majeure(
    ticket: Ticket, *, reason: str, staff: StaffMember, actor: Actor = None
) -> ForceMajeure:
    """Notes force majeure on the ticket; noting it again replaces the reason."""
    reason = bounds.text("reason", reason.strip(), max_length=300, error=IntakeError)
    if not reason:
        raise IntakeError("reason: a note of force majeure needs its reason")
    with transaction.atomic():
        # The ticket's row is the lock: two managers noting at once leave one row.
        ticket = locked(ticket)
        note, created = ForceMajeure.objects.update_or_create(
            ticket=ticket, defaults={"reason": reason, "noted_by": staff}
        )
        audit.record(
            "ticket.force_majeure_noted",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            reason=reason,
            replaced=not created,
        )
    return note


def withdraw_force_majeure(ticket: Ticket, *, actor: Actor = None) -> bool:
    """Withdraws the note; False when there was none."""
    with transaction.atomic():
        ticket = locked(ticket)
        deleted, _ = ForceMajeure.objects.filter(ticket=ticket).delete()
        if deleted:
            audit.record(
                "ticket.force_majeure_withdrawn",
                ticket,
                actor=actor,
                organisation=ticket.organisation,
            )
    return bool(deleted)
