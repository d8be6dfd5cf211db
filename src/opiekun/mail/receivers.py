"""How mail answers the hooks of the apps below it (tickets/signals.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from opiekun.mail import outbound
from opiekun.tickets.models import Message
from opiekun.tickets.signals import email_ready


@receiver(email_ready, dispatch_uid="mail.send_after_commit")
def send_after_commit(sender: Any, *, message: Message, **kwargs: Any) -> None:
    outbound.queue(message)
