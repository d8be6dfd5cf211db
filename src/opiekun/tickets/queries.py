"""Reads of tickets that more than one caller needs."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from opiekun.catalog.choices import WorkKind
from opiekun.contracts.models import Contract
from opiekun.tickets.models import WorkLog


def guarantee_used_minutes(contract: Contract, at: dt.datetime) -> int:
    """E-mail support minutes used under the contract in ``at``'s calendar month: what the
    monthly guaranteed-support limit counts (R-SLA-5)."""
    local = timezone.localtime(at)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    used = WorkLog.objects.filter(
        ticket__contract=contract,
        kind=WorkKind.EMAIL,
        started_at__gte=month_start,
        started_at__lt=next_month,
    ).aggregate(total=Sum("billable_minutes"))["total"]
    return int(used or 0)
