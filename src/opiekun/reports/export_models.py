"""A report exported in the background (issue 20, item 4): what was asked for, by whom,
how far the worker is, and the file once it is written (in the default storage, so a
web process on another machine can serve it). Kept apart from models.py only for size;
models.py imports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One export of a report to CSV or XLSX, written by the worker a chunk of rows at a
    time; ``done`` of ``total`` rows is the progress the console polls."""

    class Kind(models.TextChoices):
        SLA = "sla", _("Reaction SLA")
        HOURS = "hours", _("Hours")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The report's own parameters: {"from": "2026-05", "to": "2026-10"} or {"month": ...}.
    parameters = models.JSONField(_("parameters"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The requester's language when asked: the header and the notes are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="queued")
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    # Each delivery of the task that takes the job counts one up; a run that finds the
    # number changed under it stops (a newer delivery took over).
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_job_mine"),
            # The retention job's scan: finished exports older than the period.
            models.Index(fields=["status", "finished_at"], name="export_job_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.READY else (100 * self.done // (self.total or 1))
