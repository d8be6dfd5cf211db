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


class StatementSending(AppendOnly):
    """A statement marked sent to the customer (issue 17): when and by whom. Written once;
    the customer's notification follows from the ``statement_sent`` signal."""

    statement = models.OneToOneField(
        "contracts.Statement",
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="sending",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("statement sending")
        verbose_name_plural = _("statement sendings")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.statement_id} sent {self.sent_at:%Y-%m-%d}"


class StatementRun(models.Model):
    """A background job that issues a month's statements: one organisation's or all of
    them, with its progress, so the console can show it while the worker goes on."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    period_start = models.DateField(_("month"))
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    total = models.PositiveIntegerField(_("contracts"), default=0)
    done = models.PositiveIntegerField(_("issued"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement run")
        verbose_name_plural = _("statement runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class StatementRunItem(AppendOnly):
    """One contract's outcome in a run: the statement (new or the one already issued), or
    why it could not be issued."""

    run = models.ForeignKey(
        StatementRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="items"
    )
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    statement = models.ForeignKey(
        "contracts.Statement",
        verbose_name=_("statement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.BooleanField(_("new document"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("statement run item")
        verbose_name_plural = _("statement run items")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "contract"], name="statement_run_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.contract_id}"


class BankMonth(models.Model):
    """A bank's minutes granted and used in one calendar month of the desk's zone, kept
    by ``reports.hours`` whenever a ledger entry is written (issue 20), so the hours
    report and the dashboards read one row a bank and month instead of the ledger."""

    bank = models.ForeignKey(
        "contracts.HourBank", verbose_name=_("hour bank"), on_delete=models.CASCADE
    )
    month = models.DateField(_("month"))
    granted = models.IntegerField(_("granted minutes"), default=0)
    used = models.IntegerField(_("used minutes"), default=0)

    class Meta:
        verbose_name = _("bank month")
        verbose_name_plural = _("bank months")
        constraints = [models.UniqueConstraint(fields=["bank", "month"], name="bank_month_unique")]
        indexes = [models.Index(fields=["month"], name="bank_month_month")]

    def __str__(self) -> str:
        return f"{self.bank_id} {self.month:%Y-%m}"


class CustomerMonth(models.Model):
    """An organisation's work beyond its banks and its out-of-hours emergencies in one
    calendar month, kept by ``reports.hours`` whenever a work log is written (issue 20)."""

    organisation = models.ForeignKey(
        "customers.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE
    )
    month = models.DateField(_("month"))
    overage = models.IntegerField(_("minutes beyond the banks"), default=0)
    # Corrections write negative overage: the dashboards add only the positive pieces.
    overage_added = models.IntegerField(_("minutes beyond the banks added"), default=0)
    emergencies = models.IntegerField(_("out-of-hours emergencies"), default=0)

    class Meta:
        verbose_name = _("customer month")
        verbose_name_plural = _("customer months")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="customer_month_unique")
        ]
        indexes = [models.Index(fields=["month"], name="customer_month_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"


class Dispute(models.Model):
    """A customer's question about a work entry or a statement line before the month is
    approved (issue 21, item 3). While it is open the month's statement cannot be
    approved. The vendor answers (it stays open), accepts (a correcting work entry, and
    the statement is issued again) or rejects with a reason. Every step is an audit event
    on the dispute, which both sides read as its history."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("month"))
    statement = models.ForeignKey(
        "contracts.Statement",
        verbose_name=_("statement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    line = models.ForeignKey(
        "contracts.StatementLine",
        verbose_name=_("statement line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    work_log = models.ForeignKey(
        "tickets.WorkLog",
        verbose_name=_("work entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.CharField(_("customer's reason"), max_length=1000)
    raised_by = models.ForeignKey(
        "customers.Contact", verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    answer = models.CharField(_("vendor's answer"), max_length=1000, blank=True)
    decision_reason = models.CharField(_("reason of the decision"), max_length=1000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    correction = models.ForeignKey(
        "tickets.WorkLog",
        verbose_name=_("correcting work entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reissued = models.ForeignKey(
        "contracts.Statement",
        verbose_name=_("statement issued again"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["contract", "period_start", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(line__isnull=False) | models.Q(work_log__isnull=False),
                name="dispute_names_what_it_questions",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


# Defined in its own module (models.py stays under 400 lines); imported so Django finds it.
from opiekun.reports.export_models import ExportJob  # noqa: E402

__all__ = [
    "BankMonth",
    "CustomerMonth",
    "Dispute",
    "ExportJob",
    "IssuedDocument",
    "RegisterApproval",
    "StatementRun",
    "StatementRunItem",
    "StatementSending",
]
