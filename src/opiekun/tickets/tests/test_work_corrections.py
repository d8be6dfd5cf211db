"""Work-log corrections (issue 15, R-HRS-5): a new correcting entry with a reason, never
an edit; the banks' ledger and the statement of an open month show it; a closed month
refuses it; the admin edits neither work logs nor ledger entries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.core.models import AuditEvent
from opiekun.reports import statements
from opiekun.tariff import BillingError
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket, WorkLog

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=W)


@pytest.fixture
def ship(personas: Personas, presets: None) -> Contract:
    """SHIP START since June: 180 min a month; customer A is the single point of contact."""
    return contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="SHIP-START"),
        number="S/1",
        starts_on=dt.date(2026, 6, 1),
    )


@pytest.fixture
def ticket(personas: Personas, ship: Contract) -> Ticket:
    return actions.open_ticket(
        personas.org_a,
        channel="email",
        subject="Etykiety",
        received_at=at(5),
        contact=personas.customer_a,
    )


def _allotment(contract: Contract) -> HourBank:
    return HourBank.objects.get(contract=contract, kind="allotment", valid_from__month=10)


def test_r_hrs_5_a_correction_is_a_new_entry_that_gives_minutes_back_and_the_statement_shows_it(
    personas: Personas, ship: Contract, ticket: Ticket
) -> None:
    phone = actions.log_work(
        ticket, staff=personas.agent, kind="phone", raw_minutes=17, started_at=at(5, 11)
    )
    remote = actions.log_work(
        ticket, staff=personas.agent, kind="remote", raw_minutes=170, started_at=at(6, 11)
    )
    assert (phone.billable_minutes, remote.billable_minutes, remote.overage_minutes) == (
        30,
        180,
        30,
    )
    bank = _allotment(ship)
    assert banks.balance(bank) == 0

    fix = actions.correct_work(
        remote, raw_minutes=50, reason="Połowa to była przerwa", staff=personas.agent
    )
    # 50 min + 5 to write it down, per started 30: 60 billable, 120 fewer: 30 of them
    # were beyond the banks, 90 go back to the month's allotment.
    assert (fix.raw_minutes, fix.billable_minutes, fix.overage_minutes) == (-120, -120, -30)
    assert fix.corrects == remote and fix.started_at == remote.started_at
    remote.refresh_from_db()
    assert (remote.raw_minutes, remote.billable_minutes, remote.overage_minutes) == (170, 180, 30)
    back = LedgerEntry.objects.get(work_log=fix, kind="correction")
    assert back.minutes == 90 and back.bank == bank and back.at == remote.started_at
    # October is over: the allotment has ended, so what came back lapses at once.
    assert LedgerEntry.objects.filter(bank=bank, kind="expiry", minutes=-90).exists()
    event = AuditEvent.objects.get(kind="ticket.work_corrected")
    assert event.data["raw_before"] == 170 and event.data["raw_after"] == 50
    assert event.data["reason"] == "Połowa to była przerwa"

    draft = statements.draft(ship, dt.date(2026, 10, 1))
    used = [line for line in draft.lines if line.kind == "bank"]
    assert [line.description for line in used] == [
        f"Used from the {banks.bank_label(bank)}: 90 min"
    ]
    assert not [line for line in draft.lines if line.kind == "overage"]
    work = [line for line in draft.lines if line.kind == "work"]
    assert [(w.raw_minutes, w.billable_minutes) for w in work] == [(17, 30), (50, 60)]
    assert "corrected: Połowa to była przerwa" in work[1].description


def test_a_correction_upwards_draws_from_the_bank_like_log_work(
    personas: Personas, ship: Contract, ticket: Ticket
) -> None:
    phone = actions.log_work(
        ticket, staff=personas.agent, kind="phone", raw_minutes=17, started_at=at(5, 11)
    )
    fix = actions.correct_work(
        phone, raw_minutes=40, reason="Dłuższa rozmowa", staff=personas.agent
    )
    assert fix.billable_minutes == 15  # 40 + 5 per started 15: 45, was 30
    drawn = LedgerEntry.objects.get(work_log=fix)
    assert drawn.kind == "use" and drawn.minutes == -15
    assert banks.balance(_allotment(ship)) == 180 - 45
    again = actions.correct_work(phone, raw_minutes=5, reason="Pomyłka", staff=personas.agent)
    assert again.billable_minutes == -30  # 5 + 5 per started 15: 15, was 45
    draft = statements.draft(ship, dt.date(2026, 10, 1))
    used = [line for line in draft.lines if line.kind == "bank"]
    assert used[0].description.endswith(": 15 min")
    work = [line for line in draft.lines if line.kind == "work"]
    assert [(w.raw_minutes, w.billable_minutes) for w in work] == [(5, 15)]


def test_a_correction_in_the_current_month_shows_in_the_bank_balance(
    personas: Personas, ship: Contract, ticket: Ticket
) -> None:
    work = actions.log_work(ticket, staff=personas.agent, kind="phone", raw_minutes=17)
    current = banks.open_banks(ship.banks.all())
    allotment = next(b for b in current if b.kind == "allotment")
    assert banks.balance(allotment) == 150
    actions.correct_work(work, raw_minutes=0, reason="Nie nasza sprawa", staff=personas.agent)
    assert banks.balance(allotment) == 180
    assert not LedgerEntry.objects.filter(bank=allotment, kind="expiry").exists()


def test_a_closed_month_refuses_corrections(
    personas: Personas, ship: Contract, ticket: Ticket
) -> None:
    work = actions.log_work(
        ticket, staff=personas.agent, kind="phone", raw_minutes=17, started_at=at(5, 11)
    )
    statement = statements.issue(ship, dt.date(2026, 10, 1))
    statements.approve(statement, contact=personas.customer_a)
    with translation.override("en"), pytest.raises(BillingError, match=r"^work: .*closed"):
        actions.correct_work(work, raw_minutes=5, reason="Za późno", staff=personas.agent)
    with translation.override("pl"), pytest.raises(BillingError, match="zestawienie za 2026-10"):
        actions.correct_work(work, raw_minutes=5, reason="Za późno", staff=personas.agent)
    assert WorkLog.objects.count() == 1
    assert not LedgerEntry.objects.filter(kind="correction").exists()


def test_a_correction_needs_a_reason_new_minutes_and_an_original(
    personas: Personas, ship: Contract, ticket: Ticket
) -> None:
    work = actions.log_work(
        ticket, staff=personas.agent, kind="phone", raw_minutes=17, started_at=at(5, 11)
    )
    with pytest.raises(BillingError, match=r"^reason: "):
        actions.correct_work(work, raw_minutes=5, reason="  ", staff=personas.agent)
    with pytest.raises(BillingError, match=r"^raw_minutes: "):
        actions.correct_work(work, raw_minutes=17, reason="to samo", staff=personas.agent)
    with pytest.raises(BillingError, match=r"^raw_minutes: "):
        actions.correct_work(work, raw_minutes=-5, reason="ujemne", staff=personas.agent)
    fix = actions.correct_work(work, raw_minutes=5, reason="krócej", staff=personas.agent)
    with pytest.raises(BillingError, match=r"^work: "):
        actions.correct_work(fix, raw_minutes=1, reason="korekta korekty", staff=personas.agent)


def test_the_admin_edits_no_work_log_and_no_ledger_entry() -> None:
    request = RequestFactory().get("/admin/")
    for model in (WorkLog, LedgerEntry):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_add_permission(request)
