"""The seeds' own numbers (R-HRS-1, R-HRS-2, R-CON-3) and properties of the rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opiekun.tariff import BillingError, KindRule, Tariff, bill, for_minutes, prorate_update, vat

SHIP_START = Tariff(
    "SHIP-START",
    {
        "phone": KindRule(15),
        "consultation": KindRule(15),
        "remote": KindRule(30),
        "email": KindRule(0, draws_on_package=False),
    },
    documentation_minutes=5,
)
KJM_PACKAGE = Tariff(
    "KJM-PACKAGE",
    {k: KindRule() for k in ("phone", "remote", "email", "consultation", "onsite")},
    rounding_minutes=30,
    out_of_hours_multiplier=Decimal("2"),
)


def test_r_hrs_2_ship_phone_17_minutes_is_30() -> None:
    billing = bill(SHIP_START, "phone", 17)
    assert billing.billable_minutes == 30  # 17 + 5 = 22, per started 15
    assert billing.draws_on_package is True
    assert billing.explanation == [
        "17 min of phone work under SHIP-START.",
        "+5 min to write down what was done: 22 min.",
        "Billed per started 15 min: 30 min.",
        "Draws 30 min on the hour banks.",
    ]


def test_r_hrs_2_ship_remote_31_minutes_is_60() -> None:
    assert bill(SHIP_START, "remote", 31).billable_minutes == 60  # 36, per started 30


def test_r_hrs_2_ship_email_draws_nothing_from_the_package() -> None:
    billing = bill(SHIP_START, "email", 40)
    assert billing.draws_on_package is False
    assert billing.explanation[-1] == "Does not draw on the hour package."


def test_r_hrs_1_kjm_intervention_of_40_minutes_is_60() -> None:
    assert bill(KJM_PACKAGE, "remote", 40).billable_minutes == 60


def test_r_hrs_1_kjm_out_of_hours_emergency_counts_twice() -> None:
    billing = bill(KJM_PACKAGE, "remote", 40, out_of_hours=True, emergency=True)
    assert billing.billable_minutes == 120
    assert billing.multiplier == 2
    assert "Out-of-hours emergency, x2: 120 min." in billing.explanation


def test_r_hrs_1_work_in_hours_or_not_an_emergency_is_not_doubled() -> None:
    assert (
        bill(KJM_PACKAGE, "remote", 40, out_of_hours=False, emergency=True).billable_minutes == 60
    )
    assert (
        bill(KJM_PACKAGE, "remote", 40, out_of_hours=True, emergency=False).billable_minutes == 60
    )


def test_r_hrs_1_nearest_rounding_is_a_setting() -> None:
    nearest = Tariff("X", {"phone": KindRule()}, rounding_minutes=30, rounding="nearest")
    assert [bill(nearest, "phone", m).billable_minutes for m in (1, 14, 15, 40, 45, 50)] == [
        30,
        30,
        30,
        30,
        60,
        60,
    ]
    assert bill(nearest, "phone", 0).billable_minutes == 0


def test_no_work_is_no_minutes_even_with_documentation_time() -> None:
    assert bill(SHIP_START, "phone", 0).billable_minutes == 0


@pytest.mark.parametrize(
    ("kind", "minutes", "message"),
    [
        ("programming", 30, "plan SHIP-START does not offer programming work"),
        ("phone", -1, "minutes: must not be negative"),
    ],
)
def test_bad_input_names_what_is_wrong(kind: str, minutes: int, message: str) -> None:
    with pytest.raises(BillingError, match=message):
        bill(SHIP_START, kind, minutes)


@given(st.integers(0, 10_000), st.sampled_from(["phone", "remote", "consultation"]))
def test_billable_is_never_less_than_raw_and_is_a_whole_number_of_units(
    raw: int, kind: str
) -> None:
    billing = bill(SHIP_START, kind, raw)
    unit = SHIP_START.kinds[kind].increment
    assert billing.billable_minutes >= raw
    assert billing.billable_minutes % unit == 0
    assert billing.billable_minutes - (raw + 5 if raw else 0) < unit


@given(st.integers(0, 5_000), st.integers(0, 5_000))
def test_more_work_never_bills_less(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert (
        bill(KJM_PACKAGE, "phone", lo).billable_minutes
        <= bill(KJM_PACKAGE, "phone", hi).billable_minutes
    )


def test_money_to_the_grosz() -> None:
    assert for_minutes(30, Decimal("165.00")) == Decimal("82.50")
    assert for_minutes(25, Decimal("140.00")) == Decimal("58.33")
    assert vat(Decimal("399.00"), Decimal("23")) == (Decimal("91.77"), Decimal("490.77"))
    assert vat(Decimal("0.02"), Decimal("23")) == (Decimal("0.00"), Decimal("0.02"))


def test_r_con_3_update_prorated_by_months_without_care() -> None:
    # KJM care activated in April: January-March without care, 3 months of the update.
    assert prorate_update(Decimal("1200.00"), 3) == Decimal("300.00")
    assert prorate_update(Decimal("1000.00"), 1) == Decimal("83.33")
    with pytest.raises(ValueError, match="0-12"):
        prorate_update(Decimal("1000.00"), 13)
