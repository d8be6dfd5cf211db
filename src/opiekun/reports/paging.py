"""The SLA and hours reports a page at a time (issue 20, item 4): the console showed
every row (9,783 rows and 3.3 MB of HTML for six months of 2,000 customers). A page is a
slice of the report's order taken in SQL; the totals over all rows are one aggregate
shown on every page; the whole report goes through the export (``exportjobs``)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from opiekun.contracts.models import LedgerEntry
from opiekun.core import exports
from opiekun.reports import tables
from opiekun.reports.models import BankMonth, CustomerMonth
from opiekun.tariff.periods import month_start

PAGE_ROWS = 200  # rows of a report on one page of the console
PAGES_AT_MOST = 100_000  # a bound on ?page= before the report's size is known


@dataclass
class Paged:
    """One page of a report: its rows, the totals over all of them, where it stands."""

    table: tables.Table
    number: int
    count: int  # rows of the whole report
    size: int
    totals: list[exports.Cell] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max((self.count + self.size - 1) // self.size, 1)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.size + 1 if self.count else 0

    @property
    def last_row(self) -> int:
        return min(self.number * self.size, self.count)


def page_number(text: str | None, count: int, size: int) -> int:
    """``?page=`` as a page that exists: the first for nonsense, the last past the end."""
    try:
        wanted = int(text or 1)
    except ValueError:
        wanted = 1
    last = max((count + size - 1) // size, 1)
    return min(max(wanted, 1), last)


def _window(number: int, size: int) -> slice:
    return slice((number - 1) * size, number * size)


def sla_row_count(first: dt.date, last: dt.date) -> int:
    """The report's rows (plan, organisation, month groups), counted in SQL."""
    return (
        tables.sla_tickets(first, last)
        .values(*tables.SLA_KEYS)
        .annotate(n=Count("pk"))
        .order_by()
        .count()
    )


def sla_page(first: dt.date, last: dt.date, page: str | None, size: int | None = None) -> Paged:
    size = size or PAGE_ROWS
    now = timezone.now()
    # The page asked for, and the report's size with it; only a page past the end (a
    # stale link) costs a second read, of the last page.
    number = page_number(page, PAGES_AT_MOST * size, size)
    table = tables.sla_report(first, last, now, window=_window(number, size))
    if table.whole_rows is None and number > 1:
        count = sla_row_count(first, last)
        number = page_number(page, count, size)
        table = tables.sla_report(first, last, now, window=_window(number, size))
    count = table.whole_rows or 0
    return Paged(table, number, count, size, sla_totals(first, last, now))


def sla_totals(first: dt.date, last: dt.date, now: dt.datetime) -> list[exports.Cell]:
    """The report's figures over every row, in the table's columns (one aggregate)."""
    tickets = tables.sla_tickets(first, last)
    sums = tickets.aggregate(**tables.sla_figures(now))
    median = sums.get("median")
    if connection.vendor != "postgresql":
        # As the report's rows do on SQLite: one integer a timed ticket of the period.
        minutes = list(
            tickets.filter(tables.TIMED).values_list(tables.REACTION, flat=True).order_by()
        )
        median = statistics.median(minutes) if minutes else None
    return [
        None,
        None,
        None,
        sums["met"],
        sums["breached"],
        sums["pending"],
        sums["none"],
        None,
        round(median) if median is not None else None,
        sums["worst"],
        sums["rated"],
        tables.average_rating(sums["score"], sums["rated"]),
    ]


def hours_row_count(month: dt.date) -> int:
    return tables.hours_banks(month).count()


def hours_page(month: dt.date, page: str | None, size: int | None = None) -> Paged:
    size = size or PAGE_ROWS
    count = hours_row_count(month)
    number = page_number(page, count, size)
    table = tables.hours_report(month, window=_window(number, size))
    return Paged(table, number, count, size, hours_totals(month))


def hours_totals(month: dt.date) -> list[exports.Cell]:
    """Granted, used and left over every listed bank, and the customers' minutes beyond
    the banks and emergencies, each one aggregate."""
    start = month_start(month)
    listed = tables.hours_banks(month).order_by()
    kept = BankMonth.objects.filter(month=start, bank__in=listed.values("pk")).aggregate(
        granted=Sum("granted"), used=Sum("used")
    )
    left = LedgerEntry.objects.filter(bank__in=listed.values("pk")).aggregate(total=Sum("minutes"))[
        "total"
    ]
    customers = CustomerMonth.objects.filter(
        month=start, organisation__in=listed.values("contract__organisation")
    ).aggregate(overage=Sum("overage"), emergencies=Sum("emergencies"))
    return [
        None,
        None,
        kept["granted"] or 0,
        kept["used"] or 0,
        int(left or 0),
        None,
        None,
        customers["overage"] or 0,
        customers["emergencies"] or 0,
    ]
