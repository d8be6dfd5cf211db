"""Setting who new tickets go to (issue 15): a plan's rule, or its vendor's default for
plans that set none, and where critical tickets stand in the queue. Support managers'
work; each change is audited."""

from __future__ import annotations

from django.db import transaction

from opiekun.catalog import signals
from opiekun.catalog.choices import AssignmentRule
from opiekun.catalog.models import Plan, Vendor
from opiekun.core import audit
from opiekun.core.audit import Actor


class RuleError(ValueError):
    """The rule asked for does not exist; the message names the field."""


def _checked(rule: str, *, blank_allowed: bool) -> str:
    allowed = [*AssignmentRule.values, *([""] if blank_allowed else [])]
    if rule not in allowed:
        raise RuleError(f"assignment_rule: {rule!r} is not one of {', '.join(map(repr, allowed))}")
    return rule


def set_plan_rule(plan: Plan, rule: str, *, actor: Actor = None) -> Plan:
    """``rule`` '' hands the plan back to its vendor's default."""
    rule = _checked(rule, blank_allowed=True)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("vendor").get(pk=plan.pk)
        before = plan.assignment_rule
        plan.assignment_rule = rule
        plan.save(update_fields=["assignment_rule", "updated_at"])
        audit.record("plan.assignment_rule_set", plan, actor=actor, before=before, after=rule)
    return plan


def set_vendor_rule(vendor: Vendor, rule: str, *, actor: Actor = None) -> Vendor:
    rule = _checked(rule, blank_allowed=False)
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        before = vendor.assignment_rule
        vendor.assignment_rule = rule
        vendor.save(update_fields=["assignment_rule", "updated_at"])
        audit.record("vendor.assignment_rule_set", vendor, actor=actor, before=before, after=rule)
    return vendor


def set_vendor_pinning(vendor: Vendor, pin: bool, *, actor: Actor = None) -> Vendor:
    """Whether the vendor's critical tickets go above contract priority (R-Q-1 reading,
    ADR 4); its open tickets follow at once."""
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        before = vendor.pin_critical
        if before == pin:
            return vendor
        vendor.pin_critical = pin
        vendor.save(update_fields=["pin_critical", "updated_at"])
        audit.record("vendor.pin_critical_set", vendor, actor=actor, before=before, after=pin)
        signals.pinning_changed.send(sender=Vendor, vendor_id=vendor.pk, pin=pin)
    return vendor
