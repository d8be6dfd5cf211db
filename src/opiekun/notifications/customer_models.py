"""Customer notifications (issue 16, item 2): the templates a vendor edits, each contact's
choices and one row per event told to a contact, which the worker sends once."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.notifications import customer_texts
from opiekun.notifications.customer_kinds import CustomerKind


class CustomerTemplate(models.Model):
    """The subject and body of one kind in one language. Placeholders are written
    ``{reference}``; each kind accepts its own (customer_texts.PLACEHOLDERS), checked
    on save so a typo never reaches a customer as a failed mail."""

    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer notification template")
        verbose_name_plural = _("customer notification templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="customer_template_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

    def clean(self) -> None:
        errors = {}
        for field in ("subject", "body"):
            problem = customer_texts.problem(self.kind, getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)


class CustomerPreference(models.Model):
    """A contact's choice for one kind; no row means on (the default)."""

    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices)
    enabled = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("customer notification preference")
        verbose_name_plural = _("customer notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["contact", "kind"], name="customer_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.kind}: {self.enabled}"


class CustomerNotice(models.Model):
    """One event told to one contact. ``key`` names the event (a ticket opened, an
    answer, a bank's threshold): unique per contact, so an event never notifies twice,
    even when its signal is sent again. The words are rendered when it is sent, in the
    contact's language, from the template of that moment."""

    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices)
    key = models.CharField(_("event"), max_length=120)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="customer_notices",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # A receipt the contract requires carries no unsubscribe link and ignores the choice.
    required = models.BooleanField(_("required by the contract"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient = models.EmailField(_("sent to"), blank=True)
    skipped = models.CharField(_("not sent because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer notification")
        verbose_name_plural = _("customer notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "key"], name="customer_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.contact_id} ({self.key})"
