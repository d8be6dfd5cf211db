"""A top-up offer (issue 21, item 4): a quote for hours made before a package runs out,
by the beat from the run-out forecast or by staff by hand, which the customer accepts
online (the package is sold) or declines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opiekun.core.fields import MoneyField
from opiekun.core.models import Timestamped


class TopUpOffer(Timestamped):
    """An offer of ``minutes`` of ``plan`` (whole packages) at ``price_net``, valid until
    ``expires_at``. It keeps the figures it was made from (the last 30 days' use, what
    was left, the forecast day, the need to cover), so its explanation reads the same
    later, whatever the ledger did since. At most one open offer per contract: the
    database refuses a second, so two beats (or a beat and an agent) make one."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted: sold")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Origin(models.TextChoices):
        FORECAST = "forecast", _("the run-out forecast")
        STAFF = "staff", _("made by staff")

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="topup_offers",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="topup_offers",
    )
    bank = models.ForeignKey(
        "contracts.HourBank",
        verbose_name=_("hour bank running out"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan = models.ForeignKey(
        "catalog.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(_("made from"), max_length=10, choices=Origin.choices)
    packages = models.PositiveSmallIntegerField(_("packages"))
    minutes = models.PositiveIntegerField(_("minutes"))
    price_net = MoneyField(_("net price"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="PLN")
    # The figures the size came from (minutes; the day in Europe/Warsaw).
    used_minutes = models.PositiveIntegerField(_("used in the last 30 days (minutes)"))
    left_minutes = models.IntegerField(_("left (minutes)"))
    runs_out_on = models.DateField(_("runs out about"), null=True, blank=True)
    need_minutes = models.PositiveIntegerField(_("forecast need (minutes)"))
    covers_until = models.DateField(_("need counted until"))
    expires_at = models.DateTimeField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    sold_bank = models.ForeignKey(
        "contracts.HourBank",
        verbose_name=_("hour bank sold"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Names the rows one beat run inserted (bulk inserts that skip conflicts return no
    # ids), so it audits and announces its own offers only.
    batch = models.CharField(_("batch"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("top-up offer")
        verbose_name_plural = _("top-up offers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["batch"], condition=~Q(batch=""), name="topup_offer_batch"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"], condition=Q(status="open"), name="topup_offer_one_open"
            ),
            models.CheckConstraint(
                condition=Q(packages__gte=1) & Q(minutes__gte=1), name="topup_offer_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.minutes} min ({self.status})"
