"""Hour banks and their append-only ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.contracts.models.contracts import Contract
from opiekun.core.fields import MoneyField
from opiekun.core.models import AppendOnly, Timestamped


class HourBank(Timestamped):
    """A bucket of support minutes on a contract: a prepaid package (valid until a date
    or used up, R-HRS-3), one month's allotment (gone at the month's end, R-HRS-4) or one
    month's guaranteed-support counter (R-SLA-5). Its balance is the sum of its ledger
    entries; the row itself carries no balance."""

    class Kind(models.TextChoices):
        PACKAGE = "package", _("prepaid package")
        ALLOTMENT = "allotment", _("monthly allotment")
        GUARANTEE = "guarantee", _("guaranteed-support counter")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="banks"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    valid_from = models.DateTimeField(_("valid from"))
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: never.")
    )
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        help_text=_("Set when it expired or was used up; it draws nothing after."),
    )
    purchase_price_net = MoneyField(_("purchase price (net)"), null=True, blank=True)
    # The sale that made it (a form's one-time key or an API Idempotency-Key), so a
    # double click or a retried request sells once.
    sale_key = models.CharField(_("sale key"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("hour bank")
        verbose_name_plural = _("hour banks")
        ordering = ["contract", "expires_at", "valid_from"]
        indexes = [
            models.Index(fields=["contract", "kind", "closed_at", "expires_at"]),
            models.Index(
                fields=["expires_at"],
                condition=Q(closed_at__isnull=True),
                name="hourbank_open_expiry",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "valid_from"], name="hour_bank_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("valid_from")),
                name="hour_bank_expires_after_start",
            ),
            models.UniqueConstraint(
                fields=["sale_key"], condition=~Q(sale_key=""), name="hour_bank_sale_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.kind} {self.valid_from:%Y-%m-%d}"


class LedgerEntry(AppendOnly):
    """One change of an hour bank's balance, never updated or deleted (R-HRS-5): a grant
    adds minutes, a use or an expiry takes them, a correction does either, each with who
    and why."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("grant")
        USE = "use", _("use")
        EXPIRY = "expiry", _("expiry")
        CORRECTION = "correction", _("correction")

    bank = models.ForeignKey(
        HourBank, verbose_name=_("hour bank"), on_delete=models.PROTECT, related_name="entries"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    minutes = models.IntegerField(_("minutes"), help_text=_("Positive adds, negative takes."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    work_log = models.ForeignKey(
        "tickets.WorkLog",
        verbose_name=_("work log"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["bank", "at", "id"]
        indexes = [models.Index(fields=["bank", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="grant", minutes__gt=0)
                | Q(kind="use", minutes__lt=0)
                | Q(kind="expiry", minutes__lte=0)
                | Q(kind="correction") & ~Q(minutes=0),
                name="ledger_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="use") | Q(work_log__isnull=False),
                name="ledger_use_has_work_log",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind} {self.minutes:+d} min"
