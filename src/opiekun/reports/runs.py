"""The work of a statement run (issue 17): issue the month's statement of every contract
in force, one at a time, counting progress on the run's row as it goes. The worker calls
``perform``; the console and the API read the row.

Each contract's statement is its own transaction (``statements.issued``), so a run that
stops half-way keeps what it issued, and a run started again (or two runs at once)
returns the same documents instead of new ones."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from opiekun.contracts.models import Contract
from opiekun.customers.models import Organisation
from opiekun.reports import statements
from opiekun.reports.models import StatementRun, StatementRunItem
from opiekun.tariff.periods import month_start, next_month_start

logger = logging.getLogger(__name__)

IN_FORCE = (
    Contract.Status.ACTIVE,
    Contract.Status.NOTICE,
    Contract.Status.TERMINATED,
    Contract.Status.EXPIRED,
)


def in_force(month: dt.date, organisation: Organisation | None = None) -> QuerySet[Contract]:
    """Contracts in force on some day of the month (banks.in_force_during, as one query)."""
    start = month_start(month)
    found = Contract.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start),
        status__in=IN_FORCE,
        starts_on__lt=next_month_start(start),
    )
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.select_related("organisation").order_by("organisation__name", "number", "pk")


def perform(run_id: int) -> StatementRun | None:
    """Claims the queued run and issues its statements; None when another worker has it."""
    found = StatementRun.objects.filter(pk=run_id).select_related("organisation", "started_by")
    run = found.first()
    if run is None:
        return None
    contracts = list(in_force(run.period_start, run.organisation))
    claimed = StatementRun.objects.filter(pk=run.pk, state=StatementRun.State.QUEUED).update(
        state=StatementRun.State.RUNNING, total=len(contracts)
    )
    if claimed != 1:
        # Nothing got updated: the run was taken by another delivery of the task.
        return None
    try:
        for contract in contracts:
            _one(run, contract)
    except Exception:
        logger.exception("statement run %s stopped", run.pk)
        StatementRun.objects.filter(pk=run.pk).update(
            state=StatementRun.State.FAILED, finished_at=timezone.now()
        )
        raise
    StatementRun.objects.filter(pk=run.pk).update(
        state=StatementRun.State.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _one(run: StatementRun, contract: Contract) -> None:
    item = StatementRunItem(run=run, contract=contract, organisation=contract.organisation)
    try:
        item.statement, item.created = statements.issued(
            contract, run.period_start, actor=run.started_by
        )
    except statements.StatementError as exc:
        item.error = str(exc)[:500]
    except Exception as exc:
        # One customer's fault (a plan without a rate, a broken row) must not stop the
        # month for the others; it is logged in full and named on the run.
        logger.exception("statement of contract %s for run %s", contract.pk, run.pk)
        item.error = f"{type(exc).__name__}: {exc}"[:500]
    with transaction.atomic():
        item.save()
        counter = "failed" if item.error else "done"
        StatementRun.objects.filter(pk=run.pk).update(**{counter: F(counter) + 1})
