"""Quotes for work outside a plan's scope."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import Timestamped


class QuoteRequest(Timestamped):
    """Work outside a plan's scope that the customer may order at the price list: a
    separate quote and contract (R-SCP-1: KJM custom programming)."""

    class Status(models.TextChoices):
        OPEN = "open", _("to be quoted")
        SENT = "sent", _("quote sent")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="quote_requests",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="quote_requests",
    )
    description = models.TextField(_("what is to be quoted"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("quote request")
        verbose_name_plural = _("quote requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ticket.reference}: {self.description[:60]}"
