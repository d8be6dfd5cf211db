"""Past months the tests need: work that is already billed and stated."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from opiekun.contracts.models import Statement
from opiekun.reports import statements
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

WARSAW = ZoneInfo("Europe/Warsaw")
OCTOBER = dt.date(2026, 10, 1)


def october_statement(p: Personas, *, subject: str, note: str = "") -> Statement:
    """Customer B (a SHIP plan) called on 5 October; 17 minutes of phone work were
    logged, and October's statement is issued."""
    ticket = actions.open_ticket(
        p.org_b,
        channel="phone",
        subject=subject,
        contact=p.customer_b,
        received_at=dt.datetime(2026, 10, 5, 10, tzinfo=WARSAW),
    )
    actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=17,
        started_at=dt.datetime(2026, 10, 5, 11, tzinfo=WARSAW),
        note=note,
    )
    assert p.contract_b is not None
    return statements.issue(p.contract_b, OCTOBER)
