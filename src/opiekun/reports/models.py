"""Documents handed to customers, kept so a copy can be checked later, and the
customers' approvals of their registers (R-REG-2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import AppendOnly


class IssuedDocument(AppendOnly):
    """One exported register: what it was about, the hash of its content (printed on
    every page) and of the file itself, so `opiekun report verify FILE` can say whether a
    copy is one we issued and whether the system still agrees with it."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("month"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filename = models.CharField(_("file name"), max_length=200)
    content_sha256 = models.CharField(_("content hash"), max_length=64, db_index=True)
    file_sha256 = models.CharField(_("file hash"), max_length=64, db_index=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.issued_at:%Y-%m-%d %H:%M})"


class RegisterApproval(AppendOnly):
    """The customer's approval of a month's register (R-REG-2): the content it approved,
    by hash. It closes the month like a statement's approval does."""

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("month"))
    content_sha256 = models.CharField(_("content hash"), max_length=64)
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)
    approved_by = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("register approval")
        verbose_name_plural = _("register approvals")
        ordering = ["-approved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period_start"], name="register_approved_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period_start:%Y-%m}"
