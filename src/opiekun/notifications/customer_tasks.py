"""A customer notification's e-mail, sent by the worker after the action committed."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from opiekun.mail import outbound
from opiekun.notifications import customer_mail
from opiekun.notifications.customer_models import CustomerNotice


@shared_task(
    name="opiekun.notifications.customer_tasks.send_notice",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_notice(notice_id: int) -> bool:
    """True when this call sent it. Claimed with a conditional update first, so two
    workers (or a task delivered twice) never both send; a failed send gives the claim
    back, so the retry sends it."""
    claimed = CustomerNotice.objects.filter(pk=notice_id, sent_at=None, skipped="").update(
        sent_at=timezone.now()
    )
    if claimed != 1:
        return False  # sent already, skipped, or gone
    notice = (
        CustomerNotice.objects.select_related("contact__organisation", "ticket")
        .prefetch_related("contact__emails")
        .get(pk=notice_id)
    )
    contact = notice.contact
    to = contact.primary_email if contact.is_active else ""
    reason = ""
    if not to:
        reason = "no e-mail address"
    elif not outbound.automatic_mail_allowed(to):
        # The mail app's loop guards: never to a mail system or our own mailbox, and
        # at most MAIL_AUTO_REPLY_LIMIT automatic mails a day to one address.
        reason = "stopped by the loop guard"
    if reason:
        CustomerNotice.objects.filter(pk=notice_id).update(sent_at=None, skipped=reason)
        return False
    try:
        customer_mail.compose(notice, to).send(fail_silently=False)
    except Exception:
        CustomerNotice.objects.filter(pk=notice_id).update(sent_at=None)
        raise
    CustomerNotice.objects.filter(pk=notice_id).update(recipient=to)
    return True
