from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.core.fields import MoneyField, ScaledDecimalField
from opiekun.core.models import AppendOnly, Timestamped


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
