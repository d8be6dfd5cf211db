"""The e-mail envelope of an outbound message on a ticket: who it goes to, its subject
and the thread it continues. Stored on the message when it is written (tickets.actions);
the mail app sends it (mail.outbound), after commit, through the ``email_ready`` hook."""

from __future__ import annotations

import secrets

from django.conf import settings

from opiekun.tickets.models import Message, Ticket

AUTO_REPLIED = "auto-replied"
AUTO_GENERATED = "auto-generated"


def new_message_id() -> str:
    """A Message-ID no other message has: 128 random bits from the OS. (email.utils'
    make_msgid draws from the ``random`` module, which a seeded test run replays, and
    the column is unique.)"""
    return f"<{secrets.token_hex(16)}@{settings.MAIL_DOMAIN}>"


def reply_address(ticket: Ticket) -> str:
    """Where an e-mail answer goes: the form's return address, else whoever wrote last,
    else the contact's primary address."""
    if ticket.return_channel == Ticket.ReturnChannel.EMAIL and ticket.return_address:
        return ticket.return_address.strip().lower()
    last = (
        ticket.messages.filter(direction=Message.Direction.INBOUND)
        .exclude(sender="")
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None:
        return last.sender
    return ticket.contact.primary_email.lower() if ticket.contact else ""


def email_fields(
    ticket: Ticket,
    *,
    auto_submitted: str = "",
    answering: Message | None = None,
) -> dict[str, str]:
    """The mail fields of a new outbound message on ``ticket``: recipient, subject and
    the thread headers; ``answering`` is the customer's mail, when the caller has it."""
    if answering is not None:
        references = [*answering.references.split(), answering.message_id or ""][-20:]
        return {
            "recipient": answering.sender,
            "subject": f"Re: [{ticket.reference}] {ticket.subject}"[:300],
            "message_id": new_message_id(),
            "in_reply_to": answering.message_id or "",
            "references": " ".join(r for r in references if r),
            "auto_submitted": auto_submitted,
        }
    # We answer the customer's latest mail; failing that, continue our own thread.
    with_id = ticket.messages.exclude(message_id=None).order_by("-created_at", "-id")
    last = (
        with_id.filter(direction=Message.Direction.INBOUND).first()
        or with_id.filter(direction=Message.Direction.OUTBOUND).first()
    )
    references = []
    if last is not None and last.message_id:
        references = [*last.references.split(), last.message_id][-20:]
    return {
        "recipient": reply_address(ticket),
        "subject": f"Re: [{ticket.reference}] {ticket.subject}"[:300],
        "message_id": new_message_id(),
        "in_reply_to": last.message_id if last is not None and last.message_id else "",
        "references": " ".join(references),
        "auto_submitted": auto_submitted,
    }
