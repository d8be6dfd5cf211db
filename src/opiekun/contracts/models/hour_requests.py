"""A customer's request for hours (issue 17): a package or a top-up asked for on the
portal, which a manager accepts (the sale) or declines, with a reason."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opiekun.core.models import Timestamped


class HourRequest(Timestamped):
    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the vendor")
        ACCEPTED = "accepted", _("accepted: sold")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="hour_requests",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="hour_requests",
    )
    plan = models.ForeignKey(
        "catalog.Plan",
        verbose_name=pgettext_lazy("hour request", "package"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    bank = models.ForeignKey(
        "contracts.HourBank",
        verbose_name=_("hour bank sold"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hour request")
        verbose_name_plural = _("hour requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "organisation"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.plan_id} {self.minutes} min ({self.status})"
