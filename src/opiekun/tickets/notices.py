"""Notices to staff about deadlines (R-SLA-4, R-SLA-6): one e-mail per notice, sent by
the worker after the transaction that made the notice commits.

The task lives here, not in ``tasks``, so that the modules that queue it (intake, sweep)
do not import the beat tasks, which import them in turn."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMessage
from django.utils import timezone

from opiekun.tickets.models import SlaNotification

SUBJECTS: dict[str, str] = {
    SlaNotification.Kind.WARNING: "Deadline approaching",
    SlaNotification.Kind.BREACH: "Reaction deadline missed",
    SlaNotification.Kind.ACK_BREACH: "Receipt confirmation missed",
    SlaNotification.Kind.PROMISE_BREACH: "Promised answer time missed",
    SlaNotification.Kind.ON_CALL: "Critical outage out of hours",
}


@shared_task(
    name="opiekun.tickets.tasks.send_sla_notification",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_sla_notification(notification_id: int) -> None:
    notice = SlaNotification.objects.select_related("ticket", "recipient__user").get(
        pk=notification_id
    )
    if notice.sent_at is not None:
        return
    ticket = notice.ticket
    due = ticket.reaction_due_at or ticket.ack_due_at or ticket.answer_promised_at
    lines = [
        f"{SUBJECTS[notice.kind]}: {ticket.reference} {ticket.subject}",
        f"Due: {timezone.localtime(due):%Y-%m-%d %H:%M}" if due else "",
        "",
        *ticket.sla_explanation,
    ]
    EmailMessage(
        f"[{ticket.reference}] {SUBJECTS[notice.kind]}",
        "\n".join(lines),
        None,
        [notice.recipient.user.email],
        # Sent by the desk itself: out-of-office replies to it are not wanted.
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    ).send(fail_silently=False)
    # Marked only after the mail left: a crash in between sends it again rather than never.
    SlaNotification.objects.filter(pk=notice.pk, sent_at=None).update(sent_at=timezone.now())
