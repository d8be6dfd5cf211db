"""Decisions that read then write hold under real threads on the real PostgreSQL (issue 13):
the package check and its draw are one decision (R-HRS-3), a customer's message is never
lost to a race on the ticket's state, and work cannot slip into a month the customer is
approving (R-REG-2)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from opiekun.catalog.actions import load_presets
from opiekun.catalog.presets import PRESETS
from opiekun.contracts import banks
from opiekun.contracts.models import LedgerEntry
from opiekun.core.models import AuditEvent
from opiekun.reports import actions as report_actions
from opiekun.reports import register
from opiekun.reports.models import RegisterApproval
from opiekun.tariff import BillingError
from opiekun.testing.personas import make_personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions
from opiekun.tickets.models import Message, Ticket, WorkLog

W = ZoneInfo("Europe/Warsaw")
THREADS = 50


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_r_hrs_3_parallel_work_on_a_package_never_bills_past_it_as_overage() -> None:
    """50 parallel 10-minute logs on a KJM package of 120 minutes, each on its own ticket:
    4 draw the package (30 min each, R-HRS-1), the other 46 are refused as they are one at
    a time, and nothing is billed as overage."""
    load_presets(list(PRESETS))
    p = make_personas(plan_a="KJM-PACKAGE")
    assert p.contract_a is not None
    started = dt.datetime(2026, 11, 17, 10, 0, tzinfo=W)
    banks.grant_package(p.contract_a, purchased_on=dt.date(2026, 11, 2), minutes=120)
    tickets = [
        actions.open_ticket(p.org_a, channel="email", subject=f"Pytanie {n}", received_at=started)
        for n in range(THREADS)
    ]
    errors = run_in_threads(
        lambda n: actions.log_work(
            tickets[n], staff=p.agent, kind="phone", raw_minutes=10, started_at=started
        ),
        THREADS,
    )
    assert len(errors) == THREADS - 4
    assert all(isinstance(e, BillingError) and "no valid package" in str(e) for e in errors)
    assert WorkLog.objects.count() == 4
    assert WorkLog.objects.aggregate(s=Sum("overage_minutes"))["s"] == 0
    assert LedgerEntry.objects.filter(kind="use").aggregate(s=Sum("minutes"))["s"] == -120


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_customer_replies_are_all_stored_and_resume_the_clock_once() -> None:
    """50 replies at once on a ticket waiting for the customer: every message is stored,
    none refused for the state another reply just changed (R-SLA-9)."""
    load_presets(list(PRESETS))
    p = make_personas(plan_a="SHIP-START")
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Etykiety", contact=p.customer_a)
    actions.wait_for_customer(ticket)
    errors = run_in_threads(
        lambda n: actions.customer_message(
            ticket, contact=p.customer_a, body=f"Odpowiedź {n}", channel="portal"
        ),
        THREADS,
    )
    assert errors == []
    assert (
        Message.objects.filter(ticket=ticket, direction=Message.Direction.INBOUND).count()
        == THREADS
    )
    ticket.refresh_from_db()
    assert ticket.paused_since is None
    assert ticket.status == Ticket.Status.NEW
    assert AuditEvent.objects.filter(kind="ticket.resumed").count() == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_r_reg_2_work_logged_while_the_register_is_approved_is_in_it_or_refused() -> None:
    """The customer approves October's register while agents log October work: each piece
    of work either made it into the approved register or was refused as a closed month,
    so the approved hash still matches the register."""
    load_presets(list(PRESETS))
    p = make_personas(plan_a="EKS-HOTLINE")
    october = dt.date(2026, 10, 1)
    asked = dt.datetime(2026, 10, 5, 9, 0, tzinfo=W)
    ticket = actions.open_ticket(
        p.org_a, channel="phone", subject="Jak zamknąć rok?", received_at=asked
    )

    def work_or_approve(n: int) -> None:
        if n == 0:
            report_actions.approve_register(p.org_a, october, contact=p.customer_a)
        else:
            actions.log_work(
                ticket,
                staff=p.agent,
                kind="phone",
                raw_minutes=5,
                started_at=asked + dt.timedelta(minutes=n),
            )

    errors = run_in_threads(work_or_approve, THREADS)
    assert all(isinstance(e, BillingError) and "closed" in str(e) for e in errors)
    approval = RegisterApproval.objects.get(organisation=p.org_a, period_start=october)
    assert register.build(p.org_a, october).content_hash == approval.content_sha256
    assert WorkLog.objects.count() == THREADS - 1 - len(errors)
