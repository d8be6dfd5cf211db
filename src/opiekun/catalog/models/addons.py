"""Add-ons sold on top of a plan."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import PriceModel
from opiekun.catalog.models.calendars import WorkingCalendar
from opiekun.catalog.models.plans import Plan
from opiekun.catalog.models.vendors import Product, Vendor
from opiekun.core.fields import MoneyField
from opiekun.core.models import Timestamped


class AddOn(Timestamped):
    """An extension sold on top of a plan (R-PLN-4): longer hours, night or non-stop
    service (their own calendar), care over extra software."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="add_ons"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    plans = models.ManyToManyField(
        Plan, verbose_name=_("available with"), related_name="add_ons", blank=True
    )
    price_model = models.CharField(
        _("price model"), max_length=20, choices=PriceModel.choices, default=PriceModel.INDIVIDUAL
    )
    price_net = MoneyField(_("net price"), null=True, blank=True)
    calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name=_("extended service hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Replaces the plan's service hours while the add-on is active."),
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("extra software covered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("add-on")
        verbose_name_plural = _("add-ons")
        ordering = ["vendor__name", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_net__isnull=True) | Q(price_net__gte=0),
                name="addon_price_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name
