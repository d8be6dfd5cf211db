"""How mail answers the hooks of the apps below it (tickets/signals.py) and of its own
modules below the tasks (mail/signals.py): by enqueueing a task once the transaction
that stored the mail commits. With ``tasks``, the only module that knows the tasks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from opiekun.mail import signals, tasks
from opiekun.mail.models import InboundMail
from opiekun.tickets.models import Message
from opiekun.tickets.signals import email_ready


@receiver(email_ready, dispatch_uid="mail.send_after_commit")
def send_after_commit(sender: Any, *, message: Message, **kwargs: Any) -> None:
    transaction.on_commit(lambda: tasks.send_message.delay(message.pk))


@receiver(signals.emails_ready, dispatch_uid="mail.send_together_after_commit")
def send_together_after_commit(sender: Any, *, messages: list[Message], **kwargs: Any) -> None:
    ids = [m.pk for m in messages]
    if ids:
        transaction.on_commit(lambda: tasks.send_messages.delay(ids))


@receiver(signals.bounce_due, dispatch_uid="mail.bounce_after_commit")
def bounce_after_commit(sender: Any, *, inbound: InboundMail, **kwargs: Any) -> None:
    pk = inbound.pk
    transaction.on_commit(lambda: tasks.send_bounce.delay(pk))
