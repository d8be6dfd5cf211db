"""Messages on a ticket: answers, internal notes and what the customer writes (R-CH-2)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Contact
from opiekun.staff.models import StaffMember
from opiekun.tickets import attachments, envelope, signals
from opiekun.tickets.actions.base import (
    ANSWER_CHANNELS,
    IntakeError,
    checked_text,
    locked,
    save_clock_change,
)
from opiekun.tickets.actions.clock import customer_replied
from opiekun.tickets.actions.status import reopen
from opiekun.tickets.models import Message, Ticket


def answer(
    ticket: Ticket,
    *,
    staff: StaffMember,
    body: str,
    channel: str | None = None,
    channel_reason: str = "",
    documentation_ref: str = "",
    files: Sequence[tuple[str, bytes]] = (),
    actor: Actor = None,
) -> Message:
    """The answer to the customer, by the channel the question came in (R-CH-2), or the
    one its HOT-01 form asks for (R-CH-5); another channel only with a reason. It may cite
    the documentation (R-CH-3). An e-mail or fax answer waits for the outbound sender; a
    portal or phone answer is delivered as given.
    ``files`` (name, bytes) are stored on the message in the same transaction: a refused
    file leaves no answer behind."""
    if not body.strip():
        raise IntakeError("body: the answer is empty")
    checked_text("body", body)
    checked_text("channel_reason", channel_reason, Message)
    checked_text("documentation_ref", documentation_ref.strip(), Message)
    # R-CH-5: a HOT-01 form names the way the answer (and the confirmation) goes back.
    usual = ticket.return_channel or ANSWER_CHANNELS[Channel(ticket.channel)]
    channel = channel or usual
    if channel not in Channel.values:
        raise IntakeError(f"channel: {channel!r} is not one of {', '.join(Channel.values)}")
    if channel != usual and not channel_reason.strip():
        raise IntakeError(
            f"channel_reason: the question came by {ticket.get_channel_display()}; "
            "say why the answer goes another way"
        )
    now = timezone.now()
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.status in (Ticket.Status.CLOSED,):
            raise IntakeError("status: a closed ticket is reopened before it is answered")
        mail: dict[str, str] = {}
        if channel == Channel.EMAIL:
            mail = envelope.email_fields(ticket)
            if not mail["recipient"]:
                raise IntakeError("channel: no e-mail address to answer to; answer another way")
        message = Message.objects.create(
            ticket=ticket,
            direction=Message.Direction.OUTBOUND,
            channel=channel,
            channel_reason=channel_reason.strip(),
            author_staff=staff,
            body_text=body.strip(),
            documentation_ref=documentation_ref.strip(),
            delivery=(
                Message.Delivery.PENDING
                if channel in (Channel.EMAIL, Channel.FAX)
                else Message.Delivery.SENT
            ),
            sent_at=None if channel in (Channel.EMAIL, Channel.FAX) else now,
            **mail,
        )
        _attach(ticket, message, files, actor)
        if channel == Channel.EMAIL:
            signals.email_ready.send(sender=Message, message=message)
        if ticket.reacted_at is None:
            ticket.reacted_at = now  # an answer is a reaction too (R-SLA-1)
            if ticket.guaranteed and ticket.reaction_due_at and now > ticket.reaction_due_at:
                ticket.reaction_breached = True
        ticket.answered_at = ticket.answered_at or now
        if ticket.status in (Ticket.Status.NEW, Ticket.Status.ACKNOWLEDGED, Ticket.Status.REOPENED):
            ticket.status = Ticket.Status.IN_PROGRESS
        save_clock_change(
            ticket,
            "ticket.answered",
            actor,
            message=message.pk,
            channel=channel,
            documentation_ref=message.documentation_ref,
        )
        signals.answered.send(Message, message=message, actor=actor)
    return message


def add_note(
    ticket: Ticket,
    *,
    staff: StaffMember,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    actor: Actor = None,
) -> Message:
    """An internal note: never shown to the customer, nor are its files."""
    if not body.strip():
        raise IntakeError("body: the note is empty")
    checked_text("body", body)
    with transaction.atomic():
        ticket = locked(ticket)
        message = Message.objects.create(
            ticket=ticket,
            direction=Message.Direction.NOTE,
            channel=ticket.channel,
            author_staff=staff,
            body_text=body.strip(),
        )
        _attach(ticket, message, files, actor)
        audit.record(
            "ticket.note_added",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            message=message.pk,
        )
        signals.note_added.send(Message, message=message, actor=actor)
    return message


# At most this many files on one answer or note: each is capped in size by attachments.store.
MAX_FILES = 10


def _attach(
    ticket: Ticket, message: Message, files: Sequence[tuple[str, bytes]], actor: Actor
) -> None:
    if len(files) > MAX_FILES:
        raise attachments.AttachmentError(f"file: at most {MAX_FILES} files at once")
    for name, content in files:
        attachments.store(ticket, name, content, message=message, actor=actor)


def customer_message(
    ticket: Ticket,
    *,
    contact: Contact | None,
    body: str,
    channel: str,
    mail: dict[str, str] | None = None,
    automatic: bool = False,
    files: Sequence[tuple[str, bytes]] = (),
    actor: Actor = None,
) -> Message:
    """The customer writes on the ticket; a ticket waiting for them restarts its clock,
    a resolved or closed one reopens. ``mail`` carries an e-mail's sender, subject,
    headers and sanitised HTML. Automatic mail (an out-of-office reply) is kept on the
    thread but changes nothing. ``files`` (name, bytes), e.g. a portal reply's, are
    stored on the message in the same transaction: a refused file leaves no message."""
    mail = dict(mail or {})
    if not body.strip() and not mail.get("body_html") and not files:
        raise IntakeError("body: the message is empty")
    checked_text("body", body)
    if contact is not None and contact.organisation_id != ticket.organisation_id:
        raise IntakeError("contact: belongs to another organisation")
    with transaction.atomic():
        # Locked before the message is stored: the state it changes is the state it read,
        # so a reply racing another reply is stored, never refused (issue 13).
        ticket = locked(ticket)
        message = _inbound(ticket, contact, body, channel, mail)
        message.save()
        _attach(ticket, message, files, actor)
        audit.record(
            "ticket.customer_wrote",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            message=message.pk,
            automatic=automatic,
        )
        if automatic:
            return message
        signals.customer_wrote.send(Message, messages=[message], actor=actor)
        if ticket.paused_since is not None:
            customer_replied(ticket, actor=actor)
        elif ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
            reopen(ticket, actor=actor)
    return message


MAIL_FIELDS = (
    "sender",
    "subject",
    "body_html",
    "body_full",
    "message_id",
    "in_reply_to",
    "references",
)


def _inbound(
    ticket: Ticket, contact: Contact | None, body: str, channel: str, mail: dict[str, str]
) -> Message:
    """An unsaved message from the customer; ``mail`` holds an e-mail's MAIL_FIELDS."""
    unknown = set(mail) - set(MAIL_FIELDS)
    if unknown:
        raise IntakeError(f"mail: unknown field(s) {sorted(unknown)}")
    return Message(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        channel=channel,
        author_contact=contact,
        body_text=body.strip(),
        sender=mail.get("sender", ""),
        subject=mail.get("subject", "")[:300],
        body_html=mail.get("body_html", ""),
        body_full=mail.get("body_full", ""),
        message_id=mail.get("message_id") or None,
        in_reply_to=mail.get("in_reply_to", ""),
        references=mail.get("references", ""),
    )


def inbound_messages(
    items: list[tuple[Ticket, Contact | None, str, dict[str, str], bool]], *, actor: Actor = None
) -> list[Message]:
    """E-mail that changes nothing on its ticket, in one statement: the question of a
    new ticket, a reply on an open ticket that is not waiting for the customer, or an
    automatic reply. Each item: ticket, contact, text, mail fields, automatic."""
    messages = [
        _inbound(ticket, contact, body, Channel.EMAIL, mail)
        for ticket, contact, body, mail, _ in items
    ]
    Message.objects.bulk_create(messages)
    events = []
    for m, (*_, automatic) in zip(messages, items, strict=True):
        event = audit.event(
            "ticket.customer_wrote", m.ticket, actor=actor, message=m.pk, automatic=automatic
        )
        event.organisation_id = m.ticket.organisation_id  # no query per replied-to ticket
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    told = [m for m, (*_, automatic) in zip(messages, items, strict=True) if not automatic]
    if told:
        signals.customer_wrote.send(Message, messages=told, actor=actor)
    return messages
