"""What a plan covers, and the recurring work it promises."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import Recurrence, ScopeKind
from opiekun.catalog.models.plans import Plan


class ScopeItem(models.Model):
    """One line of what a plan covers, excludes (billable extra work) or refers
    elsewhere (R-SCP-1, R-SCP-2, R-SCP-3)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="scope_items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ScopeKind.choices)
    text = models.CharField(_("text"), max_length=300)
    refer_to = models.CharField(
        _("refer to"), max_length=200, blank=True, help_text=_("E.g. the hardware department.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scope item")
        verbose_name_plural = _("scope items")
        ordering = ["plan", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "text"], name="scope_item_unique")
        ]

    def __str__(self) -> str:
        return self.text


class MaintenanceTask(models.Model):
    """Recurring work a plan promises (R-SCP-4): PWSK's integrity check and
    defragmentation, MER's database review. Tickets are created on schedule."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="maintenance_tasks"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    recurrence = models.CharField(
        _("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.MONTHLY
    )

    class Meta:
        verbose_name = _("maintenance task")
        verbose_name_plural = _("maintenance tasks")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="maintenance_task_unique")
        ]

    def __str__(self) -> str:
        return self.name
