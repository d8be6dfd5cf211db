"""Work on a ticket: logged time, booked sessions, scheduled maintenance."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import WorkKind
from opiekun.core.fields import ScaledDecimalField
from opiekun.core.models import Timestamped
from opiekun.tickets.models.ticket import Ticket


class WorkLog(Timestamped):
    """A piece of work on a ticket: the raw minutes spent and the billable minutes the
    plan's rules make of them (R-HRS-1, R-HRS-2), with the explanation.

    Never edited: a correction is a new entry that ``corrects`` the original, holding the
    signed difference (its minutes may be negative) and the reason, so sums over a month's
    entries (statements, overage) come out right without reading the originals again."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="work_logs"
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="work_logs",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    started_at = models.DateTimeField(_("started at"))
    raw_minutes = models.IntegerField(_("raw minutes"))
    billable_minutes = models.IntegerField(_("billable minutes"))
    emergency = models.BooleanField(_("emergency"), default=False)
    out_of_hours = models.BooleanField(_("out of hours"), default=False)
    multiplier = ScaledDecimalField(
        _("multiplier"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    overage_minutes = models.IntegerField(
        _("minutes beyond the banks"), default=0, help_text=_("Billed at the hourly rate.")
    )
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    note = models.TextField(_("what was done"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["ticket", "started_at"]
        indexes = [models.Index(fields=["started_at"])]
        constraints = [
            # An original entry: minutes are counts. A correction holds differences,
            # which may be negative, and must say why.
            models.CheckConstraint(
                condition=Q(corrects__isnull=False)
                | Q(
                    raw_minutes__gte=0,
                    billable_minutes__gte=0,
                    overage_minutes__gte=0,
                    overage_minutes__lte=F("billable_minutes"),
                ),
                name="worklog_counts_or_correction",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="worklog_correction_has_reason",
            ),
            models.CheckConstraint(condition=Q(multiplier__gte=1), name="worklog_multiplier"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.kind} {self.raw_minutes}/{self.billable_minutes}"


class Appointment(Timestamped):
    """A remote session booked for a slot both sides agreed (R-SLA-7); the reaction
    guarantee does not mean an immediate session."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="appointments"
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["staff", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.starts_at:%Y-%m-%d %H:%M}"


class MaintenanceRun(models.Model):
    """The ticket made for one recurring maintenance task of one contract in one period
    (R-SCP-4). Unique per period, so two workers never create it twice."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="maintenance_runs",
    )
    task = models.ForeignKey(
        "catalog.MaintenanceTask",
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        related_name="runs",
    )
    period_start = models.DateField(_("period start"))
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="maintenance_run"
    )

    class Meta:
        verbose_name = _("maintenance run")
        verbose_name_plural = _("maintenance runs")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "task", "period_start"], name="maintenance_run_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.period_start}"
