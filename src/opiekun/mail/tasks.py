from __future__ import annotations

import logging
import smtplib

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMessage

from opiekun.mail import actions, outbound, poll
from opiekun.mail.models import InboundMail, Mailbox

logger = logging.getLogger(__name__)


@shared_task(name="opiekun.mail.tasks.poll_due_mailboxes", ignore_result=True)
def poll_due_mailboxes() -> int:
    """Run by beat: each mailbox whose interval has come is read by a task of its own,
    so several workers read several mailboxes at once (never one mailbox twice)."""
    boxes = poll.due()
    for mailbox in boxes:
        poll_mailbox.delay(mailbox.pk)
    return len(boxes)


@shared_task(name="opiekun.mail.tasks.poll_mailbox", ignore_result=True)
def poll_mailbox(mailbox_id: int) -> str:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    return poll.poll(mailbox).line() if mailbox else "no such mailbox"


def _backoff(retries: int) -> int:
    return int(min(30 * 2**retries, 3600))


@shared_task(
    bind=True,
    name="opiekun.mail.tasks.send_message",
    ignore_result=True,
    max_retries=None,
)
def send_message(self: Task, message_id: int) -> bool:
    """Sends one answer or acknowledgement; retried with exponential backoff. A refusal
    that will not change (the address refused) fails at once; after MAIL_SEND_RETRIES
    the failure is final. Either way it is written on the message, on the ticket."""
    try:
        return outbound.send(message_id)
    except outbound.PERMANENT as exc:
        outbound.fail(message_id, f"refused: {exc}")
        return False
    except outbound.InvalidAddress as exc:
        outbound.fail(message_id, f"invalid address: {exc}")
        return False
    except (OSError, smtplib.SMTPException) as exc:
        attempt = self.request.retries + 1
        error = f"attempt {attempt}: {type(exc).__name__}: {exc}"
        if attempt > settings.MAIL_SEND_RETRIES:
            outbound.fail(message_id, f"gave up after {attempt} attempts; {error}")
            return False
        outbound.note_attempt(message_id, error)
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(name="opiekun.mail.tasks.send_messages", ignore_result=True)
def send_messages(message_ids: list[int]) -> int:
    """Acknowledgements of a chunk of mail, each on its own: one that cannot leave fails
    alone (an invalid or refused address, at once) or goes on with retries alone (the
    server), and the rest of the chunk is sent all the same."""
    sent = 0
    for message_id in message_ids:
        try:
            sent += outbound.send(message_id)
        except outbound.PERMANENT as exc:
            outbound.fail(message_id, f"refused: {exc}")
        except outbound.InvalidAddress as exc:
            outbound.fail(message_id, f"invalid address: {exc}")
        except (OSError, smtplib.SMTPException):
            send_message.apply_async((message_id,), countdown=_backoff(0))
        except Exception as exc:
            # A fault of this one message (a file gone from storage...): shown failed on
            # it, logged with the traceback, and the others still leave.
            logger.exception("sending message %s failed", message_id)
            outbound.fail(message_id, f"{type(exc).__name__}: {exc}")
    return sent


@shared_task(name="opiekun.mail.tasks.sweep_stuck_mail", ignore_result=True)
def sweep_stuck_mail() -> int:
    """Run by beat: outbound e-mail stuck pending is sent again, or failed visibly once
    it was tried MAIL_SEND_RETRIES times (then an agent can resend it)."""
    again = actions.sweep_stuck()
    for message_id in again:
        send_message.delay(message_id)
    return len(again)


@shared_task(
    name="opiekun.mail.tasks.send_bounce",
    ignore_result=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def send_bounce(inbound_id: int) -> None:
    """The polite answer to a message over the size limit; the message itself is kept."""
    inbound = InboundMail.objects.select_related("mailbox").get(pk=inbound_id)
    limit_mb = settings.MAIL_MAX_MESSAGE_BYTES / 1024 / 1024
    size_mb = inbound.size / 1024 / 1024
    body = (
        f"Dzień dobry,\n\nPaństwa wiadomość „{inbound.subject}” ma {size_mb:.1f} MB, więcej niż "
        f"przyjmujemy ({limit_mb:.0f} MB). Zachowaliśmy ją, ale nie założyliśmy zgłoszenia. "
        "Prosimy o przesłanie jej ponownie bez dużych załączników (np. z linkiem do pliku).\n\n"
        f'Hello,\n\nyour message "{inbound.subject}" is {size_mb:.1f} MB, more than we accept '
        f"({limit_mb:.0f} MB). We kept it but opened no ticket. Please send it again without "
        "the large attachments (a link to the file will do).\n"
    )
    headers = {
        "Auto-Submitted": outbound.AUTO_REPLIED,
        "X-Auto-Response-Suppress": "All",
        "Message-ID": outbound.new_message_id(),
    }
    if inbound.dedupe_key.startswith("<"):
        headers["In-Reply-To"] = headers["References"] = inbound.dedupe_key
    EmailMessage(
        subject=f"Wiadomość za duża / Message too large: {inbound.subject}"[:200],
        body=body,
        from_email=inbound.mailbox.address,
        to=[inbound.sender],
        headers=headers,
    ).send(fail_silently=False)
