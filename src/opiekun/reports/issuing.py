"""Starting a statement run (issue 17): one organisation's month, or every organisation's,
issued by the worker; the run's row shows the progress."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.customers.models import Organisation
from opiekun.reports import runs, tasks
from opiekun.reports.models import StatementRun
from opiekun.reports.statements import StatementError
from opiekun.tariff.periods import month_start


def start(
    month: dt.date, *, organisation: Organisation | None = None, actor: Actor = None
) -> StatementRun:
    """Records the run and hands it to the worker once the record is committed."""
    start_of = month_start(month)
    if start_of >= month_start(timezone.localdate()):
        raise StatementError(f"month: {start_of:%Y-%m} is not over yet")
    with transaction.atomic():
        run = StatementRun.objects.create(
            period_start=start_of,
            organisation=organisation,
            started_by=audit.acting_user(actor),
            total=runs.in_force(start_of, organisation).count(),
        )
        audit.record(
            "statement_run.started",
            run,
            actor=actor,
            organisation=organisation,
            month=f"{start_of:%Y-%m}",
            total=run.total,
        )
        transaction.on_commit(lambda: tasks.issue_statements.delay(run.pk))
    return run
