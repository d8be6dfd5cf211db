import datetime as dt

from opiekun.tariff.periods import add_months, month_end, months_in_year_without, next_month_start


def test_r_hrs_3_a_package_bought_10_march_runs_to_10_june() -> None:
    assert add_months(dt.date(2026, 3, 10), 3) == dt.date(2026, 6, 10)


def test_months_clamp_to_the_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 15), -12) == dt.date(2025, 12, 15)


def test_r_con_1_activation_is_the_first_of_the_next_month() -> None:
    assert next_month_start(dt.date(2026, 3, 17)) == dt.date(2026, 4, 1)
    assert next_month_start(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert month_end(dt.date(2028, 2, 3)) == dt.date(2028, 2, 29)


def test_r_con_3_months_without_care() -> None:
    assert months_in_year_without(2026, dt.date(2026, 4, 1), None) == 3  # activated in April
    assert months_in_year_without(2026, dt.date(2025, 4, 1), dt.date(2026, 9, 30)) == 3
    assert months_in_year_without(2026, dt.date(2024, 1, 1), None) == 0
    assert months_in_year_without(2026, dt.date(2027, 1, 1), None) == 12
