"""The vendor's setting that a portal question counts as the plan's e-mail channel for the
reaction guarantee (issue 16). Support managers' work; each change is audited, and open
tickets under the plan get their deadlines recomputed (R-SLA-9)."""

from __future__ import annotations

from django.db import transaction

from opiekun.catalog import changes
from opiekun.catalog.models import Plan
from opiekun.core import audit
from opiekun.core.audit import Actor


def set_portal_counts_as_email(plan: Plan, value: bool, *, actor: Actor = None) -> Plan:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("vendor").get(pk=plan.pk)
        before = plan.portal_counts_as_email
        if before == value:
            return plan
        plan.portal_counts_as_email = value
        plan.save(update_fields=["portal_counts_as_email", "updated_at"])
        audit.record(
            "plan.portal_counts_as_email_set", plan, actor=actor, before=before, after=value
        )
        changes.recompute_after_commit([plan.pk], f"plan {plan.code}: portal as e-mail {value}")
    return plan
