"""Contract life cycle (R-CON-1, R-CON-2, R-CON-5) and prices (R-PLN-5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts import actions, queries
from opiekun.contracts.models import Contract
from opiekun.core.audit import events_for
from opiekun.tariff.periods import next_month_start
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


def quote(p: Personas, code: str, **kw: object) -> Contract:
    return actions.create_quote(p.org_a, Plan.objects.get(code=code), number=f"Q/{code}", **kw)  # type: ignore[arg-type]


def test_r_con_1_care_starts_the_first_day_of_the_next_month(
    personas: Personas, presets: None
) -> None:
    contract = quote(personas, "KJM-CARE", price_net=Decimal("650.00"))
    assert contract.status == "quote"
    accepted = actions.accept_quote(contract, accepted_on=dt.date(2026, 3, 17))
    assert accepted.starts_on == dt.date(2026, 4, 1)
    assert accepted.status == "active"  # 1 April 2026 is past today
    assert events_for(accepted).filter(kind="contract.accepted").exists()
    with pytest.raises(actions.ContractError, match="only a quote can be accepted"):
        actions.accept_quote(accepted, accepted_on=dt.date(2026, 3, 18))


def test_r_con_1_a_future_start_waits_and_activates_on_its_day(
    personas: Personas, presets: None
) -> None:
    # Accepted today (a start in the future waits whatever day the suite runs on).
    today = timezone.localdate()
    first = next_month_start(today)
    contract = actions.accept_quote(quote(personas, "KJM-CARE"), accepted_on=today)
    assert (contract.starts_on, contract.status) == (first, "accepted")
    assert actions.activate_due(first - dt.timedelta(days=1)) == 0
    assert actions.activate_due(first) == 1
    contract.refresh_from_db()
    assert contract.status == "active"


def test_r_con_2_customer_notice_is_30_days(personas: Personas, presets: None) -> None:
    contract = actions.accept_quote(quote(personas, "KJM-CARE"), accepted_on=dt.date(2026, 1, 10))
    noticed = actions.give_notice(contract, by="customer", given_on=dt.date(2026, 10, 5))
    assert (noticed.status, noticed.ends_on) == ("notice", dt.date(2026, 11, 4))
    assert actions.end_due(dt.date(2026, 11, 4)) == 0
    assert actions.end_due(dt.date(2026, 11, 5)) == 1
    noticed.refresh_from_db()
    assert noticed.status == "terminated"


def test_r_con_2_notice_does_not_cut_the_minimum_duration(
    personas: Personas, presets: None
) -> None:
    contract = actions.accept_quote(
        quote(personas, "SHIP-STANDARD"), accepted_on=dt.date(2026, 9, 1)
    )
    assert actions.minimum_end(contract) == dt.date(2027, 2, 28)  # 6 months
    noticed = actions.give_notice(contract, by="customer", given_on=dt.date(2026, 9, 10))
    assert noticed.ends_on == dt.date(2027, 2, 28)


def test_r_con_2_a_failed_renegotiation_lets_the_vendor_give_notice(
    personas: Personas, presets: None
) -> None:
    contract = actions.accept_quote(
        quote(personas, "KJM-CARE", price_net=Decimal("500.00")), accepted_on=dt.date(2026, 1, 10)
    )
    agreed = actions.record_renegotiation(
        contract,
        reason="more workstations",
        proposed_price_net=Decimal("650.00"),
        agreed=True,
        decided_on=dt.date(2026, 6, 1),
    )
    assert (agreed.price_net, agreed.status) == (Decimal("650.00"), "active")
    failed = actions.record_renegotiation(
        agreed,
        reason="new price list",
        proposed_price_net=Decimal("900.00"),
        agreed=False,
        decided_on=dt.date(2026, 9, 1),
    )
    assert (failed.status, failed.notice_given_by, failed.ends_on) == (
        "notice",
        "vendor",
        dt.date(2026, 10, 1),
    )
    assert failed.price_net == Decimal("650.00")
    kinds = list(events_for(failed).values_list("kind", flat=True))
    assert kinds.count("contract.renegotiated") == 2


def test_r_con_5_free_support_lasts_12_months_from_purchase_or_update(
    personas: Personas, presets: None
) -> None:
    contract = actions.accept_quote(quote(personas, "PWSK-BASIC"), accepted_on=dt.date(2026, 1, 1))
    Contract.objects.filter(pk=contract.pk).update(licence_purchased_on=dt.date(2025, 3, 15))
    contract.refresh_from_db()
    assert queries.free_support_until(contract) == dt.date(2026, 3, 15)
    assert not queries.eligible_for_free_support(contract, dt.date(2026, 3, 15))
    Contract.objects.filter(pk=contract.pk).update(last_update_on=dt.date(2026, 2, 1))
    contract.refresh_from_db()
    assert queries.eligible_for_free_support(contract, dt.date(2026, 11, 21))


def test_r_pln_5_pwsk_supervision_is_400_a_year_per_workstation(
    personas: Personas, presets: None
) -> None:
    contract = actions.accept_quote(
        quote(personas, "PWSK-SUPERVISION", seats=3), accepted_on=dt.date(2026, 3, 1)
    )
    assert queries.period_fee(contract, dt.date(2026, 3, 1)) == Decimal("1200.00")
    assert queries.period_fee(contract, dt.date(2026, 4, 1)) == Decimal("0.00")
    with pytest.raises(actions.ContractError, match="seats: at least one"):
        quote(personas, "PWSK-SUPERVISION", seats=0)


def test_r_hrs_4_a_contract_in_force_has_its_banks_at_once_and_the_job_finds_them(
    personas: Personas, presets: None
) -> None:
    from opiekun.contracts import banks, sweeps

    today = timezone.localdate()
    accepted = actions.accept_quote(quote(personas, "SHIP-STANDARD"), accepted_on=today)
    assert accepted.status == "active"  # SHIP starts on the day
    plan = accepted.plan
    granted = {"allotment": plan.included_minutes, "guarantee": plan.guaranteed_monthly_minutes}
    assert {b.kind: banks.balance(b) for b in accepted.banks.all()} == granted  # R-HRS-4, R-SLA-5
    sweeps.grant_monthly(today)  # the safety net finds them: no second bank, no second grant
    assert {b.kind: banks.balance(b) for b in accepted.banks.all()} == granted
    assert accepted.banks.count() == 2

    # A start in the future: nothing until the day comes, then at once.
    care = actions.accept_quote(quote(personas, "KJM-CARE"), accepted_on=today)
    assert care.status == "accepted" and not care.banks.exists()
    recorded = actions.record_active_contract(
        personas.org_b, Plan.objects.get(code="SHIP-START"), number="R/1", starts_on=today
    )
    assert {b.kind for b in recorded.banks.all()} == {"allotment", "guarantee"}
