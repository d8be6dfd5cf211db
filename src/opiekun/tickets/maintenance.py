"""Recurring maintenance under a contract (R-SCP-4): PWSK's integrity check,
defragmentation and backup supervision, MER's database review. Beat runs this hourly; each
task gets one ticket per period, even with two workers (a unique row per period)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import Channel, Recurrence
from opiekun.catalog.models import MaintenanceTask
from opiekun.contracts.models import Contract
from opiekun.core import batch
from opiekun.tickets import actions
from opiekun.tickets.models import MaintenanceRun

_MONTHS = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.YEARLY: 12}


def period_start(recurrence: str, day: dt.date) -> dt.date:
    months = _MONTHS[Recurrence(recurrence)]
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


Due = tuple[Contract, MaintenanceTask, dt.date]
BATCH = 500


def _missing(contracts: list[Contract], today: dt.date) -> list[Due]:
    """The (contract, task, period) of ``contracts`` without this period's run: the
    plans' tasks and the runs made already, two reads for any number of contracts."""
    tasks: dict[int, list[MaintenanceTask]] = defaultdict(list)
    for task in MaintenanceTask.objects.filter(plan_id__in={c.plan_id for c in contracts}):
        tasks[task.plan_id].append(task)
    starts = {period_start(t.recurrence, today) for found in tasks.values() for t in found}
    have = set(
        MaintenanceRun.objects.filter(
            contract__in=[c.pk for c in contracts], period_start__in=starts
        ).values_list("contract_id", "task_id", "period_start")
    )
    due = []
    for contract in contracts:
        for task in tasks[contract.plan_id]:
            start = period_start(task.recurrence, today)
            if (contract.pk, task.pk, start) not in have:
                due.append((contract, task, start))
    return due


def create_due(today: dt.date | None = None) -> int:
    """This period's maintenance tickets of every contract in force, once each
    (R-SCP-4), a batch of contracts at a time (issue 20, item 5). The hourly pass that
    finds every run made reads the contracts, their tasks and their runs, and writes
    nothing. The missing ones are made under a lock of their contracts, read again, so
    a second beat waits on the lock and then finds them made; the tickets are opened
    together (``open_tickets``) and their runs inserted at once."""
    today = today or timezone.localdate()
    created = 0
    running = [Contract.Status.ACTIVE, Contract.Status.NOTICE]
    contracts = (
        Contract.objects.filter(status__in=running, plan__maintenance_tasks__isnull=False)
        .select_related("organisation", "plan")
        .distinct()
    )
    for page in batch.chunks(contracts, BATCH):
        if not _missing(page, today):
            continue
        with batch.batch(), transaction.atomic():
            locked = list(
                Contract.objects.select_for_update(of=("self",))
                .filter(pk__in=[c.pk for c in page], status__in=running)
                # The account managers with their users: intake assigns to them.
                .select_related("organisation__account_manager__user", "plan")
                .order_by("pk")
            )
            due = _missing(locked, today)
            if not due:
                continue
            # One moment for the batch: intake's reads (the contract in force, a valid
            # package) are then one per batch, not one per ticket.
            now = timezone.now()
            tickets = actions.open_tickets(
                [
                    actions.TicketSpec(
                        contract.organisation,
                        Channel.REMOTE,
                        f"{task.name} ({start:%Y-%m})",
                        f"Scheduled maintenance under {contract.number}.",
                        received_at=now,
                    )
                    for contract, task, start in due
                ]
            )
            MaintenanceRun.objects.bulk_create(
                [
                    MaintenanceRun(contract=contract, task=task, period_start=start, ticket=ticket)
                    for (contract, task, start), ticket in zip(due, tickets, strict=True)
                ]
            )
            created += len(due)
    return created
