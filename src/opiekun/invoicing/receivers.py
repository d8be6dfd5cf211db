"""Invoices issued on approval (issue 21, item 1), from ``reports.signals``: when the
vendor chose so, an approved statement is invoiced by a task right after the approval
commits. After, not inside: an invoice that cannot be issued (the seller has no NIP yet)
must not undo the customer's approval; the task's failure is logged and audited, and a
manager issues it from the statement's page once the data is fixed."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from opiekun.contracts.models import Statement
from opiekun.invoicing import settings_actions, tasks
from opiekun.reports import signals as report_signals


@receiver(report_signals.statement_approved, dispatch_uid="invoicing-on-approval")
def statement_approved(sender: Any, *, statement: Statement, **_: Any) -> None:
    if settings_actions.issues_on_approval(statement.contract.plan.vendor_id):
        transaction.on_commit(partial(tasks.issue_approved.delay, statement.pk))
