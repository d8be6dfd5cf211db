"""Notices to staff about a ticket's deadlines."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.tickets.models.ticket import Ticket


class SlaNotification(models.Model):
    """A warning or breach notice about one ticket to one staff member. Unique per
    ticket, recipient and kind: even two sweeps racing cannot send it twice."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("deadline approaching")
        BREACH = "breach", _("deadline missed")
        ACK_BREACH = "ack_breach", _("receipt confirmation missed")
        PROMISE_BREACH = "promise_breach", _("promised answer time missed")
        ON_CALL = "on_call", _("critical outage out of hours")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="sla_notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA notification")
        verbose_name_plural = _("SLA notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "recipient", "kind"], name="sla_notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.kind} -> {self.recipient}"
