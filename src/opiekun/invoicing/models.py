"""E-invoices made from approved statements and their way through KSeF."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.core.fields import EncryptedTextField, MoneyField, ScaledDecimalField
from opiekun.core.models import AppendOnly


class Invoice(AppendOnly):
    """An FA(3) invoice of one approved statement: the XML as issued, with the parties
    and totals copied onto it, immutable (an invoice is corrected by a new one, KOR,
    naming the first). Numbered per vendor and year."""

    class Kind(models.TextChoices):
        VAT = "VAT", _("invoice")
        KOR = "KOR", _("correcting invoice")

    number = models.CharField(_("number"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    statement = models.OneToOneField(
        "contracts.Statement",
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="invoice",
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
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
    issue_date = models.DateField(_("issue date"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_tax_id = models.CharField(_("seller's tax id"), max_length=20)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_tax_id = models.CharField(_("buyer's tax id"), max_length=20)
    currency = models.CharField(_("currency"), max_length=3)
    vat_rate = ScaledDecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    net = MoneyField(_("net"))
    vat = MoneyField(_("VAT"))
    gross = MoneyField(_("gross"))
    xml = models.TextField(_("FA(3) XML"))
    xml_sha256 = models.CharField(_("XML hash"), max_length=64)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class KsefSubmission(models.Model):
    """An invoice's way through KSeF: pending until a sender takes it, then accepted
    (with the KSeF number and the UPO receipt) or rejected (with KSeF's reason).
    Mutable on purpose: it is the state of a delivery, not a document."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        ACCEPTED = "accepted", _("accepted by KSeF")
        REJECTED = "rejected", _("rejected by KSeF")
        # KSeF gave a number, but its receipt (UPO) names another number or file hash:
        # not accepted, not sent again (it may be in KSeF), for a person to look at.
        MISMATCH = "mismatch", _("KSeF's receipt does not match the invoice")

    invoice = models.OneToOneField(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="ksef"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    session_reference = models.CharField(_("KSeF session"), max_length=100, blank=True)
    ksef_number = models.CharField(_("KSeF number"), max_length=40, blank=True)
    upo = models.TextField(_("UPO receipt"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("KSeF submission")
        verbose_name_plural = _("KSeF submissions")
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "claimed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="accepted") | ~Q(ksef_number=""),
                name="ksef_accepted_has_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.state}"


class VendorInvoicing(models.Model):
    """How a vendor invoices (issue 21, item 1): data, not code. No row is the default:
    invoices are issued by a manager, not on the customer's approval."""

    vendor = models.OneToOneField(
        "catalog.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.CASCADE,
        related_name="invoicing",
    )
    issue_on_approval = models.BooleanField(
        _("issue the invoice when the customer approves the statement"),
        default=False,
        help_text=_("Otherwise a support manager issues it from the statement's page."),
    )
    # The vendor's KSeF token (issue 21, item 1): encrypted at rest with the secret box
    # (ADR 8), since the sender must present it; never shown back in full.
    ksef_token = EncryptedTextField(_("KSeF token"), blank=True)
    ksef_token_set_at = models.DateTimeField(_("KSeF token set at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vendor's invoicing")
        verbose_name_plural = _("vendors' invoicing")

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.issue_on_approval}"
