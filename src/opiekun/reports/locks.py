"""Whether a month is closed for a contract: its statement or its organisation's
register was approved by the customer (R-REG-2). Work is not logged into a closed month."""

from __future__ import annotations

import datetime as dt

from opiekun.contracts.models import Contract, StatementApproval
from opiekun.reports.models import RegisterApproval
from opiekun.tariff.periods import month_start


def closed_by(contract: Contract, day: dt.date) -> str:
    """'statement' or 'register' when the month of ``day`` is closed; '' when open."""
    start = month_start(day)
    if StatementApproval.objects.filter(contract=contract, period_start=start).exists():
        return "statement"
    if RegisterApproval.objects.filter(
        organisation_id=contract.organisation_id, period_start=start
    ).exists():
        return "register"
    return ""
