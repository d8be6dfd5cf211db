"""Recurring maintenance under a contract (R-SCP-4): PWSK's integrity check,
defragmentation and backup supervision, MER's database review. Beat runs this daily; each
task gets one ticket per period, even with two workers (a unique row per period)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from opiekun.catalog.choices import Channel, Recurrence
from opiekun.catalog.models import MaintenanceTask
from opiekun.contracts.models import Contract
from opiekun.tickets import actions
from opiekun.tickets.models import MaintenanceRun

_MONTHS = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.YEARLY: 12}


def period_start(recurrence: str, day: dt.date) -> dt.date:
    months = _MONTHS[Recurrence(recurrence)]
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


def create_due(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    created = 0
    contracts = (
        Contract.objects.filter(
            status__in=[Contract.Status.ACTIVE, Contract.Status.NOTICE],
            plan__maintenance_tasks__isnull=False,
        )
        .select_related("organisation", "plan")
        .distinct()
    )
    for contract in contracts:
        for task in MaintenanceTask.objects.filter(plan=contract.plan):
            start = period_start(task.recurrence, today)
            if MaintenanceRun.objects.filter(
                contract=contract, task=task, period_start=start
            ).exists():
                continue
            try:
                with transaction.atomic():
                    ticket = actions.open_ticket(
                        contract.organisation,
                        channel=Channel.REMOTE,
                        subject=f"{task.name} ({start:%Y-%m})",
                        description=f"Scheduled maintenance under {contract.number}.",
                    )
                    MaintenanceRun.objects.create(
                        contract=contract, task=task, period_start=start, ticket=ticket
                    )
            except IntegrityError:
                continue  # another worker made this period's ticket first; ours rolled back
            created += 1
    return created
