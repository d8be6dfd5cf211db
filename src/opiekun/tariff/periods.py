"""Calendar months: package validity (R-HRS-3), monthly allotments (R-HRS-4), activation on
the first day of the next month (R-CON-1), fixed terms counted from the month of purchase
inclusive (R-PLN-6)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month_start(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1)


def month_end(day: dt.date) -> dt.date:
    return next_month_start(day) - dt.timedelta(days=1)


def months_in_year_without(year: int, first: dt.date | None, last: dt.date | None) -> int:
    """Months of ``year`` not covered by a span from ``first`` to ``last`` (None: open)
    counted in whole months, a started month counting as covered (R-CON-3)."""
    covered = 0
    for month in range(1, 13):
        start = dt.date(year, month, 1)
        end = month_end(start)
        if (first is None or first <= end) and (last is None or last >= start):
            covered += 1
    return 12 - covered
