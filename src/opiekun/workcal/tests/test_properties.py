"""Properties of working-time arithmetic, and agreement with a brute-force oracle that
walks minute by minute through local wall time (R-SLA-1, R-SLA-3, R-SLA-9)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from opiekun.workcal import Interval, OpenDate, WorkingCalendar

W = ZoneInfo("Europe/Warsaw")
UTC = dt.UTC

times = st.integers(0, 47).map(lambda half_hours: dt.time(half_hours // 2, 30 * (half_hours % 2)))
intervals = st.builds(Interval, st.integers(0, 6), times, times)
moments = st.integers(
    int(dt.datetime(2025, 12, 1, tzinfo=UTC).timestamp()) // 60,
    int(dt.datetime(2027, 2, 1, tzinfo=UTC).timestamp()) // 60,
).map(lambda minute: dt.datetime.fromtimestamp(minute * 60, W))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    chosen = draw(
        st.lists(intervals, min_size=1, max_size=6, unique_by=lambda i: (i.weekday, i.start))
    )
    days = st.dates(dt.date(2025, 12, 1), dt.date(2027, 1, 31))
    closed = draw(st.lists(days, max_size=3))
    opened = draw(
        st.lists(st.builds(OpenDate, days, times, times), max_size=2, unique_by=lambda o: o.date)
    )
    return WorkingCalendar(
        chosen, observes_holidays=draw(st.booleans()), closed_dates=closed, open_dates=opened
    )


def oracle_is_working(calendar: WorkingCalendar, t: dt.datetime) -> bool:
    """Is the minute starting at t working time? Straight from the definition: some
    interval of some day covers t's instant (overnight ones belong to the day they start)."""
    local = t.astimezone(W)
    for back in (0, 1):
        day = local.date() - dt.timedelta(days=back)
        for start, length in hours_of(calendar, day):
            # Wall-clock arithmetic on an aware datetime, as the definition reads.
            begin = dt.datetime(day.year, day.month, day.day, tzinfo=W) + dt.timedelta(
                minutes=start
            )
            end = begin + dt.timedelta(minutes=length)
            if begin <= t < end:
                return True
    return False


def hours_of(calendar: WorkingCalendar, day: dt.date) -> list[tuple[int, int]]:
    for opened in calendar.open_dates:
        if opened.date == day:
            return [Interval(0, opened.start, opened.end).minutes]
    if day in calendar.closed_dates:
        return []
    if calendar.observes_holidays and calendar._holiday_name(day):
        return []
    return [i.minutes for i in calendar.intervals if i.weekday == day.weekday()]


@settings(max_examples=60, deadline=None)
@given(calendars(), moments, st.integers(1, 600))
def test_it_agrees_with_a_minute_by_minute_walk(
    calendar: WorkingCalendar, t: dt.datetime, m: int
) -> None:
    t = calendar.next_working_moment(t)
    due = calendar.add_working_time(t, m)
    # A sparse calendar (a minute a week, holidays between) puts the deadline years
    # away: a minute-by-minute walk there is too slow to be a test; the properties
    # below cover such calendars without walking.
    assume(due <= t + dt.timedelta(days=120))
    walked, cursor = 0, t
    while walked < m:
        if oracle_is_working(calendar, cursor):
            walked += 1
        cursor += dt.timedelta(minutes=1)
        assert cursor <= due  # never walks past the answer
    # R-SLA-9: the deadline is the end of the m-th working minute, even when that is
    # the close of a period and the next opening is days later.
    assert due == cursor


@settings(max_examples=200, deadline=None)
@given(calendars(), moments)
def test_next_working_moment_is_working_and_nothing_before_it_is(
    calendar: WorkingCalendar, t: dt.datetime
) -> None:
    start = calendar.next_working_moment(t)
    assert start >= t
    assert oracle_is_working(calendar, start)
    assert calendar.working_minutes_between(t, start) == 0


@settings(max_examples=300, deadline=None)
@given(calendars(), moments, st.integers(0, 200_000))
def test_between_inverts_add(calendar: WorkingCalendar, t: dt.datetime, m: int) -> None:
    t = calendar.next_working_moment(t)
    assert calendar.working_minutes_between(t, calendar.add_working_time(t, m)) == m


@settings(max_examples=300, deadline=None)
@given(calendars(), moments, st.integers(0, 50_000), st.integers(0, 50_000))
def test_add_is_additive(calendar: WorkingCalendar, t: dt.datetime, a: int, b: int) -> None:
    t = calendar.next_working_moment(t)
    assert calendar.add_working_time(
        calendar.add_working_time(t, a), b
    ) == calendar.add_working_time(t, a + b)


@settings(max_examples=300, deadline=None)
@given(calendars(), moments, moments, st.integers(0, 50_000), st.integers(0, 50_000))
def test_add_is_monotonic(
    calendar: WorkingCalendar, t1: dt.datetime, t2: dt.datetime, a: int, b: int
) -> None:
    t1, t2 = min(t1, t2), max(t1, t2)
    a, b = min(a, b), max(a, b)
    assert calendar.add_working_time(t1, a) <= calendar.add_working_time(t2, a)
    assert calendar.add_working_time(t1, a) <= calendar.add_working_time(t1, b)
