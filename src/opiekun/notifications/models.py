"""What staff are told about (issue 15, item 8): one row per event and person, rendered
in the reader's language when shown, and each kind switchable per person."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    NEW_TICKET = "new_ticket", _("a new ticket in my queue or my customers'")
    CUSTOMER_REPLY = "customer_reply", _("a customer's reply")
    ASSIGNED = "assigned", _("a ticket assigned to me")
    MENTION = "mention", _("a mention in a note")
    DEADLINE = "deadline", _("a deadline warning or breach")
    MAIL_FAILED = "mail_failed", _("an e-mail that could not be delivered")
    DISPUTE = "dispute", _("a customer's question about a statement")


class Notification(models.Model):
    """One event told to one staff member. The kind and its parameters are stored, not
    a sentence, so the inbox reads in the reader's language. ``key`` names the event
    (a message, an assignment, a notice): unique per recipient, so one event never
    notifies a person twice, even when a signal is sent again."""

    recipient = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="staff_notifications",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    key = models.CharField(_("event"), max_length=120)
    # False: the person wants this kind only by e-mail; the row still keeps it once.
    shown = models.BooleanField(_("shown in the inbox"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "shown", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.recipient_id} ({self.key})"


class Preference(models.Model):
    """A person's choice for one kind; no row means both on (the default)."""

    recipient = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    in_app = models.BooleanField(_("in the inbox"), default=True)
    by_email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind"], name="notification_preference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}: {self.in_app}/{self.by_email}"


# The customers' side (issue 16) lives in its own module; imported so Django sees it.
from opiekun.notifications.customer_models import (  # noqa: E402, F401
    CustomerNotice,
    CustomerPreference,
    CustomerTemplate,
)
