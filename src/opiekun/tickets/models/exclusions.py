"""Force majeure noted on a ticket (issue 21, item 2): its late reaction carries no penalty."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.tickets.models.ticket import Ticket


class ForceMajeure(models.Model):
    """A support manager's note that the ticket's reaction was delayed by force majeure
    (a contract clause): the month's statement credits no penalty for it. One per ticket;
    withdrawing it deletes the row, and both steps are in the audit trail."""

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="force_majeure"
    )
    reason = models.CharField(_("reason"), max_length=300)
    noted_at = models.DateTimeField(_("noted at"), default=timezone.now)
    noted_by = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("noted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("force majeure")
        verbose_name_plural = _("force majeure notes")

    def __str__(self) -> str:
        return f"{self.ticket.reference}: {self.reason}"
