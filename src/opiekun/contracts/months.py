"""Whether a month is closed for a contract: its statement or its organisation's
register was approved by the customer (R-REG-2). Work is not logged into a closed month.
The register lives in reports, above contracts, so it answers through a hook."""

from __future__ import annotations

import datetime as dt

from opiekun.contracts.models import Contract, StatementApproval
from opiekun.contracts.signals import month_closure
from opiekun.tariff.periods import month_start


def closed_by(contract: Contract, day: dt.date) -> str:
    """'statement' or 'register' when the month of ``day`` is closed; '' when open."""
    start = month_start(day)
    if StatementApproval.objects.filter(contract=contract, period_start=start).exists():
        return "statement"
    for _receiver, answer in month_closure.send(sender=Contract, contract=contract, start=start):
        if answer:
            return str(answer)
    return ""
