"""Plans and their terms: channels, reaction targets, billing rules."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import (
    Acknowledgement,
    Activation,
    AllotmentPeriod,
    AssignmentRule,
    Channel,
    PriceModel,
    Rounding,
    Severity,
    WorkKind,
)
from opiekun.catalog.models.calendars import WorkingCalendar
from opiekun.catalog.models.vendors import Product, Vendor
from opiekun.core.fields import MoneyField, ScaledDecimalField
from opiekun.core.models import Timestamped


class Plan(Timestamped):
    """A support plan with every term of R-PLN-1. All figures are data: the seed
    vendors' plans are presets, a PREMIUM customer gets a plan of its own."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="plans"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    products = models.ManyToManyField(
        Product, verbose_name=_("products"), blank=True, related_name="plans"
    )
    is_public = models.BooleanField(_("on the public price list"), default=True)

    # Price (net; VAT is added on statements).
    price_model = models.CharField(_("price model"), max_length=20, choices=PriceModel.choices)
    price_net = MoneyField(
        _("net price"),
        null=True,
        blank=True,
        help_text=_("Per month, per package or per seat and year; empty when quoted."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="PLN")
    minimum_months = models.PositiveSmallIntegerField(_("minimum duration (months)"), default=0)
    term_months = models.PositiveSmallIntegerField(
        _("fixed term (calendar months)"),
        null=True,
        blank=True,
        help_text=_("MER licence variant: 3 months counted from the month of purchase."),
    )
    activation = models.CharField(
        _("activation"), max_length=20, choices=Activation.choices, default=Activation.IMMEDIATE
    )
    customer_notice_days = models.PositiveSmallIntegerField(_("customer notice (days)"), default=0)
    vendor_notice_days = models.PositiveSmallIntegerField(_("vendor notice (days)"), default=0)
    eligibility_months = models.PositiveSmallIntegerField(
        _("eligibility after purchase or update (months)"),
        null=True,
        blank=True,
        help_text=_("Free support only while the version is current (PWSK: 12)."),
    )

    # Service hours.
    calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name=_("service hours"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    out_of_hours_emergency_only = models.BooleanField(
        _("out of hours: emergencies only"), default=False
    )

    # Hours.
    unlimited_support = models.BooleanField(_("unlimited support hours"), default=False)
    allotment_period = models.CharField(
        _("included hours granted"),
        max_length=20,
        choices=AllotmentPeriod.choices,
        default=AllotmentPeriod.NONE,
    )
    included_minutes = models.PositiveIntegerField(_("included minutes"), default=0)
    package_validity_months = models.PositiveSmallIntegerField(
        _("package validity (months)"), null=True, blank=True
    )
    topup_offer_days = models.PositiveSmallIntegerField(
        _("offer a top-up this many days before the package runs out"),
        default=14,
        validators=[MaxValueValidator(365)],
        help_text=_("From the last 30 days' pace (issue 21). 0: no automatic offers."),
    )
    requires_valid_package = models.BooleanField(
        _("work waits for a valid package"), default=False, help_text="R-HRS-3"
    )
    guaranteed_monthly_minutes = models.PositiveIntegerField(
        _("guaranteed-support limit per month (minutes)"),
        null=True,
        blank=True,
        help_text=_("After it is used, tickets get no guaranteed reaction (R-SLA-5)."),
    )
    hourly_rate_net = MoneyField(_("hourly rate beyond the package (net)"), null=True, blank=True)

    # Billing of work time.
    documentation_minutes = models.PositiveSmallIntegerField(
        _("documentation minutes per intervention"), default=0
    )
    intervention_rounding_minutes = models.PositiveSmallIntegerField(
        _("round each intervention to (minutes)"), default=0, help_text=_("0: no rounding.")
    )
    rounding = models.CharField(
        _("rounding"), max_length=10, choices=Rounding.choices, default=Rounding.UP
    )
    out_of_hours_multiplier = ScaledDecimalField(
        _("out-of-hours emergency multiplier"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("1"))],
    )

    # Service.
    queue_priority = models.PositiveSmallIntegerField(
        _("queue priority"),
        default=0,
        validators=[MaxValueValidator(1000)],
        help_text=_("Higher goes first: contract customers before the others (R-Q-1)."),
    )
    includes_annual_updates = models.BooleanField(_("annual updates included"), default=False)
    includes_account_manager = models.BooleanField(_("account manager included"), default=False)
    assignment_rule = models.CharField(
        _("assignment of new tickets"),
        max_length=20,
        choices=AssignmentRule.choices,
        blank=True,
        help_text=_("Empty: the vendor's rule."),
    )
    single_point_of_contact = models.BooleanField(
        _("single point of contact"), default=False, help_text="R-PPL-2"
    )
    requires_form = models.BooleanField(
        _("questions on form HOT-01"), default=False, help_text="R-CH-5"
    )
    portal_counts_as_email = models.BooleanField(
        _("a portal question counts as e-mail for the guarantee"),
        default=False,
        help_text=_(
            "On: questions asked on the portal get the reaction guarantee of the e-mail "
            "channel. The seed plans keep their channels as the seeds state them (off)."
        ),
    )
    acknowledgement = models.CharField(
        _("receipt confirmation"),
        max_length=20,
        choices=Acknowledgement.choices,
        default=Acknowledgement.NONE,
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["vendor__name", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_net__isnull=True) | Q(price_net__gte=0),
                name="plan_price_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate_net__isnull=True) | Q(hourly_rate_net__gte=0),
                name="plan_rate_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(out_of_hours_multiplier__gte=1), name="plan_multiplier_at_least_one"
            ),
            models.CheckConstraint(
                condition=~Q(allotment_period=AllotmentPeriod.VALIDITY)
                | Q(package_validity_months__isnull=False),
                name="plan_package_has_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class PlanChannel(models.Model):
    """A channel the plan opens, and when (R-CH-1): KJM care's mobile and general line
    7-16 on weekdays, e-mail always. ``guaranteed`` says whether tickets coming this way
    get the reaction guarantee (R-SLA-5: SHIP only for e-mail)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="channels"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name=_("open hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: open around the clock."),
    )
    guaranteed = models.BooleanField(_("reaction guaranteed"), default=True)
    restriction = models.CharField(
        _("restriction"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'bug reports only' for SHIP COMMUNITY e-mail."),
    )

    class Meta:
        verbose_name = _("plan channel")
        verbose_name_plural = _("plan channels")
        ordering = ["plan", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "channel"], name="plan_channel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.channel}"


class ReactionTarget(models.Model):
    """A reaction deadline in working minutes of a calendar (R-SLA-1). Blank severity or
    channel means any; the most specific target wins. KJM care's critical outage: 120
    minutes on a 7:00-22:00 daily calendar (R-SLA-4)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    minutes = models.PositiveIntegerField(_("working minutes"))
    calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name=_("counted in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the plan's service hours."),
    )

    class Meta:
        verbose_name = _("reaction target")
        verbose_name_plural = _("reaction targets")
        ordering = ["plan", "severity", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "severity", "channel"], name="reaction_target_unique"
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="reaction_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.severity or '*'}/{self.channel or '*'} {self.minutes} min"


class BillingRule(models.Model):
    """How one kind of work is billed under a plan (R-HRS-2): the unit started time is
    rounded up to, and whether it draws on the hour package (SHIP e-mail does not)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="billing_rules"
    )
    work_kind = models.CharField(_("work kind"), max_length=20, choices=WorkKind.choices)
    increment_minutes = models.PositiveSmallIntegerField(
        _("billed per started (minutes)"), default=0, help_text=_("0: the plan's rounding.")
    )
    draws_on_package = models.BooleanField(_("draws on the hour package"), default=True)

    class Meta:
        verbose_name = _("billing rule")
        verbose_name_plural = _("billing rules")
        ordering = ["plan", "work_kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "work_kind"], name="billing_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.work_kind} /{self.increment_minutes}"
