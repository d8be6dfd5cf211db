"""Where one parsed e-mail goes: onto its ticket's thread, a new ticket, the triage list,
or nowhere (our own mail, a bounce of ours). Runs inside ``actions.process``'s
transaction; any exception here quarantines the message, nothing half-written stays.

The work is in modules by topic (``matching``, ``filing``, ``fax``, ``bounces``, and
``bulk`` for a chunk at once); their names are importable from here, as before."""

from __future__ import annotations

from django.conf import settings

from opiekun.mail import bounces, fax, outbound
from opiekun.mail.bulk import Chunk, route_many
from opiekun.mail.fax import new_fax_ticket
from opiekun.mail.filing import NO_TEXT, IngestError, add_to, new_ticket
from opiekun.mail.matching import (
    REFERENCE_IN_SUBJECT,
    contact_for,
    may_join,
    outsider_reason,
    thread_of,
    ticket_by_subject,
)
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import InboundMessage
from opiekun.tickets.models import Message

__all__ = [
    "NO_TEXT",
    "REFERENCE_IN_SUBJECT",
    "Chunk",
    "IngestError",
    "contact_for",
    "new_fax_ticket",
    "new_ticket",
    "route",
    "route_many",
    "thread_of",
    "ticket_by_subject",
]


def route(inbound: InboundMail, parsed: InboundMessage) -> None:
    """Sets ``inbound.state`` (and its ticket and message) by what the mail is."""
    inbound.sender = parsed.sender
    inbound.subject = parsed.subject
    inbound.automatic = parsed.automatic[:200]
    if inbound.size > settings.MAIL_MAX_MESSAGE_BYTES:
        bounces.too_large(inbound, parsed)
        return
    if parsed.sender in outbound.our_addresses() or (
        parsed.message_id and Message.objects.filter(message_id=parsed.message_id).exists()
    ):
        inbound.state = InboundMail.State.IGNORED
        inbound.reason = "our own mail, or mail already on a ticket"
        return
    if parsed.delivery_report is not None:
        bounces.delivery_report(inbound, parsed)
        return
    if inbound.mailbox.kind == Mailbox.Kind.FAX_GATEWAY:
        fax.from_gateway(inbound, parsed)
        return
    contact = contact_for(parsed.sender)
    threaded = thread_of(parsed)
    if threaded is not None and not may_join(threaded, contact, parsed.sender):
        inbound.state = InboundMail.State.TRIAGE
        inbound.reason = outsider_reason(threaded, parsed.sender)
        return
    ticket = threaded or ticket_by_subject(parsed, contact)
    if ticket is not None:
        add_to(ticket, inbound, parsed, contact)
    elif contact is not None:
        new_ticket(inbound, parsed, contact.organisation, contact)
    else:
        inbound.state = InboundMail.State.TRIAGE
        inbound.reason = f"unknown sender {parsed.sender or '(none)'}"
