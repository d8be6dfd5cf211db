"""Contractual penalties for late reactions (issue 21, item 2)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opiekun.contracts.models.contracts import Contract
from opiekun.core.fields import MoneyField
from opiekun.core.models import Timestamped


class PenaltyTerms(Timestamped):
    """What a late reaction costs the vendor: an amount per started hour of delay or per
    breach, with an optional cap per month. A plan's row is the default for its contracts;
    a contract's own row replaces it. Exclusions are not terms: waiting for the customer
    already stops the clock, and force majeure is noted on the ticket by a manager."""

    class Basis(models.TextChoices):
        PER_STARTED_HOUR = "per_started_hour", _("per started hour of delay")
        PER_BREACH = "per_breach", _("a fixed amount per breach")

    plan = models.OneToOneField(
        "catalog.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="penalty_terms",
    )
    contract = models.OneToOneField(
        Contract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="penalty_terms",
    )
    basis = models.CharField(_("penalty basis"), max_length=20, choices=Basis.choices)
    amount = MoneyField(_("penalty amount (net)"))
    monthly_cap = MoneyField(
        _("cap per month (net)"), null=True, blank=True, help_text=_("Empty: no cap.")
    )

    class Meta:
        verbose_name = _("penalty terms")
        verbose_name_plural = _("penalty terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=True, contract__isnull=False)
                | Q(plan__isnull=False, contract__isnull=True),
                name="penalty_terms_plan_or_contract",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="penalty_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(monthly_cap__isnull=True) | Q(monthly_cap__gte=0),
                name="penalty_cap_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract or self.plan}: {self.amount} {self.basis}"
