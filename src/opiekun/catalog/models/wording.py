"""The plan's own words for how bad a problem is, shown on the portal's question form."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import Severity
from opiekun.catalog.models.plans import Plan


class SeverityWording(models.Model):
    """How a plan names a severity, in Polish and English: KJM's critical outage is "the
    system cannot be used on any workstation" (R-SLA-4). A severity without a row keeps
    its general name. Shipped by the presets, edited in the admin."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="severity_wordings"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    text_pl = models.CharField(_("wording (Polish)"), max_length=200)
    text_en = models.CharField(_("wording (English)"), max_length=200)

    class Meta:
        verbose_name = _("severity wording")
        verbose_name_plural = _("severity wordings")
        ordering = ["plan", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "severity"], name="severity_wording_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.severity}: {self.text_en}"

    def text(self, language: str | None = None) -> str:
        """The wording in ``language`` (the active one), English for any but Polish."""
        language = (language or get_language() or "en")[:2]
        return self.text_pl if language == "pl" else self.text_en
