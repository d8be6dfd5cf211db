"""Whose a parsed e-mail is and which ticket it belongs to: the sender's contact, the
thread it answers, the reference sign in its subject."""

from __future__ import annotations

import re

from django.db.models import Q
from django.db.models.functions import Lower

from opiekun.core import batch
from opiekun.customers.models import Contact, ContactEmail
from opiekun.mail.parse import InboundMessage
from opiekun.tickets.models import Message, Ticket

REFERENCE_IN_SUBJECT = re.compile(r"\b([A-Z]{2,10}/\d{4}/\d{5})\b")


def contact_for(address: str) -> Contact | None:
    if not address:
        return None
    return batch.remember(("contact_for", address.lower()), lambda: _contact_for(address))


def _contact_for(address: str) -> Contact | None:
    found = (
        ContactEmail.objects.annotate(lower=Lower("address"))
        .filter(lower=address.lower(), contact__is_active=True)
        .select_related("contact__organisation")
        .first()
    )
    return found.contact if found else None


def thread_of(parsed: InboundMessage) -> Ticket | None:
    """The ticket this mail answers, by In-Reply-To and References."""
    ids = parsed.thread_ids
    if not ids:
        return None
    messages = {
        m.message_id: m for m in Message.objects.filter(message_id__in=ids).select_related("ticket")
    }
    for message_id in ids:  # nearest first
        if message_id in messages:
            return messages[message_id].ticket
    return None


def ticket_by_subject(parsed: InboundMessage, contact: Contact | None) -> Ticket | None:
    """The ticket whose reference sign is in the subject, for its own organisation's
    people only: a sign is easy to guess, a Message-ID is not."""
    match = REFERENCE_IN_SUBJECT.search(parsed.subject)
    if match is None or contact is None:
        return None
    return Ticket.objects.filter(
        reference=match.group(1), organisation_id=contact.organisation_id
    ).first()


def may_join(ticket: Ticket, contact: Contact | None, sender: str) -> bool:
    """Whether mail answering ``ticket``'s thread may join it: its organisation's people
    and the ticket's participants (an address that wrote to it or was written to on it)
    may; anyone else, who may have got hold of an answer's Message-ID (a forwarded
    answer, a guessed thread of another customer), goes to triage instead."""
    if contact is not None and contact.organisation_id == ticket.organisation_id:
        return True
    address = sender.strip()
    if not address:
        return False
    return (
        Message.objects.filter(ticket=ticket)
        .filter(Q(sender__iexact=address) | Q(recipient__iexact=address))
        .exists()
    )


def outsider_reason(ticket: Ticket, sender: str) -> str:
    """Why mail that may not join ``ticket`` went to triage (``may_join``)."""
    return (
        f"answers ticket {ticket.reference} of another organisation; "
        f"{sender or '(no sender)'} is not one of its participants"
    )[:500]
