"""Working-time calendars: weekly intervals, public holidays, extra closed and open dates,
one IANA time zone. Pure Python, no Django: aware datetimes in, aware datetimes out.

How it stays fast: for each calendar year the calendar builds, once, the list of its
working periods as real instants (UTC seconds) with running totals. A question is then
two bisections and some arithmetic, so the cost does not grow with the span asked about.
The year index is built week by week from the template (no day-by-day walk), and the
dates that differ from the template (holidays, closed and open dates) come from one
sorted list found by bisection.

Minutes are real elapsed minutes: a working hour that contains a daylight-saving change
is 60 minutes of the clock on the wall of a UTC office, not a wall-clock hour in Warsaw.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# A holiday provider answers, for one year, {date: name}. The default reads the
# `holidays` package; tests and callers may pass their own.
HolidayProvider = Callable[[str, str, int], Mapping[dt.date, str]]


def package_holidays(country: str, subdivision: str, year: int) -> Mapping[dt.date, str]:
    import holidays  # imported here: a calendar without holidays never needs it

    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


@dataclass(frozen=True, order=True)
class Interval:
    """A weekly working interval. An end at or before the start runs past midnight into
    the next day (22:00-06:00); 00:00-00:00 is the whole day."""

    weekday: int
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")

    @property
    def minutes(self) -> tuple[int, int]:
        """(start minute of the day, length in wall minutes)."""
        return _span(self.start, self.end)


@dataclass(frozen=True)
class OpenDate:
    """A date worked on its own hours, whatever the week or the holidays say."""

    date: dt.date
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Period:
    """One working period as real instants."""

    start: dt.datetime
    end: dt.datetime


@dataclass
class _Year:
    starts: list[int]
    ends: list[int]
    before: list[int]  # working seconds of the year before each period
    total: int


@dataclass
class WorkingCalendar:
    """The working time of a plan, a channel or a person."""

    intervals: Iterable[Interval]
    time_zone: str = "Europe/Warsaw"
    holiday_country: str = "PL"
    holiday_subdivision: str = ""
    observes_holidays: bool = True
    closed_dates: Iterable[dt.date] = ()
    open_dates: Iterable[OpenDate] = ()
    name: str = ""
    holiday_provider: HolidayProvider = package_holidays
    _years: dict[int, _Year] = field(default_factory=dict, init=False, repr=False)
    _holiday_names: dict[int, Mapping[dt.date, str]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(self.time_zone)
        self.intervals = tuple(sorted(self.intervals))
        self.closed_dates = frozenset(self.closed_dates)
        self.open_dates = tuple(self.open_dates)
        self._template: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
        for interval in self.intervals:
            self._template[interval.weekday].append(interval.minutes)
        self._open = {o.date: [_span(o.start, o.end)] for o in self.open_dates}
        if not any(self._template.values()) and not self._open:
            raise ValueError("a working calendar needs at least one working interval")

    # -- the three questions ------------------------------------------------------------

    def next_working_moment(self, t: dt.datetime) -> dt.datetime:
        """``t`` itself when it is working time, else the start of the next period."""
        x = _seconds(t)
        year = self._local_year(x)
        for _ in range(_YEARS_WITHOUT_WORK):
            index = self._year(year)
            i = bisect_right(index.starts, x) - 1
            if i >= 0 and x < index.ends[i]:
                return t.astimezone(self.tz)
            if i + 1 < len(index.starts):
                return self._datetime(index.starts[i + 1])
            year += 1
        raise _no_work(self)

    def add_working_time(self, t: dt.datetime, minutes: int) -> dt.datetime:
        """The moment ``minutes`` of working time after ``t``. A result that lands exactly
        at the end of a period is that moment, not the next opening (R-SLA-9)."""
        if minutes < 0:
            raise ValueError(f"minutes must not be negative, got {minutes}")
        if minutes == 0:
            return t.astimezone(self.tz)
        x = _seconds(t)
        year = self._local_year(x)
        index = self._year(year)
        need = self._worked_before(index, x) + minutes * 60
        empty_years = 0
        while need > index.total:
            need -= index.total
            empty_years = empty_years + 1 if index.total == 0 else 0
            if empty_years >= _YEARS_WITHOUT_WORK:
                raise _no_work(self)
            year += 1
            index = self._year(year)
        cumulative_ends = _CumulativeEnds(index)
        i = bisect_left(cumulative_ends, need)
        return self._datetime(index.starts[i] + need - index.before[i])

    def working_minutes_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Working minutes from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        if b < a:
            return -self.working_minutes_between(b, a)
        xa, xb = _seconds(a), _seconds(b)
        ya, yb = self._local_year(xa), self._local_year(xb)
        index_a = self._year(ya)
        seconds = -self._worked_before(index_a, xa)
        for year in range(ya, yb):
            seconds += self._year(year).total
        seconds += self._worked_before(self._year(yb), xb)
        return seconds // 60

    # -- what explanations need ---------------------------------------------------------

    def end_of_working_day(self, t: dt.datetime) -> dt.datetime:
        """The end of the last period that starts on ``t``'s local date (an overnight
        period ends the next morning); ``t`` itself when none starts that day."""
        local = t.astimezone(self.tz)
        midnight = dt.datetime(local.year, local.month, local.day, tzinfo=self.tz)
        periods = self.periods_between(midnight, midnight + dt.timedelta(days=1), limit=48)
        starting = [p for p in periods if p.start.astimezone(self.tz).date() == local.date()]
        return starting[-1].end if starting else local

    def explain_add(self, t: dt.datetime, minutes: int) -> list[str]:
        """Why ``add_working_time(t, minutes)`` is what it is, in short sentences."""
        start = self.next_working_moment(t)
        end = self.add_working_time(start, minutes)
        notes = [f"Working time: {self.describe()}."]
        if start != t.astimezone(self.tz):
            notes.append(
                f"{_when(t, self.tz)} is outside working time; counting starts at "
                f"{_when(start, self.tz)}."
            )
        for day, why in self.closed_days_between(start.date(), end.date()):
            notes.append(f"Not a working day: {WEEKDAYS[day.weekday()]} {day:%Y-%m-%d} ({why}).")
        if start.utcoffset() != end.utcoffset():
            notes.append("The span crosses a daylight-saving change: minutes are real minutes.")
        notes.append(
            f"{minutes} working minutes from {_when(start, self.tz)} end at {_when(end, self.tz)}."
        )
        return notes

    def is_working_time(self, t: dt.datetime) -> bool:
        return self.next_working_moment(t) == t.astimezone(self.tz)

    def periods_between(self, a: dt.datetime, b: dt.datetime, limit: int = 50) -> list[Period]:
        """Working periods that overlap [a, b), at most ``limit`` of them."""
        xa, xb = _seconds(a), _seconds(b)
        out: list[Period] = []
        for year in range(self._local_year(xa), self._local_year(xb) + 1):
            index = self._year(year)
            i = max(bisect_right(index.starts, xa) - 1, 0)
            while i < len(index.starts) and index.starts[i] < xb and len(out) < limit:
                if index.ends[i] > xa:
                    out.append(
                        Period(self._datetime(index.starts[i]), self._datetime(index.ends[i]))
                    )
                i += 1
        return out

    def closed_days_between(self, a: dt.date, b: dt.date) -> list[tuple[dt.date, str]]:
        """Dates in [a, b] that the template would work but the calendar does not, with
        why: a public holiday's name, or "closed"."""
        out = []
        for year in range(a.year, b.year + 1):
            exceptions = self._exceptions(year)
            dates = sorted(exceptions)
            for day in dates[bisect_left(dates, a) : bisect_right(dates, b)]:
                if not exceptions[day] and self._template[day.weekday()]:
                    out.append((day, self._holiday_name(day) or "closed"))
        return out

    def describe(self) -> str:
        """'Mon-Fri 08:00-16:00, Europe/Warsaw, closed on public holidays (PL)'."""
        by_hours: dict[tuple[int, int], list[int]] = {}
        for interval in self.intervals:
            by_hours.setdefault(interval.minutes, []).append(interval.weekday)
        parts = [
            f"{_day_ranges(days)} {_hhmm(start)}-{_hhmm((start + length) % DAY_MINUTES)}"
            for (start, length), days in sorted(by_hours.items(), key=lambda kv: kv[1])
        ]
        holidays = (
            f"closed on public holidays ({self.holiday_country})"
            if self.observes_holidays and self.holiday_country
            else "holidays included"
        )
        return f"{', '.join(parts)}; {self.time_zone}; {holidays}"

    # -- the index ----------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        index = self._years.get(year)
        if index is None:
            index = self._years[year] = self._build_year(year)
        return index

    def _build_year(self, year: int) -> _Year:
        """Every period starting on a date from 31 December of the year before (an
        overnight interval spills into 1 January) to 31 December, clipped to the year."""
        first, last = dt.date(year - 1, 12, 31), dt.date(year, 12, 31)
        exceptions = {**self._exceptions(year - 1), **self._exceptions(year)}
        spans: list[tuple[int, int]] = []
        for weekday, minutes in self._template.items():
            if not minutes:
                continue
            day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
            while day <= last:
                if day not in exceptions:
                    spans.extend(self._instants(day, start, length) for start, length in minutes)
                day += _WEEK
        for day, minutes in exceptions.items():
            if first <= day <= last:
                spans.extend(self._instants(day, start, length) for start, length in minutes)
        lo = _seconds(dt.datetime(year, 1, 1, tzinfo=self.tz))
        hi = _seconds(dt.datetime(year + 1, 1, 1, tzinfo=self.tz))
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(spans):
            start, end = max(start, lo), min(end, hi)
            if start >= end:
                continue
            if ends and start <= ends[-1]:  # overlapping or touching: one period
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        before, total = [], 0
        for start, end in zip(starts, ends, strict=True):
            before.append(total)
            total += end - start
        return _Year(starts, ends, before, total)

    def _exceptions(self, year: int) -> dict[dt.date, list[tuple[int, int]]]:
        """Dates of the year whose hours are not the template's: [] for closed."""
        out: dict[dt.date, list[tuple[int, int]]] = {}
        if self.observes_holidays and self.holiday_country:
            out.update({day: [] for day in self._holidays(year)})
        out.update({day: [] for day in self.closed_dates if day.year == year})
        out.update({day: hours for day, hours in self._open.items() if day.year == year})
        return out

    def _holidays(self, year: int) -> Mapping[dt.date, str]:
        names = self._holiday_names.get(year)
        if names is None:
            names = self._holiday_names[year] = dict(
                self.holiday_provider(self.holiday_country, self.holiday_subdivision, year)
            )
        return names

    def _holiday_name(self, day: dt.date) -> str:
        if not (self.observes_holidays and self.holiday_country):
            return ""
        return self._holidays(day.year).get(day, "")

    def _instants(self, day: dt.date, start: int, length: int) -> tuple[int, int]:
        # Python adds a timedelta to an aware datetime on the wall clock, which is what an
        # interval means ("16:00" on the day the clocks change is still 16:00); the UTC
        # offset is applied only when the instant is taken.
        begin = dt.datetime(day.year, day.month, day.day, tzinfo=self.tz) + dt.timedelta(
            minutes=start
        )
        end = begin + dt.timedelta(minutes=length)
        return _seconds(begin), _seconds(end)

    def _worked_before(self, index: _Year, x: int) -> int:
        i = bisect_right(index.starts, x) - 1
        if i < 0:
            return 0
        return index.before[i] + min(x, index.ends[i]) - index.starts[i]

    def _local_year(self, x: int) -> int:
        return dt.datetime.fromtimestamp(x, self.tz).year

    def _datetime(self, x: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(x, self.tz)


class _CumulativeEnds:
    """A read-only sequence of the running total at the end of each period, for bisect
    without building a list."""

    def __init__(self, index: _Year) -> None:
        self.index = index

    def __len__(self) -> int:
        return len(self.index.starts)

    def __getitem__(self, i: int) -> int:
        index = self.index
        return index.before[i] + index.ends[i] - index.starts[i]


_WEEK = dt.timedelta(days=7)
# A calendar whose template works never stays without work for this long (holidays
# are days, not years); past it the calendar has no working time at all.
_YEARS_WITHOUT_WORK = 3


def _no_work(calendar: WorkingCalendar) -> ValueError:
    return ValueError(f"calendar {calendar.name or calendar.describe()!r} has no working time")


def _seconds(t: dt.datetime) -> int:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, got the naive {t.isoformat()}")
    return int(t.timestamp())


def _span(start: dt.time, end: dt.time) -> tuple[int, int]:
    begin = start.hour * 60 + start.minute
    finish = end.hour * 60 + end.minute
    length = (finish - begin) % DAY_MINUTES or DAY_MINUTES
    return begin, length


def _when(t: dt.datetime, tz: ZoneInfo) -> str:
    local = t.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _day_ranges(days: list[int]) -> str:
    days = sorted(set(days))
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs
    )
