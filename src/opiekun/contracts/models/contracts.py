"""Contracts and the add-ons on them."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from opiekun.core.fields import MoneyField
from opiekun.core.models import Timestamped


class Contract(Timestamped):
    """An organisation's agreement on a plan, from quote to termination (R-CON-1,
    R-CON-2). Individual terms (a quoted price, seats, the update price) live here; the
    rest comes from the plan."""

    class Status(models.TextChoices):
        QUOTE = "quote", _("quote")
        ACCEPTED = "accepted", _("accepted, awaiting activation")
        ACTIVE = "active", _("active")
        NOTICE = "notice", _("under notice")
        TERMINATED = "terminated", _("terminated")
        EXPIRED = "expired", _("expired")
        DECLINED = "declined", _("quote declined")

    class NoticeBy(models.TextChoices):
        CUSTOMER = "customer", _("customer")
        VENDOR = "vendor", _("vendor")

    number = models.CharField(_("number"), max_length=40, unique=True)
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    plan = models.ForeignKey(
        "catalog.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="contracts"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUOTE, db_index=True
    )
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Empty: until notice.")
    )
    notice_given_on = models.DateField(_("notice given on"), null=True, blank=True)
    notice_given_by = models.CharField(
        _("notice given by"), max_length=10, choices=NoticeBy.choices, blank=True
    )
    seats = models.PositiveIntegerField(_("workstations"), default=1)
    price_net = MoneyField(
        _("agreed net price"),
        null=True,
        blank=True,
        help_text=_("Empty: the plan's price list."),
    )
    hourly_rate_net = MoneyField(_("agreed hourly rate (net)"), null=True, blank=True)
    included_minutes = models.PositiveIntegerField(
        _("agreed included minutes"),
        null=True,
        blank=True,
        help_text=_("Empty: the plan's (MER S.O.S. hours are agreed per contract)."),
    )
    annual_update_price_net = MoneyField(
        _("annual update price (net)"),
        null=True,
        blank=True,
        help_text=_("Prorated for months without care (R-CON-3)."),
    )
    licence_purchased_on = models.DateField(_("licence purchased on"), null=True, blank=True)
    last_update_on = models.DateField(_("last update installed on"), null=True, blank=True)
    add_ons: models.ManyToManyField = models.ManyToManyField(
        "catalog.AddOn",
        verbose_name=_("add-ons"),
        through="ContractAddOn",
        related_name="contracts",
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["organisation__name", "-starts_on"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="contract_seats_positive"),
            models.CheckConstraint(
                condition=Q(price_net__isnull=True) | Q(price_net__gte=0),
                name="contract_price_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "notice", "terminated", "expired"])
                | Q(starts_on__isnull=False),
                name="contract_started_has_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.plan.code})"


class ContractAddOn(models.Model):
    """An add-on on one contract, for a span of time, at an agreed price."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="+"
    )
    add_on = models.ForeignKey(
        "catalog.AddOn", verbose_name=_("add-on"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    price_net = MoneyField(_("agreed net price"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract add-on")
        verbose_name_plural = _("contract add-ons")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "add_on", "starts_on"], name="contract_addon_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="contract_addon_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} + {self.add_on.code}"
