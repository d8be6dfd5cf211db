"""Penalty arithmetic (issue 21, item 2), pure: started hours, per breach, the month's cap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opiekun.tariff import penalties


@pytest.mark.parametrize(
    ("minutes", "started"), [(0, 0), (1, 1), (60, 1), (61, 2), (120, 2), (121, 3)]
)
def test_it_counts_started_hours(minutes: int, started: int) -> None:
    assert penalties.started_hours(minutes) == started


def test_it_prices_a_delay_per_started_hour_and_per_breach() -> None:
    owed = penalties.penalty(61, penalties.PER_STARTED_HOUR, Decimal("50"))
    assert owed == penalties.Penalty(Decimal(2), Decimal("50.00"), Decimal("100.00"))
    fixed = penalties.penalty(600, penalties.PER_BREACH, Decimal("200"))
    assert fixed == penalties.Penalty(Decimal(1), Decimal("200.00"), Decimal("200.00"))
    assert penalties.penalty(0, penalties.PER_BREACH, Decimal("200")) is None
    with pytest.raises(ValueError, match="basis"):
        penalties.penalty(5, "per_day", Decimal(1))


def test_the_cap_credits_the_first_breaches_in_full_and_the_next_in_part() -> None:
    amounts = [Decimal("200.00"), Decimal("200.00"), Decimal("50.00")]
    assert penalties.capped(amounts, Decimal("300")) == [
        Decimal("200.00"),
        Decimal("100.00"),
        Decimal("0.00"),
    ]
    assert penalties.capped(amounts, None) == amounts


@given(
    st.lists(st.decimals(min_value=0, max_value=10_000, places=2), max_size=20),
    st.decimals(min_value=0, max_value=10_000, places=2),
)
def test_capped_never_exceeds_the_cap_nor_any_amount(amounts: list[Decimal], cap: Decimal) -> None:
    out = penalties.capped(amounts, cap)
    assert sum(out, Decimal(0)) == min(sum(amounts, Decimal(0)), cap)
    assert all(Decimal(0) <= o <= a for o, a in zip(out, amounts, strict=True))
