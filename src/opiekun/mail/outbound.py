"""Mail the desk sends: answers and acknowledgements from a ticket's thread.

Every message gets its Message-ID on our domain when it is written, with In-Reply-To
and References from the thread, so the customer's mail client threads it and the
answer to it comes back to the same ticket. It leaves through a Celery task after the
transaction that wrote it commits; the task retries with backoff and a failure is
written on the message, never lost. The tasks call this module, so it does not import
them: ``queue`` fires a hook that receivers.py answers by enqueueing the task."""

from __future__ import annotations

import datetime as dt
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Left
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.core import batch
from opiekun.mail import signals
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.tickets.envelope import (  # noqa: F401  (the mail app's names for them)
    AUTO_GENERATED,
    AUTO_REPLIED,
    email_fields,
    new_message_id,
    reply_address,
)
from opiekun.tickets.models import Message, Ticket
from opiekun.tickets.signals import email_ready


def our_addresses() -> frozenset[str]:
    return batch.remember(
        "mailbox_addresses",
        lambda: frozenset(a.lower() for a in Mailbox.objects.values_list("address", flat=True)),
    )


def queue(message: Message) -> None:
    """Sends ``message`` once the current transaction commits."""
    email_ready.send(sender=Message, message=message)


def queue_many(messages: list[Message]) -> None:
    """Sends ``messages`` once the current transaction commits: one task for them all,
    which hands a message that fails to ``send_message`` and its retries."""
    signals.emails_ready.send(sender=Message, messages=messages)


def queue_bounce(inbound: InboundMail) -> None:
    """Tells the sender of ``inbound``, once the current transaction commits, that it
    was over the size limit."""
    signals.bounce_due.send(sender=InboundMail, inbound=inbound)


def automatic_mail_allowed(recipient: str, now: dt.datetime | None = None) -> bool:
    """At most MAIL_AUTO_REPLY_LIMIT automatic mails per recipient in 24 hours, and
    never to a mailbox of our own or to a mail system."""
    recipient = recipient.strip().lower()
    if not recipient or recipient.startswith(("mailer-daemon@", "postmaster@")):
        return False
    if recipient in our_addresses():
        return False
    return _automatic_sent(recipient, now)[0] < settings.MAIL_AUTO_REPLY_LIMIT


def _automatic_sent(recipient: str, now: dt.datetime | None = None) -> list[int]:
    """Automatic mail to ``recipient`` in the last 24 hours, counted once per batch and
    then kept up to date by ``count_automatic`` (a one-item list, to be incremented)."""

    def count() -> list[int]:
        since = (now or timezone.now()) - dt.timedelta(days=1)
        sent = (
            Message.objects.filter(recipient=recipient, created_at__gte=since)
            .exclude(auto_submitted="")
            .count()
        )
        bounced = InboundMail.objects.filter(
            sender=recipient, state=InboundMail.State.TOO_LARGE, fetched_at__gte=since
        ).count()
        return [sent + bounced]

    return batch.remember(("automatic_sent", recipient), count)


def count_automatic(recipient: str) -> None:
    _automatic_sent(recipient.strip().lower())[0] += 1


def sender_address(ticket: Ticket) -> str:
    """Answers leave from the mailbox the ticket's mail came to, else from the mailbox
    of its product or plan, else from DEFAULT_FROM_EMAIL."""
    came_to = (
        InboundMail.objects.filter(ticket=ticket).select_related("mailbox").order_by("pk").first()
    )
    if came_to is not None:
        return came_to.mailbox.address
    boxes = Mailbox.objects.filter(is_active=True, kind=Mailbox.Kind.SUPPORT)
    if ticket.product_id:
        by_product = boxes.filter(products=ticket.product_id).first()
        if by_product:
            return by_product.address
    if ticket.contract is not None:
        by_plan = boxes.filter(plans=ticket.contract.plan_id).first()
        if by_plan:
            return by_plan.address
    return str(settings.DEFAULT_FROM_EMAIL)


def build(message: Message) -> EmailMessage:
    ticket = message.ticket
    body = message.body_text
    if message.documentation_ref:
        body += f"\n\nDokumentacja / Documentation: {message.documentation_ref}"
    headers = {"Message-ID": message.message_id or new_message_id()}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    if message.auto_submitted:
        headers["Auto-Submitted"] = message.auto_submitted
        # Exchange and others: do not send us out-of-office replies to this.
        headers["X-Auto-Response-Suppress"] = "All"
    headers["X-Opiekun-Ticket"] = ticket.reference
    email = EmailMessage(
        subject=message.subject or f"[{ticket.reference}] {ticket.subject}",
        body=body,
        from_email=sender_address(ticket),
        to=[message.recipient],
        headers=headers,
    )
    # The files the agent attached to the answer go with it, typed as stored (sniffed).
    for attachment in message.attachments.order_by("pk"):
        with attachment.file.open("rb") as content:
            email.attach(attachment.filename, content.read(), attachment.content_type)
    return email


