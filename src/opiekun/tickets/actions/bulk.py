"""One change for many tickets at once (the queue's bulk actions): each ticket through the
single-ticket action, all in one transaction, so either every ticket changed or none."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from opiekun.tickets.actions.base import IntakeError
from opiekun.tickets.models import Ticket

MAX_BULK = 200  # tickets in one request: one page of the queue, and then some


class BulkRefused(IntakeError):
    """One ticket refused the change; nothing was changed. ``ticket`` names it."""

    def __init__(self, ticket: Ticket, why: str) -> None:
        super().__init__(
            _("%(reference)s refused: %(why)s; no ticket was changed")
            % {"reference": ticket.reference, "why": why}
        )
        self.ticket = ticket


def for_each(tickets: Sequence[Ticket], change: Callable[[Ticket], object]) -> int:
    """Applies ``change`` (a single-ticket action, with its own audit event) to every
    ticket; the first refusal rolls all of them back and names the ticket."""
    if not tickets:
        raise IntakeError("tickets: " + _("choose at least one ticket"))
    if len(tickets) > MAX_BULK:
        raise IntakeError("tickets: " + _("at most %(limit)s tickets") % {"limit": MAX_BULK})
    with transaction.atomic():
        for ticket in tickets:
            try:
                change(ticket)
            except ValueError as error:
                raise BulkRefused(ticket, str(error)) from error
    return len(tickets)
