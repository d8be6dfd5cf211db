"""Vendors and the programs they support."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import AssignmentRule
from opiekun.core.models import Timestamped
from opiekun.core.phones import PhoneNumberField
from opiekun.core.taxids import TaxIdField


class Vendor(Timestamped):
    """A software vendor whose support is run here; its name goes on statements and
    registers. The five seed vendors are loaded as presets."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    tax_id = TaxIdField(_("tax id (NIP)"), blank=True)
    # The seller's address is required on an FA(3) invoice (Podmiot1/Adres).
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("support e-mail"), blank=True)
    phone = PhoneNumberField(_("general line (E.164)"), blank=True)
    assignment_rule = models.CharField(
        _("assignment of new tickets"),
        max_length=20,
        choices=AssignmentRule.choices,
        default=AssignmentRule.ACCOUNT_MANAGER,
        help_text=_("For plans that do not set their own."),
    )
    # R-Q-1 puts contract customers first; a vendor may choose to put every critical
    # outage above that order (ADR 4). Off by default: the seeds do not say so.
    pin_critical = models.BooleanField(
        _("critical outages first"),
        default=False,
        help_text=_("Critical tickets go to the top of the queue, before contract priority."),
    )

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(Timestamped):
    """A program the vendor supports (KJM: SOOT, F-K, Kadry-Płace; MER: MERITUM)."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="products"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["vendor__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "code"], name="product_code_per_vendor")
        ]

    def __str__(self) -> str:
        return self.name
