"""Issue 20, item 5: the beat's bank jobs cost the same queries over 3 rows as over 30
(no per-row reads), and still do what R-HRS-3 and R-HRS-4 ask."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opiekun.catalog.models import Plan
from opiekun.contracts import actions, banks, sweeps
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.core.models import AuditEvent
from opiekun.reports.models import BankMonth
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def contracts(p: Personas, code: str, first: int, count: int) -> list[Contract]:
    plan = Plan.objects.get(code=code)
    return [
        actions.record_active_contract(
            p.org_a if n % 2 else p.org_b, plan, number=f"B/{n}", starts_on=dt.date(2026, 1, 1)
        )
        for n in range(first, first + count)
    ]


def queries_of(call: object) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = call()  # type: ignore[operator]
    return result, len(captured)


def test_issue_20_item_5_the_monthly_grant_costs_the_same_for_3_or_30_contracts(
    personas: Personas, presets: None
) -> None:
    plan = Plan.objects.get(code="SHIP-START")
    per_contract = (plan.included_minutes > 0) + bool(plan.guaranteed_monthly_minutes)
    contracts(personas, "SHIP-START", 0, 3)
    granted_3, cost_3 = queries_of(lambda: sweeps.grant_monthly(dt.date(2027, 2, 10)))
    contracts(personas, "SHIP-START", 3, 27)
    granted_30, cost_30 = queries_of(lambda: sweeps.grant_monthly(dt.date(2027, 3, 10)))
    assert (granted_3, granted_30) == (3 * per_contract, 30 * per_contract)
    assert cost_3 == cost_30, (cost_3, cost_30)
    # The hourly pass that finds every bank there: a page of contracts, their banks, the
    # empty next page; nothing written.
    again, cost_again = queries_of(lambda: sweeps.grant_monthly(dt.date(2027, 3, 20)))
    assert (again, cost_again) == (0, 3)
    # R-HRS-4: one bank of each kind a month, granted once, its kept figures counted.
    march = HourBank.objects.filter(valid_from=dt.datetime(2027, 3, 1, tzinfo=W))
    assert march.count() == 30 * per_contract
    allotment = march.filter(kind="allotment").first()
    assert allotment is not None
    assert banks.balance(allotment) == plan.included_minutes
    assert BankMonth.objects.get(bank=allotment, month=dt.date(2027, 3, 1)).granted == (
        plan.included_minutes
    )
    assert allotment.expires_at == dt.datetime(2027, 4, 1, tzinfo=W)


def test_issue_20_item_5_expiry_costs_the_same_for_3_or_30_banks(
    personas: Personas, presets: None
) -> None:
    for n, contract in enumerate(contracts(personas, "KJM-PACKAGE", 0, 33)):
        # The first 3 bought in March (valid through June), the other 30 in April.
        day = dt.date(2026, 3, 1 + n) if n < 3 else dt.date(2026, 4, 1 + n % 28)
        banks.grant_package(contract, purchased_on=day)
    expired_3, cost_3 = queries_of(lambda: sweeps.expire_due(dt.datetime(2026, 6, 20, tzinfo=W)))
    expired_30, cost_30 = queries_of(lambda: sweeps.expire_due(dt.datetime(2026, 8, 20, tzinfo=W)))
    assert (expired_3, expired_30) == (3, 30)
    assert cost_3 == cost_30, (cost_3, cost_30)
    # R-HRS-3: each package closed as its validity ended, what was left written off and
    # audited with its organisation.
    packages = HourBank.objects.filter(kind="package")
    assert not packages.filter(closed_at__isnull=True).exists()
    bank = packages.order_by("pk").first()
    assert bank is not None
    assert bank.closed_at == bank.expires_at
    assert banks.balance(bank) == 0
    assert LedgerEntry.objects.filter(kind="expiry").count() == 33
    event = AuditEvent.objects.get(kind="bank.expired", subject_id=str(bank.pk))
    assert event.organisation_id == bank.contract.organisation_id
    assert event.data["lapsed"] == bank.contract.plan.included_minutes
    assert sweeps.expire_due(dt.datetime(2026, 9, 1, tzinfo=W)) == 0  # idempotent


def dated_contracts(p: Personas, first: int, count: int, *, starts: dt.date, ends: dt.date) -> None:
    """``count`` accepted contracts that start on ``starts`` and ``count`` contracts in
    force that end the day before ``ends``: every other one under notice."""
    plan = Plan.objects.get(code="SHIP-START")
    for n in range(first, first + count):
        quote = actions.create_quote(p.org_a, plan, number=f"Q/{n}")
        Contract.objects.filter(pk=quote.pk).update(
            status=Contract.Status.ACCEPTED, starts_on=starts, accepted_at=W_NOON
        )
        ending = actions.record_active_contract(
            p.org_b, plan, number=f"E/{n}", starts_on=dt.date(2026, 1, 1)
        )
        Contract.objects.filter(pk=ending.pk).update(
            ends_on=ends - dt.timedelta(days=1),
            status=Contract.Status.NOTICE if n % 2 else Contract.Status.ACTIVE,
        )


W_NOON = dt.datetime(2026, 11, 2, 12, tzinfo=W)


def test_issue_20_item_5_contract_dates_cost_the_same_for_3_or_30_contracts(
    personas: Personas, presets: None
) -> None:
    """R-CON-1: an accepted contract starts on its first day, with the month's banks
    (R-HRS-4); R-CON-2: one past its last day ends, terminated after notice, else
    expired. The same statements for 3 contracts of each as for 30."""

    def dates(day: dt.date) -> int:
        return actions.activate_due(day) + actions.end_due(day)

    dated_contracts(personas, 0, 3, starts=dt.date(2027, 1, 4), ends=dt.date(2027, 1, 4))
    done_3, cost_3 = queries_of(lambda: dates(dt.date(2027, 1, 4)))
    dated_contracts(personas, 3, 30, starts=dt.date(2027, 2, 3), ends=dt.date(2027, 2, 3))
    done_30, cost_30 = queries_of(lambda: dates(dt.date(2027, 2, 3)))
    assert (done_3, done_30) == (6, 60)
    assert cost_3 == cost_30, (cost_3, cost_30)
    plan = Plan.objects.get(code="SHIP-START")
    per_contract = (plan.included_minutes > 0) + bool(plan.guaranteed_monthly_minutes)
    started = Contract.objects.filter(number__startswith="Q/")
    assert set(started.values_list("status", flat=True)) == {"active"}
    for contract in started:
        events = AuditEvent.objects.filter(kind="contract.activated", subject_id=str(contract.pk))
        assert [e.organisation_id for e in events] == [contract.organisation_id]
        assert contract.starts_on is not None
        month = dt.datetime(2027, contract.starts_on.month, 1, tzinfo=W)
        granted = HourBank.objects.filter(contract=contract, valid_from=month)
        assert granted.count() == per_contract
        for bank in granted:
            assert banks.balance(bank) > 0
            assert BankMonth.objects.get(bank=bank).granted == banks.balance(bank)
    ended = Contract.objects.filter(number__startswith="E/").order_by("pk")
    for n, contract in enumerate(ended):
        after = "terminated" if n % 2 else "expired"
        assert contract.status == after
        (event,) = AuditEvent.objects.filter(kind="contract.ended", subject_id=str(contract.pk))
        assert (event.data, event.organisation_id) == ({"status": after}, contract.organisation_id)
    assert dates(dt.date(2027, 2, 4)) == 0  # nothing is done twice
