"""How reports answer the hooks of the apps below it (contracts/signals.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from opiekun.contracts.models import Contract
from opiekun.contracts.signals import month_closure
from opiekun.reports.models import RegisterApproval


@receiver(month_closure, dispatch_uid="reports.register_closes_the_month")
def register_closes_the_month(
    sender: Any, *, contract: Contract, start: dt.date, **kwargs: Any
) -> str:
    """An approved register closes the month for every contract of its organisation."""
    approved = RegisterApproval.objects.filter(
        organisation_id=contract.organisation_id, period_start=start
    ).exists()
    return "register" if approved else ""
