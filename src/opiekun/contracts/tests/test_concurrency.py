"""50 parallel log_work calls on one bank, real threads against the real PostgreSQL: the
balance is exact and never overdrawn (R-HRS-5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from opiekun.catalog.actions import load_presets
from opiekun.catalog.presets import PRESETS
from opiekun.contracts import banks
from opiekun.contracts.models import LedgerEntry
from opiekun.testing.personas import make_personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions
from opiekun.tickets.models import WorkLog

W = ZoneInfo("Europe/Warsaw")


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_work_logs_never_overdraw_the_bank() -> None:
    load_presets(list(PRESETS))
    p = make_personas(plan_a="PWSK-SUPERVISION")  # 480 min a month, phone billed by the minute
    assert p.contract_a is not None
    started = dt.datetime(2026, 11, 17, 10, 0, tzinfo=W)
    ticket = actions.open_ticket(p.org_a, channel="phone", subject="Hot-line", received_at=started)
    banks.ensure_month_banks(p.contract_a, started.date())
    errors = run_in_threads(
        lambda n: actions.log_work(
            ticket, staff=p.agent, kind="phone", raw_minutes=15, started_at=started
        ),
        50,
    )
    assert errors == []
    assert WorkLog.objects.count() == 50
    # November's (the contract also holds today's month, granted when it was recorded).
    bank = p.contract_a.banks.get(
        kind="allotment", valid_from=banks.local_midnight(started.date().replace(day=1))
    )
    assert banks.balance(bank) == 0  # 32 x 15 = 480 drawn, exactly
    uses = LedgerEntry.objects.filter(bank=bank, kind="use")
    assert uses.aggregate(s=Sum("minutes"))["s"] == -480
    assert WorkLog.objects.aggregate(s=Sum("overage_minutes"))["s"] == 50 * 15 - 480
    # Never overdrawn on the way: every entry left a non-negative running balance.
    running = 0
    for entry in LedgerEntry.objects.filter(bank=bank).order_by("pk"):
        running += entry.minutes
        assert running >= 0
