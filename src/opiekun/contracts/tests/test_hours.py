"""Hour banks and log_work with the seeds' own numbers (R-HRS-1 .. R-HRS-5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks, sweeps
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.core.audit import events_for
from opiekun.tariff import BillingError
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=W)


def contract_on(p: Personas, code: str, starts_on: dt.date = dt.date(2026, 1, 1)) -> Contract:
    return contract_actions.record_active_contract(
        p.org_a, Plan.objects.get(code=code), number=f"H/{code}", starts_on=starts_on
    )


def ticket_for(p: Personas, received: dt.datetime) -> Ticket:
    return actions.open_ticket(
        p.org_a, channel="phone", subject="Pytanie", received_at=received, contact=p.customer_a
    )


def left(contract: Contract) -> dict[str, int]:
    return {
        banks.bank_label(b): int(b.balance_minutes or 0)  # type: ignore[attr-defined]
        for b in banks.with_balances(contract.banks.order_by("valid_from", "pk"))
    }


def test_r_hrs_2_ship_phone_17_minutes_takes_30_from_the_allotment(
    personas: Personas, presets: None
) -> None:
    contract = contract_on(personas, "SHIP-START")
    ticket = ticket_for(personas, at(11, 16))
    work = actions.log_work(
        ticket, staff=personas.agent, kind="phone", raw_minutes=17, started_at=at(11, 16, 10, 5)
    )
    assert (work.raw_minutes, work.billable_minutes, work.overage_minutes) == (17, 30, 0)
    assert left(contract)["monthly allotment 2026-11"] == 150
    assert work.explanation[-1] == "30 min from the monthly allotment 2026-11, 150 min left."
    entry = LedgerEntry.objects.get(work_log=work)
    assert (entry.kind, entry.minutes) == ("use", -30)
    assert events_for(ticket).filter(kind="ticket.work_logged").get().data["billable"] == 30


def test_r_hrs_2_ship_remote_31_minutes_is_60_and_the_rest_is_overage(
    personas: Personas, presets: None
) -> None:
    contract = contract_on(personas, "SHIP-START")
    ticket = ticket_for(personas, at(11, 16))
    first = actions.log_work(
        ticket, staff=personas.agent, kind="remote", raw_minutes=31, started_at=at(11, 16, 11)
    )
    assert first.billable_minutes == 60
    big = actions.log_work(
        ticket, staff=personas.agent, kind="remote", raw_minutes=140, started_at=at(11, 17, 11)
    )
    # 140 + 5 = 145 -> 150 billable; 120 left in the allotment, 30 beyond it.
    assert (big.billable_minutes, big.overage_minutes) == (150, 30)
    assert left(contract)["monthly allotment 2026-11"] == 0


def test_r_hrs_2_ship_email_work_draws_nothing_from_the_package(
    personas: Personas, presets: None
) -> None:
    contract = contract_on(personas, "SHIP-START")
    ticket = ticket_for(personas, at(11, 16))
    work = actions.log_work(
        ticket, staff=personas.agent, kind="email", raw_minutes=40, started_at=at(11, 16, 12)
    )
    assert work.overage_minutes == 0
    balances = left(contract)
    assert balances["monthly allotment 2026-11"] == 180
    # R-SLA-5: it counts against the month's guaranteed-support limit (8 h on START).
    assert balances["guaranteed-support counter 2026-11"] == 480 - 45
    assert banks.guarantee_used_minutes(contract, at(11, 20)) == 45


def test_r_hrs_1_kjm_package_intervention_of_40_minutes_is_60_and_twice_after_hours(
    personas: Personas, presets: None
) -> None:
    contract = contract_on(personas, "KJM-PACKAGE")
    banks.grant_package(contract, purchased_on=dt.date(2026, 11, 2))
    ticket = ticket_for(personas, at(11, 16))
    day = actions.log_work(
        ticket, staff=personas.agent, kind="remote", raw_minutes=40, started_at=at(11, 16, 11)
    )
    assert day.billable_minutes == 60
    night = actions.log_work(
        ticket,
        staff=personas.agent,
        kind="remote",
        raw_minutes=40,
        started_at=at(11, 18, 20),
        emergency=True,
    )
    assert (night.billable_minutes, night.out_of_hours, night.multiplier) == (120, True, 2)
    # 180 - 60 - 120 = 0: used up, the package is over whatever its date says (R-HRS-3).
    bank = contract.banks.get(kind="package")
    assert banks.balance(bank) == 0
    assert bank.closed_at == at(11, 18, 20)


def test_r_hrs_3_kjm_package_bought_10_march_expires_10_june(
    personas: Personas, presets: None
) -> None:
    contract = contract_on(personas, "KJM-PACKAGE")
    bank = banks.grant_package(contract, purchased_on=dt.date(2026, 3, 10))
    assert bank.valid_from == at(3, 10, 0)
    assert bank.expires_at == at(6, 11, 0)  # valid through 10 June, lapses as it ends
    assert sweeps.expire_due(at(6, 10, 23, 59)) == 0
    assert sweeps.expire_due(at(6, 11, 0, 1)) == 1
    bank.refresh_from_db()
    assert bank.closed_at == bank.expires_at
    assert banks.balance(bank) == 0
    expiry = bank.entries.get(kind="expiry")
    assert expiry.minutes == -180
    assert sweeps.expire_due(at(6, 12)) == 0  # idempotent


def test_r_hrs_3_without_a_valid_package_the_ticket_waits(
    personas: Personas, presets: None
) -> None:
    contract = contract_on(personas, "KJM-PACKAGE")
    ticket = ticket_for(personas, at(11, 16))
    assert ticket.status == Ticket.Status.AWAITING_PACKAGE
    assert ticket.sla_explanation[-1].startswith("Waiting for a package")
    with pytest.raises(BillingError, match="has no valid package"):
        actions.log_work(
            ticket, staff=personas.agent, kind="phone", raw_minutes=10, started_at=at(11, 16, 11)
        )
    assert not ticket.work_logs.exists()
    banks.grant_package(contract, purchased_on=dt.date(2026, 11, 16))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert events_for(ticket).filter(kind="ticket.package_arrived").exists()


def test_the_soonest_expiring_package_is_drawn_first(personas: Personas, presets: None) -> None:
    contract = contract_on(personas, "KJM-PACKAGE")
    newer = banks.grant_package(contract, purchased_on=dt.date(2026, 11, 2))
    older = banks.grant_package(contract, purchased_on=dt.date(2026, 9, 1))
    ticket = ticket_for(personas, at(11, 16))
    work = actions.log_work(
        ticket, staff=personas.agent, kind="phone", raw_minutes=200, started_at=at(11, 16, 11)
    )
    # 200 -> 210 billable: 180 from September's (expires 2 December), 30 from November's.
    assert [(e.bank_id, e.minutes) for e in work.ledger_entries.order_by("pk")] == [
        (older.pk, -180),
        (newer.pk, -30),
    ]


def test_r_hrs_4_pwsk_allotment_unused_in_may_is_gone_in_june(
    personas: Personas, presets: None
) -> None:
    contract = contract_on(personas, "PWSK-SUPERVISION")
    may = banks.ensure_month_banks(contract, dt.date(2026, 5, 1))
    assert [banks.balance(b) for b in may] == [480]
    assert banks.ensure_month_banks(contract, dt.date(2026, 5, 20)) == may  # granted once
    assert sweeps.expire_due(at(6, 1, 0, 1)) == 1
    may_bank = HourBank.objects.get(pk=may[0].pk)
    assert banks.balance(may_bank) == 0
    assert may_bank.entries.get(kind="expiry").reason == "validity ended; unused hours lapse"
    june = banks.ensure_month_banks(contract, dt.date(2026, 6, 1))
    assert [banks.balance(b) for b in june] == [480]


def test_r_pln_6_mer_licence_hours_for_three_months_from_the_purchase_month(
    personas: Personas, presets: None
) -> None:
    quote = contract_actions.create_quote(
        personas.org_a, Plan.objects.get(code="MER-SOS-LICENCE"), number="MER/L/1"
    )
    contract = contract_actions.accept_quote(quote, accepted_on=dt.date(2026, 9, 15))
    assert (contract.starts_on, contract.ends_on) == (dt.date(2026, 9, 15), dt.date(2026, 11, 30))
    granted = {m: banks.ensure_month_banks(contract, dt.date(2026, m, 1)) for m in (9, 10, 11, 12)}
    assert [banks.balance(b) for b in granted[9]] == [360]
    assert [banks.balance(b) for b in granted[11]] == [360]
    assert granted[12] == []


def test_r_hrs_5_a_balance_is_the_sum_of_its_entries(personas: Personas, presets: None) -> None:
    contract = contract_on(personas, "SHIP-STANDARD")
    ticket = ticket_for(personas, at(11, 16))
    for minutes in (10, 25, 40):
        actions.log_work(
            ticket,
            staff=personas.agent,
            kind="phone",
            raw_minutes=minutes,
            started_at=at(11, 16, 11),
        )
    # November's: the contract also holds the month of today, granted when it was recorded.
    bank = contract.banks.get(
        kind="allotment", valid_from=banks.local_midnight(dt.date(2026, 11, 1))
    )
    assert (
        banks.balance(bank) == bank.entries.aggregate(s=Sum("minutes"))["s"] == 420 - (15 + 30 + 45)
    )
    entry = banks.correct(bank, 30, reason="call logged twice", actor=personas.account_manager.user)
    assert (entry.kind, entry.minutes, entry.actor) == (
        "correction",
        30,
        personas.account_manager.user,
    )
    assert banks.balance(bank) == 360
    with pytest.raises(banks.BankError, match="reason: say why"):
        banks.correct(bank, 5, reason=" ")
    with pytest.raises(banks.BankError, match="below zero"):
        banks.correct(bank, -1000, reason="oops")


def test_log_work_refuses_bad_input_and_writes_nothing(personas: Personas, presets: None) -> None:
    contract_on(personas, "SHIP-START")
    ticket = ticket_for(personas, at(11, 16))
    entries = LedgerEntry.objects.count()  # the grants of the month the contract was recorded in
    for kwargs, message in [
        ({"kind": "programming", "raw_minutes": 10}, "does not offer programming"),
        ({"kind": "phone", "raw_minutes": -1}, r"^minutes: .*1440"),  # 1 to a day's minutes
        ({"kind": "pigeon", "raw_minutes": 10}, "kind: 'pigeon'"),
    ]:
        with pytest.raises(BillingError, match=message):
            actions.log_work(ticket, staff=personas.agent, started_at=at(11, 16, 11), **kwargs)  # type: ignore[arg-type]
    assert not ticket.work_logs.exists()
    assert LedgerEntry.objects.count() == entries


def test_r_ppl_2_only_designated_contacts_use_the_package(
    personas: Personas, presets: None
) -> None:
    from opiekun.customers import actions as customer_actions

    contract = contract_on(personas, "SHIP-START")
    colleague = customer_actions.add_contact(personas.org_a, "Kolega z magazynu")
    ticket = actions.open_ticket(
        personas.org_a,
        channel="phone",
        subject="Pytanie",
        received_at=at(11, 16),
        contact=colleague,
    )
    work = actions.log_work(
        ticket, staff=personas.agent, kind="phone", raw_minutes=17, started_at=at(11, 16, 10, 5)
    )
    assert (work.billable_minutes, work.overage_minutes) == (30, 30)
    assert "Not from a designated contact" in work.explanation[-1]
    assert left(contract).get("monthly allotment 2026-11", 180) == 180


def test_the_portal_forecast_of_when_a_bank_runs_out(contracted_personas: Personas) -> None:
    """R-HRS-4 allotment of SHIP START (180 min): 60 min used in the last 30 days leaves
    120 min, which at that pace lasts 60 days, past the month's end: no run-out date;
    with 150 min used, 30 min left lasts 6 days."""
    contract = contracted_personas.contract_b
    assert contract is not None
    at = dt.datetime(2026, 11, 10, 12, 0, tzinfo=W)
    [allotment] = [
        b
        for b in banks.ensure_month_banks(contract, at.date())
        if b.kind == HourBank.Kind.ALLOTMENT
    ]
    ticket = actions.open_ticket(
        contracted_personas.org_b,
        channel="phone",
        subject="x",
        contact=contracted_personas.customer_b,
        received_at=at - dt.timedelta(days=5),
        backdated=True,
    )
    actions.log_work(
        ticket,
        staff=contracted_personas.agent,
        kind="phone",
        raw_minutes=55,
        started_at=at - dt.timedelta(days=5),
    )
    assert banks.run_out_forecast(allotment, at) is None  # 120 min at 60 min a month
    actions.log_work(
        ticket,
        staff=contracted_personas.agent,
        kind="phone",
        raw_minutes=85,
        started_at=at - dt.timedelta(days=4),
    )
    assert banks.balance(allotment) == 30
    assert banks.run_out_forecast(allotment, at) == dt.date(2026, 11, 16)
