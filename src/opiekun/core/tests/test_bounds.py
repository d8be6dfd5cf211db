"""The bounds of what the product accepts (issue 13), checked where they are defined."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opiekun.core import bounds
from opiekun.core.text import first_unstorable, scrub

W = ZoneInfo("Europe/Warsaw")


def test_it_takes_moments_of_the_window_only_and_never_overflows_comparing() -> None:
    minus_14 = dt.timezone(dt.timedelta(hours=-14))
    plus_14 = dt.timezone(dt.timedelta(hours=14))
    refused = [
        dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=minus_14),  # the year 10000 in UTC
        dt.datetime(1, 1, 1, tzinfo=plus_14),  # before the year 1 in UTC
        dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1999, 12, 31, 23, 59, tzinfo=dt.UTC),
    ]
    for moment in refused:
        with pytest.raises(bounds.OutOfBounds, match=r"^answer_by: .*2100-01-01"):
            bounds.moment("answer_by", moment)
    assert bounds.moment("x", dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) == bounds.EARLIEST
    odd = dt.timezone(-dt.timedelta(hours=19, minutes=18))  # ISO 8601 allows it; no zone has it
    assert bounds.moment("x", dt.datetime(2026, 12, 1, 10, tzinfo=odd)).utcoffset() == (
        dt.timedelta(hours=1)
    )
    naive = bounds.moment("x", dt.datetime(2026, 11, 20, 17, 20))  # noqa: DTZ001 - the point
    assert naive == dt.datetime(2026, 11, 20, 17, 20, tzinfo=W)


def test_it_reads_days_and_months_as_people_write_them() -> None:
    assert bounds.parse_day("form_date", "27.02.2026") == dt.date(2026, 2, 27)
    assert bounds.parse_day("form_date", "2026-02-27") == dt.date(2026, 2, 27)
    for text in ("31.02.2026", "0001-01-01", "9999-12-31", "jutro", ""):
        with pytest.raises(bounds.OutOfBounds, match=r"^form_date: "):
            bounds.parse_day("form_date", text)
    assert bounds.month("period", "2099-12") == dt.date(2099, 12, 1)
    for text in ("9999-12", "0001-01", "1999-12", "2100-01", "2026-13", "2026-1x"):
        with pytest.raises(bounds.OutOfBounds, match=r"^period: "):
            bounds.month("period", text)


def test_one_work_entry_is_at_most_a_day() -> None:
    assert bounds.work_minutes("minutes", 24 * 60) == 24 * 60
    for minutes in (0, 24 * 60 + 1, 100_000_000, 2**31):
        with pytest.raises(ValueError, match=r"^minutes: "):
            bounds.work_minutes("minutes", minutes, error=ValueError)


def test_text_holds_no_character_a_database_or_a_spreadsheet_refuses() -> None:
    assert bounds.text("subject", "Tab\tand\r\nbreaks, Zażółć", max_length=30)
    for bad in ("\x00", "\ud800", "\x1b", "\x0b", "\x1f"):
        with pytest.raises(bounds.OutOfBounds, match=r"^subject: .*U\+"):
            bounds.text("subject", f"a{bad}b")
    with pytest.raises(bounds.OutOfBounds, match=r"^subject: .*300.*301"):
        bounds.text("subject", "x" * 301, max_length=300)


@given(st.text())
def test_scrub_leaves_exactly_what_may_be_stored(value: str) -> None:
    cleaned = scrub(value)
    assert first_unstorable(cleaned) is None
    assert bounds.text_problem(cleaned) is None
    if first_unstorable(value) is None:
        assert cleaned == value
