"""From calendar rows to workcal calendars, cached per process by content: an edited
interval or date gives a new key, so no process keeps counting on stale hours."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import get_language

from opiekun.catalog.models import WorkingCalendar as CalendarRow
from opiekun.core import batch
from opiekun.workcal import Interval, OpenDate, WorkingCalendar
from opiekun.workcal.names import holiday_names


def working_calendar(row: CalendarRow) -> WorkingCalendar:
    return batch.remember(("working_calendar", row.pk), lambda: _from_row(row))


def _from_row(row: CalendarRow) -> WorkingCalendar:
    intervals = tuple(
        Interval(i.weekday, i.start, i.end)
        for i in row.intervals.all().order_by("weekday", "start")
    )
    dates = tuple((d.date, d.is_open, d.start, d.end) for d in row.dates.all().order_by("date"))
    return _build(
        row.code,
        row.name,
        row.time_zone,
        row.holiday_country,
        row.holiday_subdivision,
        row.observes_holidays,
        intervals,
        dates,
    )


@lru_cache(maxsize=256)
def _build(
    code: str,
    name: str,
    time_zone: str,
    country: str,
    subdivision: str,
    observes_holidays: bool,
    intervals: tuple[Interval, ...],
    dates: tuple[tuple[dt.date, bool, dt.time | None, dt.time | None], ...],
) -> WorkingCalendar:
    return WorkingCalendar(
        intervals,
        time_zone=time_zone,
        holiday_country=country,
        holiday_subdivision=subdivision,
        observes_holidays=observes_holidays,
        closed_dates=[d for d, is_open, _, _ in dates if not is_open],
        open_dates=[OpenDate(d, s, e) for d, is_open, s, e in dates if is_open and s and e],
        name=name or code,
    )


def upcoming_holidays(
    row: CalendarRow, *, days: int = 60, today: dt.date | None = None
) -> list[tuple[dt.date, str]]:
    """The public holidays a calendar observes in the next ``days`` days, named in the
    active language (a Polish page says "Boże Narodzenie", an English one "Christmas
    Day"). None for a calendar that works through holidays."""
    if not row.observes_holidays or not row.holiday_country:
        return []
    first = today or timezone.localdate()
    return holiday_names(
        row.holiday_country,
        row.holiday_subdivision,
        first,
        first + dt.timedelta(days=days),
        get_language() or "pl",
    )
