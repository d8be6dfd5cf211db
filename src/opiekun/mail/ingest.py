"""Where one parsed e-mail goes: onto its ticket's thread, a new ticket, the triage list,
or nowhere (our own mail, a bounce of ours). Runs inside ``actions.process``'s
transaction; any exception here quarantines the message, nothing half-written stays."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.catalog.models import Product
from opiekun.core import audit, batch
from opiekun.customers.models import Contact, ContactEmail, ContactPhone, Organisation
from opiekun.mail import outbound
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import InboundMessage, Part
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets import attachments
from opiekun.tickets.models import Message, Ticket

REFERENCE_IN_SUBJECT = re.compile(r"\b([A-Z]{2,10}/\d{4}/\d{5})\b")
_SCAN_TYPES = ("application/pdf", "image/tiff", "image/png", "image/jpeg", "image/gif")
NO_TEXT = "(bez treści / no text)"


class IngestError(ValueError):
    """The message cannot be taken as it is; the reason is shown in the quarantine."""


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


def _mail_fields(parsed: InboundMessage) -> dict[str, str]:
    return {
        "sender": (parsed.reply_to or parsed.sender)[:254],
        "subject": parsed.subject,
        "body_html": parsed.html,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "references": " ".join(parsed.references),
    }


def _attach(ticket: Ticket, message: Message, parts: tuple[Part, ...]) -> None:
    """Attachments over the size cap are not kept; the message says so."""
    skipped = []
    for part in parts:
        try:
            attachments.store(
                ticket, part.filename, part.content, message=message, inline=part.inline
            )
        except attachments.AttachmentError as exc:
            skipped.append(f"{part.filename}: {exc}")
    if skipped:
        message.body_text += "\n\n" + "\n".join(
            f"[Załącznik nie został zapisany / attachment not kept: {line}]" for line in skipped
        )
        message.save(update_fields=["body_text", "updated_at"])


def _product(mailbox: Mailbox) -> Product | None:
    products = batch.remember(
        ("mailbox_products", mailbox.pk), lambda: list(mailbox.products.all()[:2])
    )
    return products[0] if len(products) == 1 else None


def _acknowledgement(ticket: Ticket, parsed: InboundMessage, question: Message) -> Message | None:
    """The automatic confirmation of a new e-mail ticket (unsaved), never to automatic
    mail and at most MAIL_AUTO_REPLY_LIMIT a day per recipient."""
    to = parsed.reply_to or parsed.sender
    if parsed.automatic or not outbound.automatic_mail_allowed(to):
        return None
    outbound.count_automatic(to)
    fields = outbound.email_fields(ticket, auto_submitted=outbound.AUTO_REPLIED, answering=question)
    due = ""
    if ticket.guaranteed and ticket.reaction_due_at:
        moment = timezone.localtime(ticket.reaction_due_at)
        due = f"Termin reakcji / reaction due: {moment:%Y-%m-%d %H:%M}\n"
    return Message(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        channel=Channel.EMAIL,
        delivery=Message.Delivery.PENDING,
        body_text=(
            f"Przyjęliśmy zgłoszenie {ticket.reference}: {ticket.subject}\n"
            f"We have received your request {ticket.reference}: {ticket.subject}\n\n{due}\n"
            "Odpowiadając, prosimy zachować znak zgłoszenia w temacie.\n"
            "When you reply, please keep the reference in the subject.\n"
        ),
        **{
            **fields,
            "recipient": to,
            "subject": f"[{ticket.reference}] Przyjęto / Received: {ticket.subject}"[:300],
        },
    )


def _fax_number(parsed: InboundMessage) -> str | None:
    candidates = [*parsed.headers.values(), parsed.subject, parsed.sender.split("@", 1)[0]]
    for text in candidates:
        for match in phonenumbers.PhoneNumberMatcher(text, "PL"):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _fax(inbound: InboundMail, parsed: InboundMessage) -> None:
    number = _fax_number(parsed)
    phones = ContactPhone.objects.filter(number=number, contact__is_active=True)
    phone = phones.filter(kind=ContactPhone.Kind.FAX).first() or phones.first() if number else None
    if phone is None:
        inbound.state = InboundMail.State.TRIAGE
        inbound.reason = f"fax from an unknown number {number or '(none found)'}"
        return
    new_fax_ticket(inbound, parsed, phone.contact.organisation, phone.contact, number or "")


def new_fax_ticket(
    inbound: InboundMail,
    parsed: InboundMessage,
    organisation: Organisation,
    contact: Contact | None,
    number: str,
) -> None:
    scans = [p for p in parsed.attachments if p.content_type in _SCAN_TYPES]
    if not scans:
        raise IngestError("fax: the gateway's mail carries no scan (PDF, TIFF or image)")
    ticket = ticket_actions.open_fax_ticket(
        organisation,
        subject=parsed.subject or f"Faks z {number}",
        scan_name=scans[0].filename,
        scan=scans[0].content,
        received_at=min(inbound.received_at, timezone.now()),
        contact=contact,
    )
    inbound.state, inbound.ticket = InboundMail.State.INGESTED, ticket


def new_ticket(
    inbound: InboundMail,
    parsed: InboundMessage,
    organisation: Organisation,
    contact: Contact | None,
) -> None:
    ticket = ticket_actions.open_ticket(
        organisation,
        channel=Channel.EMAIL,
        subject=parsed.subject.strip() or "(bez tematu / no subject)",
        description=parsed.text,
        contact=contact,
        received_at=min(inbound.received_at, timezone.now()),
        product=_product(inbound.mailbox),
    )
    message = ticket_actions.customer_message(
        ticket,
        contact=contact,
        body=parsed.text or NO_TEXT,
        channel=Channel.EMAIL,
        mail=_mail_fields(parsed),
        automatic=bool(parsed.automatic),
    )
    _attach(ticket, message, parsed.attachments)
    ack = _acknowledgement(ticket, parsed, message)
    if ack is not None:
        ack.save()
        outbound.queue(ack)
    inbound.state, inbound.ticket, inbound.message = InboundMail.State.INGESTED, ticket, message


def _add_to(
    ticket: Ticket, inbound: InboundMail, parsed: InboundMessage, contact: Contact | None
) -> None:
    if contact is not None and contact.organisation_id != ticket.organisation_id:
        contact = None  # someone copied in from elsewhere: recorded by address only
    message = ticket_actions.customer_message(
        ticket,
        contact=contact,
        body=parsed.text or NO_TEXT,
        channel=Channel.EMAIL,
        mail=_mail_fields(parsed),
        automatic=bool(parsed.automatic),
    )
    _attach(ticket, message, parsed.attachments)
    inbound.state, inbound.ticket, inbound.message = InboundMail.State.INGESTED, ticket, message


def _report(inbound: InboundMail, parsed: InboundMessage) -> None:
    """A bounce of our mail: the message it bounces is marked failed on its ticket."""
    report = parsed.delivery_report
    if report is None:
        raise IngestError("report: not a delivery report")
    ours = (
        Message.objects.filter(
            message_id=report.original_message_id, direction=Message.Direction.OUTBOUND
        )
        .select_related("ticket__organisation")
        .first()
        if report.original_message_id
        else None
    )
    inbound.state = InboundMail.State.IGNORED
    if ours is None:
        inbound.reason = "a delivery report about mail that is not ours"
        return
    error = f"bounced: {report.recipient} {report.diagnostic}".strip()
    Message.objects.filter(pk=ours.pk).update(
        delivery=Message.Delivery.FAILED, delivery_error=error[:500]
    )
    audit.record(
        "ticket.mail_bounced",
        ours.ticket,
        organisation=ours.ticket.organisation,
        message=ours.pk,
        error=error,
    )
    inbound.ticket = ours.ticket
    inbound.reason = f"delivery report: {error}"[:500]


def _too_large(inbound: InboundMail, parsed: InboundMessage) -> None:
    from opiekun.mail import tasks  # tasks -> poll -> actions -> here: import when needed

    limit = settings.MAIL_MAX_MESSAGE_BYTES
    inbound.state = InboundMail.State.TOO_LARGE
    inbound.reason = f"{inbound.size} bytes is over the limit of {limit} bytes"
    # The bounce goes to the sender (send_bounce writes to inbound.sender), counted too.
    if parsed.automatic or not outbound.automatic_mail_allowed(parsed.sender):
        inbound.reason += "; not bounced (automatic mail or the daily limit)"
        return
    outbound.count_automatic(parsed.sender)
    inbound.reason += f"; bounced to {parsed.sender}"
    pk = inbound.pk
    transaction.on_commit(lambda: tasks.send_bounce.delay(pk))


def route(inbound: InboundMail, parsed: InboundMessage) -> None:
    """Sets ``inbound.state`` (and its ticket and message) by what the mail is."""
    inbound.sender = parsed.sender
    inbound.subject = parsed.subject
    inbound.automatic = parsed.automatic[:200]
    if inbound.size > settings.MAIL_MAX_MESSAGE_BYTES:
        _too_large(inbound, parsed)
        return
    if parsed.sender in outbound.our_addresses() or (
        parsed.message_id and Message.objects.filter(message_id=parsed.message_id).exists()
    ):
        inbound.state = InboundMail.State.IGNORED
        inbound.reason = "our own mail, or mail already on a ticket"
        return
    if parsed.delivery_report is not None:
        _report(inbound, parsed)
        return
    if inbound.mailbox.kind == Mailbox.Kind.FAX_GATEWAY:
        _fax(inbound, parsed)
        return
    contact = contact_for(parsed.sender)
    ticket = thread_of(parsed) or ticket_by_subject(parsed, contact)
    if ticket is not None:
        _add_to(ticket, inbound, parsed, contact)
    elif contact is not None:
        new_ticket(inbound, parsed, contact.organisation, contact)
    else:
        inbound.state = InboundMail.State.TRIAGE
        inbound.reason = f"unknown sender {parsed.sender or '(none)'}"


@dataclass
class Chunk:
    """A chunk of mail sorted by what becomes of it."""

    opening: list[tuple[InboundMail, InboundMessage, Contact]] = field(default_factory=list)
    replies: list[tuple[InboundMail, InboundMessage, Ticket, Contact | None]] = field(
        default_factory=list
    )
    triage: list[tuple[InboundMail, InboundMessage]] = field(default_factory=list)
    rest: list[InboundMail] = field(default_factory=list)


def _sort(items: list[tuple[InboundMail, InboundMessage]]) -> Chunk:
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
        if ticket is not None:
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
            chunk.triage.append((row, parsed))
    return chunk


def route_many(items: list[tuple[InboundMail, InboundMessage]]) -> list[InboundMail]:
    """Routes what it can of a chunk with a few statements for all of it; returns the
    rows left for ``route``. The caller holds the transaction."""
    chunk = _sort(items)
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
                product=_product(row.mailbox),
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
            (ticket, contact, parsed.text or NO_TEXT, _mail_fields(parsed), bool(parsed.automatic))
            for ticket, _, parsed, contact in on_tickets
        ]
    )
    acks = []
    for (ticket, row, parsed, _), message in zip(on_tickets, messages, strict=True):
        if parsed.attachments:
            _attach(ticket, message, parsed.attachments)
        row.state, row.ticket, row.message = InboundMail.State.INGESTED, ticket, message
    for ticket, message, (_, parsed, _) in zip(tickets, messages, opening, strict=False):
        ack = _acknowledgement(ticket, parsed, message)
        if ack is not None:
            acks.append(ack)
    Message.objects.bulk_create(acks)
    outbound.queue_many(acks)
    for row, parsed in chunk.triage:
        row.state = InboundMail.State.TRIAGE
        row.reason = f"unknown sender {parsed.sender or '(none)'}"
    for row, parsed in items:
        if row not in chunk.rest:
            row.sender, row.subject = parsed.sender, parsed.subject
            row.automatic, row.processed_at = parsed.automatic[:200], now
    return chunk.rest