# SMTP answers that will not change by trying again: the address is refused.
PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


class InvalidAddress(ValueError):
    """The message cannot be written as an e-mail (Django refuses the address before any
    server is asked); trying again will not help, so it fails at once, alone."""


def send(message_pk: int) -> bool:
    """Sends one pending message; True when it left. Marking it sent is a conditional
    update, so a message is never marked twice; a crash between the SMTP answer and
    the mark sends it again (the Message-ID lets the receiver drop the copy)."""
    message = (
        Message.objects.select_related("ticket__contract", "ticket__product")
        .filter(pk=message_pk, delivery=Message.Delivery.PENDING)
        .first()
    )
    if message is None:
        return False
    if not message.recipient:
        fail(message_pk, "no recipient address: the contact has no e-mail address")
        return False
    email = build(message)
    try:
        # What the SMTP backend would refuse half-way through a batch, checked first:
        # "Invalid address", a line break in a header; "<>" trips a TypeError.
        email.message()
        for address in [email.from_email, *email.recipients()]:
            sanitize_address(address, email.encoding or settings.DEFAULT_CHARSET)
    except (ValueError, TypeError) as exc:
        raise InvalidAddress(f"{message.recipient}: {exc}") from exc
    email.send(fail_silently=False)
    Message.objects.filter(pk=message_pk, delivery=Message.Delivery.PENDING).update(
        delivery=Message.Delivery.SENT, sent_at=timezone.now(), delivery_error=""
    )
    return True


def note_attempt(message_pk: int, error: str) -> None:
    # updated_at too: a message being retried is not stuck (``stuck``).
    Message.objects.filter(pk=message_pk).update(
        attempts=F("attempts") + 1, delivery_error=error[:500], updated_at=timezone.now()
    )


def stuck(now: dt.datetime | None = None) -> models.QuerySet[Message]:
    """Outbound e-mail still pending MAIL_STUCK_MINUTES after it was written or last
    tried: its task was lost (a worker killed, the broker emptied) or never enqueued.
    The limit is above the longest backoff between retries, so a message being retried
    is never taken for stuck."""
    since = (now or timezone.now()) - dt.timedelta(minutes=settings.MAIL_STUCK_MINUTES)
    return Message.objects.filter(
        channel=Channel.EMAIL,
        direction=Message.Direction.OUTBOUND,
        delivery=Message.Delivery.PENDING,
        updated_at__lt=since,
    )


def fail(message_pk: int, error: str) -> None:
    """Shown on the ticket: the answer stays, an agent can resend it. Staff are told
    (``delivery_failed``) only when this call is the one that marked it failed."""
    with transaction.atomic():
        changed = (
            Message.objects.filter(pk=message_pk)
            .exclude(delivery__in=[Message.Delivery.SENT, Message.Delivery.FAILED])
            .update(delivery=Message.Delivery.FAILED, delivery_error=error[:500])
        )
        # Failed again (already marked): the newer error is kept, nobody is told twice.
        Message.objects.filter(pk=message_pk, delivery=Message.Delivery.FAILED).update(
            delivery_error=error[:500]
        )
        if changed:
            failed = Message.objects.select_related("ticket").get(pk=message_pk)
            signals.delivery_failed.send(Message, message=failed, error=error[:500])


def fail_many(message_pks: list[int], error: str | models.Expression) -> list[int]:
    """``fail`` for a batch, in a fixed number of statements: the messages not sent or
    failed already are marked (``error`` may be an expression of the row, e.g. naming
    its attempts) and their people told with one ``deliveries_failed``. Returns the ids
    this call marked failed; the caller holds their rows locked."""
    if not message_pks:
        return []
    with transaction.atomic():
        open_ = Message.objects.filter(pk__in=message_pks).exclude(
            delivery__in=[Message.Delivery.SENT, Message.Delivery.FAILED]
        )
        marked = list(open_.values_list("pk", flat=True))
        if not marked:
            return []
        shown = Left(error, 500) if isinstance(error, models.Expression) else error[:500]
        Message.objects.filter(pk__in=marked).update(
            delivery=Message.Delivery.FAILED, delivery_error=shown
        )
        failed = list(Message.objects.filter(pk__in=marked).order_by("pk"))
        signals.deliveries_failed.send(Message, failures=[(m, m.delivery_error) for m in failed])
    return marked
