"""Routing a chunk of mail with a few statements for all of it: new tickets of known
contacts, replies that change nothing on an open ticket, triage. What needs more goes
one by one through ``ingest.route``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.customers.models import Contact
from opiekun.mail import outbound
from opiekun.mail.filing import acknowledgement, attach, body, mail_fields, mailbox_product
from opiekun.mail.matching import REFERENCE_IN_SUBJECT, contact_for, may_join, outsider_reason
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import InboundMessage
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket


@dataclass
class Chunk:
    """A chunk of mail sorted by what becomes of it."""

    opening: list[tuple[InboundMail, InboundMessage, Contact]] = field(default_factory=list)
    replies: list[tuple[InboundMail, InboundMessage, Ticket, Contact | None]] = field(
        default_factory=list
    )
    triage: list[tuple[InboundMail, InboundMessage, str]] = field(default_factory=list)
    rest: list[InboundMail] = field(default_factory=list)


def sort_chunk(items: list[tuple[InboundMail, InboundMessage]]) -> Chunk:
    """What can be done in bulk: new tickets of known contacts, replies that change
    nothing on an open ticket, triage. The rest goes one by one through ``route``:
    bounces, our own mail, oversize, the fax gateway, replies that restart a clock or
    reopen a ticket, subject signs, and replies to another message of the same chunk."""
    ids = {p.message_id for _, p in items if p.message_id}
    wanted = ids | {t for _, p in items for t in p.thread_ids}
    threads = {
        m.message_id: m.ticket
        for m in Message.objects.filter(message_id__in=wanted).select_related("ticket")
    }
    chunk = Chunk()
    for row, parsed in items:
        if (
            row.size > settings.MAIL_MAX_MESSAGE_BYTES
            or row.mailbox.kind != Mailbox.Kind.SUPPORT
            or parsed.sender in outbound.our_addresses()
            or parsed.delivery_report is not None
            or parsed.message_id in threads
            or any(t in ids for t in parsed.thread_ids)
        ):
            chunk.rest.append(row)
            continue
        contact = contact_for(parsed.sender)
        ticket = next((threads[t] for t in parsed.thread_ids if t in threads), None)
        if ticket is not None and not may_join(ticket, contact, parsed.sender):
            chunk.triage.append((row, parsed, outsider_reason(ticket, parsed.sender)))
        elif ticket is not None:
            quiet = ticket.paused_since is None and ticket.status not in (
                Ticket.Status.RESOLVED,
                Ticket.Status.CLOSED,
            )
            if quiet or parsed.automatic:
                if contact is not None and contact.organisation_id != ticket.organisation_id:
                    contact = None
                chunk.replies.append((row, parsed, ticket, contact))
            else:
                chunk.rest.append(row)
        elif REFERENCE_IN_SUBJECT.search(parsed.subject):
            chunk.rest.append(row)
        elif contact is not None:
            chunk.opening.append((row, parsed, contact))
        else:
            chunk.triage.append((row, parsed, f"unknown sender {parsed.sender or '(none)'}"))
    return chunk


def route_many(items: list[tuple[InboundMail, InboundMessage]]) -> list[InboundMail]:
    """Routes what it can of a chunk with a few statements for all of it; returns the
    rows left for ``route``. The caller holds the transaction."""
    chunk = sort_chunk(items)
    now = timezone.now()
    opening = chunk.opening
    tickets = ticket_actions.open_tickets(
        [
            ticket_actions.TicketSpec(
                contact.organisation,
                Channel.EMAIL,
                parsed.subject.strip() or "(bez tematu / no subject)",
                parsed.text,
                contact,
                received_at=min(row.received_at, now),
                product=mailbox_product(row.mailbox),
            )
            for row, parsed, contact in opening
        ]
    )
    on_tickets: list[tuple[Ticket, InboundMail, InboundMessage, Contact | None]] = [
        (t, row, parsed, c) for t, (row, parsed, c) in zip(tickets, opening, strict=True)
    ]
    on_tickets += [(t, row, parsed, c) for row, parsed, t, c in chunk.replies]
    messages = ticket_actions.inbound_messages(
        [
            (
                ticket,
                contact,
                body(parsed, reply=index >= len(opening)),
                mail_fields(parsed, reply=index >= len(opening)),
                bool(parsed.automatic),
            )
            for index, (ticket, _, parsed, contact) in enumerate(on_tickets)
        ]
    )
    acks = []
    for (ticket, row, parsed, _), message in zip(on_tickets, messages, strict=True):
        if parsed.attachments:
            attach(ticket, message, parsed.attachments)
        row.state, row.ticket, row.message = InboundMail.State.INGESTED, ticket, message
    for ticket, message, (_, parsed, _) in zip(tickets, messages, opening, strict=False):
        ack = acknowledgement(ticket, parsed, message)
        if ack is not None:
            acks.append(ack)
    Message.objects.bulk_create(acks)
    outbound.queue_many(acks)
    for row, _parsed, reason in chunk.triage:
        row.state, row.reason = InboundMail.State.TRIAGE, reason
    for row, parsed in items:
        if row not in chunk.rest:
            row.sender, row.subject = parsed.sender, parsed.subject
            row.automatic, row.processed_at = parsed.automatic[:200], now
    return chunk.rest
