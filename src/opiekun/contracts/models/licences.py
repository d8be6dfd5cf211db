"""The licence dates free support is counted from (R-PLN-5, R-CON-5), as a history:
each purchase or update recorded is a row; the contract keeps the dates in force."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import AppendOnly


class LicenceEvent(AppendOnly):
    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("licence purchase")
        UPDATE = "update", _("update installed")

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="licence_events",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("recorded from"), max_length=20, default="console")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("licence event")
        verbose_name_plural = _("licence events")
        ordering = ["contract", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.on}"
