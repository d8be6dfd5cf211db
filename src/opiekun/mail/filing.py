"""Putting a parsed e-mail on a ticket: a new ticket with its first message and the
automatic acknowledgement, or one more message on a ticket's thread, with the files."""

from __future__ import annotations

from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.catalog.models import Product
from opiekun.core import batch
from opiekun.customers.models import Contact, Organisation
from opiekun.mail import outbound, signals
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import InboundMessage, Part
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets import attachments
from opiekun.tickets.models import Message, Ticket

NO_TEXT = "(bez treści / no text)"


class IngestError(ValueError):
    """The message cannot be taken as it is; the reason is shown in the quarantine."""


def mail_fields(parsed: InboundMessage, *, reply: bool = False) -> dict[str, str]:
    fields = {
        "sender": (parsed.reply_to or parsed.sender)[:254],
        "subject": parsed.subject,
        "body_html": parsed.html,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "references": " ".join(parsed.references),
    }
    if reply and body(parsed, reply=True) != parsed.text:
        fields["body_full"] = parsed.text
    return fields


def body(parsed: InboundMessage, *, reply: bool) -> str:
    """A reply on a ticket's thread shows its new part (the quoted thread is on the
    ticket already; the whole text is kept in body_full). A new ticket's first message
    keeps everything: a forwarded thread there is the question itself (ADR 0019)."""
    text = (parsed.new_text or parsed.text) if reply else parsed.text
    return text or NO_TEXT


def attach(ticket: Ticket, message: Message, parts: tuple[Part, ...]) -> None:
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


def mailbox_product(mailbox: Mailbox) -> Product | None:
    products = batch.remember(
        ("mailbox_products", mailbox.pk), lambda: list(mailbox.products.all()[:2])
    )
    return products[0] if len(products) == 1 else None


def acknowledgement(ticket: Ticket, parsed: InboundMessage, question: Message) -> Message | None:
    """The automatic confirmation of a new e-mail ticket (unsaved), never to automatic
    mail and at most MAIL_AUTO_REPLY_LIMIT a day per recipient."""
    to = parsed.reply_to or parsed.sender
    if parsed.automatic or not outbound.automatic_mail_allowed(to):
        return None
    words = receipt_words(ticket, question)
    if words is None:
        return None  # the contact chose not to receive receipts
    subject, body = words
    outbound.count_automatic(to)
    fields = outbound.email_fields(ticket, auto_submitted=outbound.AUTO_REPLIED, answering=question)
    return Message(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        channel=Channel.EMAIL,
        delivery=Message.Delivery.PENDING,
        body_text=body,
        **{**fields, "recipient": to, "subject": subject[:300]},
    )


def receipt_words(ticket: Ticket, question: Message) -> tuple[str, str] | None:
    """The receipt template's words (mail/signals.py ``receipt_words``), else our own
    bilingual text; None when the contact switched receipts off."""
    contact = question.author_contact
    for _receiver, answer in signals.receipt_words.send(Ticket, ticket=ticket, contact=contact):
        if answer is False:
            return None
        if isinstance(answer, tuple):
            return answer
    due = ""
    if ticket.guaranteed and ticket.reaction_due_at:
        moment = timezone.localtime(ticket.reaction_due_at)
        due = f"Termin reakcji / reaction due: {moment:%Y-%m-%d %H:%M}\n"
    return (
        f"[{ticket.reference}] Przyjęto / Received: {ticket.subject}",
        f"Przyjęliśmy zgłoszenie {ticket.reference}: {ticket.subject}\n"
        f"We have received your request {ticket.reference}: {ticket.subject}\n\n{due}\n"
        "Odpowiadając, prosimy zachować znak zgłoszenia w temacie.\n"
        "When you reply, please keep the reference in the subject.\n",
    )


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
        product=mailbox_product(inbound.mailbox),
    )
    message = ticket_actions.customer_message(
        ticket,
        contact=contact,
        body=body(parsed, reply=False),
        channel=Channel.EMAIL,
        mail=mail_fields(parsed),
        automatic=bool(parsed.automatic),
    )
    attach(ticket, message, parsed.attachments)
    ack = acknowledgement(ticket, parsed, message)
    if ack is not None:
        ack.save()
        outbound.queue(ack)
    inbound.state, inbound.ticket, inbound.message = InboundMail.State.INGESTED, ticket, message


def add_to(
    ticket: Ticket, inbound: InboundMail, parsed: InboundMessage, contact: Contact | None
) -> None:
    if contact is not None and contact.organisation_id != ticket.organisation_id:
        contact = None  # someone copied in from elsewhere: recorded by address only
    message = ticket_actions.customer_message(
        ticket,
        contact=contact,
        body=body(parsed, reply=True),
        channel=Channel.EMAIL,
        mail=mail_fields(parsed, reply=True),
        automatic=bool(parsed.automatic),
    )
    attach(ticket, message, parsed.attachments)
    inbound.state, inbound.ticket, inbound.message = InboundMail.State.INGESTED, ticket, message
