"""Monthly statements, their lines and the customer's approval: immutable once issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.contracts.models.contracts import Contract
from opiekun.core.fields import MoneyField, ScaledDecimalField
from opiekun.core.models import AppendOnly
from opiekun.tariff import taxation


class VatTreatment(models.TextChoices):
    DOMESTIC = taxation.DOMESTIC, _("Polish VAT")
    NP_EU = taxation.NP_EU, _("not taxed in Poland: reverse charge (np II)")
    NP_OUTSIDE = taxation.NP_OUTSIDE, _("not taxed in Poland: outside the EU (np I)")


class Statement(AppendOnly):
    """A contract's monthly statement (R-REG-2): numbered and immutable once issued, with
    the names, rates and VAT rate copied onto it so later edits of the plan or customer
    do not change it. A correction is a new statement that names the one it corrects."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="statements"
    )
    period_start = models.DateField(_("month"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    vendor_name = models.CharField(_("vendor"), max_length=200)
    organisation_name = models.CharField(_("customer"), max_length=200)
    organisation_tax_id = models.CharField(_("customer's tax id"), max_length=20, blank=True)
    plan_code = models.CharField(_("plan code"), max_length=40)
    plan_name = models.CharField(_("plan"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3)
    hourly_rate_net = MoneyField(_("hourly rate (net)"), null=True, blank=True)
    vat_rate = ScaledDecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    # Decided by the buyer's tax id when issued (opiekun.tariff.taxation): a buyer abroad
    # pays no Polish VAT, and the e-invoice made of the statement says the same.
    vat_treatment = models.CharField(
        _("VAT treatment"),
        max_length=8,
        choices=VatTreatment.choices,
        default=VatTreatment.DOMESTIC,
    )
    net = MoneyField(_("net"))
    vat = MoneyField(_("VAT"))
    gross = MoneyField(_("gross"))

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-period_start", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"],
                condition=Q(corrects__isnull=True),
                name="statement_one_original_per_month",
            ),
            models.CheckConstraint(condition=Q(gross=F("net") + F("vat")), name="statement_gross"),
            models.CheckConstraint(
                condition=Q(vat_treatment=VatTreatment.DOMESTIC) | Q(vat=0, vat_rate=0),
                name="statement_untaxed_has_no_vat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.organisation_name}, {self.period_start:%Y-%m})"


class StatementLine(AppendOnly):
    """One line of a statement: a fee, a purchase, a bank's use, overage at the rate, an
    out-of-hours emergency, the update proration, or one piece of work (no amount)."""

    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription", _("subscription")
        PACKAGE = "package", _("package purchase")
        BANK = "bank", _("hours used from a bank")
        OVERAGE = "overage", _("hours beyond the banks")
        EMERGENCY = "emergency", _("out-of-hours emergency")
        UPDATE = "update", _("annual update, prorated")
        WORK = "work", _("work")
        PENALTY = "penalty", _("penalty for a late reaction (credit)")

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    day = models.DateField(_("date"), null=True, blank=True)
    ticket_reference = models.CharField(_("ticket"), max_length=40, blank=True)
    work_kind = models.CharField(_("work kind"), max_length=20, blank=True)
    raw_minutes = models.PositiveIntegerField(_("raw minutes"), null=True, blank=True)
    billable_minutes = models.PositiveIntegerField(_("billable minutes"), null=True, blank=True)
    bank = models.CharField(_("bank drawn"), max_length=200, blank=True)
    quantity = ScaledDecimalField(
        _("quantity"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit_price = MoneyField(_("unit price (net)"), null=True, blank=True)
    net = MoneyField(_("net"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "position"], name="statement_line_position"
            )
        ]

    def __str__(self) -> str:
        return self.description


class StatementApproval(AppendOnly):
    """The customer's approval of a statement (R-REG-2). It locks the month: work can no
    longer be logged into it, and any later correction is a new statement to approve."""

    statement = models.OneToOneField(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="approval"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("month"))
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)
    approved_by = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("statement approval")
        verbose_name_plural = _("statement approvals")
        ordering = ["-approved_at"]
        indexes = [models.Index(fields=["contract", "period_start"])]

    def __str__(self) -> str:
        return f"{self.statement.number} approved {self.approved_at:%Y-%m-%d}"
