from __future__ import annotations

import datetime as dt

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from opiekun.core import actions as core_actions
from opiekun.tickets import actions, maintenance, sweep
from opiekun.tickets.models import Ticket

# Registered under its old name from its own module; re-exported for the worker's
# autodiscovery, which imports ``tasks`` modules only.
from opiekun.tickets.notices import send_sla_notification

__all__ = [
    "create_maintenance_tickets",
    "recompute_open_deadlines",
    "send_sla_notification",
    "sweep_sla",
]


@shared_task(bind=True, name="opiekun.tickets.tasks.sweep_sla", ignore_result=True)
def sweep_sla(self: Task) -> int:
    """Run by beat: warnings and breaches of every ticket whose check has come, once per
    SLA_SWEEP_SECONDS period. Beat sends it with an expiry of one period, so the moment
    beat sent it is the expiry less one period; that moment names the period claimed."""
    interval = settings.SLA_SWEEP_SECONDS
    planned = timezone.now()
    if self.request.expires:
        expires = dt.datetime.fromisoformat(str(self.request.expires))
        planned = expires - dt.timedelta(seconds=interval)
    run = core_actions.claim_period("sla-sweep", interval, planned)
    if run is None:
        return 0  # this period's sweep already ran (a second beat, a redelivery)
    handled = sweep.sweep()
    core_actions.finish_period(run, handled)
    return handled


@shared_task(name="opiekun.tickets.tasks.recompute_open_deadlines", ignore_result=True)
def recompute_open_deadlines(plan_ids: list[int], reason: str) -> int:
    """After a plan or calendar changed: every open ticket under those plans gets its
    deadlines recomputed, pause time kept (R-SLA-9)."""
    tickets = Ticket.objects.filter(
        contract__plan_id__in=plan_ids, status__in=Ticket.OPEN_STATUSES
    ).order_by("pk")
    count = 0
    for ticket in tickets.iterator():
        actions.recompute_deadlines(ticket, reason=reason)
        count += 1
    return count


@shared_task(name="opiekun.tickets.tasks.create_maintenance_tickets", ignore_result=True)
def create_maintenance_tickets() -> int:
    """Run by beat: this period's maintenance tickets, once each (R-SCP-4)."""
    return maintenance.create_due()
