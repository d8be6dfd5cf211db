"""The search documents follow the tickets' signals (tickets/signals.py), inside the
action's transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from opiekun.search import index
from opiekun.tickets import signals
from opiekun.tickets.models import Message, Ticket


@receiver(signals.tickets_opened, dispatch_uid="search.tickets_opened")
def tickets_opened(sender: Any, *, tickets: list[Ticket], **kwargs: Any) -> None:
    index.opened(tickets)


@receiver(signals.customer_wrote, dispatch_uid="search.customer_wrote")
def customer_wrote(sender: Any, *, messages: list[Message], **kwargs: Any) -> None:
    index.refresh(m.ticket_id for m in messages)


@receiver(signals.note_added, dispatch_uid="search.note_added")
@receiver(signals.answered, dispatch_uid="search.answered")
def message_added(sender: Any, *, message: Message, **kwargs: Any) -> None:
    index.refresh([message.ticket_id])


@receiver(signals.ticket_changed, dispatch_uid="search.ticket_changed")
def ticket_changed(sender: Any, *, ticket_ids: list[int], **kwargs: Any) -> None:
    index.refresh(ticket_ids)
