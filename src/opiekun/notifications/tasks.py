"""The e-mail of a notification, sent by the worker after the action committed."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation

from opiekun.notifications import texts
from opiekun.notifications.models import Notification


@shared_task(
    name="opiekun.notifications.tasks.email_notification",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def email_notification(notification_id: int) -> bool:
    """True when this call sent it. Claimed with a conditional update first, so two
    workers (or a task delivered twice) never both send; a failed send gives the claim
    back, so the retry sends it."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(
        emailed_at=timezone.now()
    )
    if claimed != 1:
        return False  # sent already, or the notification is gone
    notice = Notification.objects.select_related("ticket", "recipient__user").get(
        pk=notification_id
    )
    person = notice.recipient
    if not (person.is_active and person.user.is_active and person.user.email):
        return False
    try:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = texts.subject(notice)
            body = "\n".join(
                [
                    subject,
                    "",
                    # A path, not an address: the desk does not know the name it is served by.
                    reverse("console:ticket", args=[notice.ticket_id]),
                ]
            )
        EmailMessage(
            subject,
            body,
            None,
            [person.user.email],
            # Sent by the desk itself: out-of-office replies to it are not wanted.
            headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        ).send(fail_silently=False)
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


@shared_task(name="opiekun.notifications.tasks.email_notifications", ignore_result=True)
def email_notifications(notification_ids: list[int]) -> int:
    """The e-mails of one action's notifications (a chunk of mail opens hundreds of
    tickets at once), sent in one task; one that fails is handed to
    ``email_notification`` alone, which retries it with back-off."""
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += email_notification(notification_id)
        except OSError:
            email_notification.delay(notification_id)
    return sent
