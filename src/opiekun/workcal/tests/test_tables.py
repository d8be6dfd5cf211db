"""Hand-checked deadlines for the seed plans (R-SLA-1, R-SLA-2, R-SLA-3, R-SLA-4, R-SLA-9).
Each row was worked out on paper from the seed's hours and the Polish holiday list."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from opiekun.workcal import Interval, OpenDate, WorkingCalendar

W = ZoneInfo("Europe/Warsaw")


def weekdays(start: int, end: int, **kw: object) -> WorkingCalendar:
    return WorkingCalendar([Interval(d, dt.time(start), dt.time(end)) for d in range(5)], **kw)  # type: ignore[arg-type]


def every_day(start: int, end: int) -> WorkingCalendar:
    return WorkingCalendar(
        [Interval(d, dt.time(start), dt.time(end)) for d in range(7)], observes_holidays=False
    )


START, STANDARD, EMAIL, EKS = weekdays(8, 16), weekdays(7, 17), weekdays(9, 15), weekdays(8, 16)
KJM_DUTY = every_day(7, 22)
NONSTOP = every_day(0, 0)
NIGHT = WorkingCalendar(
    [Interval(d, dt.time(22), dt.time(6)) for d in range(7)], observes_holidays=False
)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=W)


TABLE = [
    # rule, calendar, received, working minutes, due, why
    (
        "R-SLA-1",
        START,
        at(2026, 11, 20, 15, 30),
        480,
        at(2026, 11, 23, 15, 30),
        "START: Fri 15:30 + 8 h = 30 min Fri, 7 h 30 min Mon",
    ),
    (
        "R-SLA-9",
        START,
        at(2026, 11, 23, 8, 0),
        480,
        at(2026, 11, 23, 16, 0),
        "START 8 h from Mon 8:00 ends at the close, Mon 16:00, not Tue 8:00",
    ),
    (
        "R-SLA-2",
        START,
        at(2026, 11, 20, 17, 20),
        480,
        at(2026, 11, 23, 16, 0),
        "after hours on Friday: the clock starts Mon 8:00",
    ),
    (
        "R-SLA-3",
        STANDARD,
        at(2026, 11, 10, 15, 0),
        240,
        at(2026, 11, 12, 9, 0),
        "STANDARD 4 h from Tue 15:00: 2 h Tue, 11 November is a holiday, 2 h Thu",
    ),
    (
        "R-SLA-3",
        EMAIL,
        at(2026, 12, 23, 10, 0),
        720,
        at(2026, 12, 29, 10, 0),
        "EMAIL 12 h from Wed 23 Dec 10:00: 5 h Wed, 24-27 Dec closed, 6 h Mon, 1 h Tue",
    ),
    (
        "R-SLA-3",
        EMAIL,
        at(2025, 12, 23, 14, 0),
        720,
        at(2025, 12, 30, 14, 0),
        "EMAIL 2025: 24 December is a holiday from 2025 on",
    ),
    (
        "R-SLA-4",
        KJM_DUTY,
        at(2026, 11, 21, 21, 30),
        120,
        at(2026, 11, 22, 8, 30),
        "critical at 21:30 on a Saturday: 30 min, the night skipped, 90 min on Sunday",
    ),
    (
        "R-SLA-4",
        KJM_DUTY,
        at(2026, 3, 28, 21, 30),
        120,
        at(2026, 3, 29, 8, 30),
        "critical across the spring DST night: the skipped night hides the change",
    ),
    (
        "R-SLA-3",
        NONSTOP,
        at(2026, 3, 28, 23, 0),
        240,
        at(2026, 3, 29, 4, 0),
        "24/7 across spring forward: 4 real hours are 5 on the wall",
    ),
    (
        "R-SLA-3",
        NONSTOP,
        at(2026, 10, 25, 0, 30),
        240,
        at(2026, 10, 25, 3, 30),
        "24/7 across fall back: 4 real hours are 3 on the wall",
    ),
    (
        "R-SLA-1",
        NIGHT,
        at(2026, 11, 23, 5, 0),
        120,
        at(2026, 11, 23, 23, 0),
        "overnight 22:00-06:00: 1 h until 6:00, then 22:00-23:00",
    ),
    (
        "R-SLA-1",
        NIGHT,
        at(2026, 12, 31, 23, 0),
        120,
        at(2027, 1, 1, 1, 0),
        "an overnight interval across the new year",
    ),
    (
        "R-PLN-6",
        EKS,
        at(2026, 11, 16, 10, 0),
        2880,
        at(2026, 11, 24, 10, 0),
        "MER 48 working hours from Mon 10:00 on 8-16: six working days",
    ),
]


@pytest.mark.parametrize(("rule", "calendar", "received", "minutes", "due", "why"), TABLE)
def test_deadline_table(
    rule: str,
    calendar: WorkingCalendar,
    received: dt.datetime,
    minutes: int,
    due: dt.datetime,
    why: str,
) -> None:
    start = calendar.next_working_moment(received)
    assert calendar.add_working_time(start, minutes) == due, f"{rule}: {why}"
    assert calendar.working_minutes_between(start, due) == minutes, f"{rule}: {why}"


def test_r_sla_2_the_clock_starts_at_the_next_working_moment() -> None:
    assert START.next_working_moment(at(2026, 11, 20, 17, 20)) == at(2026, 11, 23, 8, 0)
    assert START.next_working_moment(at(2026, 11, 23, 7, 59)) == at(2026, 11, 23, 8, 0)
    assert START.next_working_moment(at(2026, 11, 23, 12, 0)) == at(2026, 11, 23, 12, 0)
    # The close itself is not working time: the next opening is.
    assert START.next_working_moment(at(2026, 11, 23, 16, 0)) == at(2026, 11, 24, 8, 0)
    # EKS: after 16:00 counts as the next working day; 10 November -> 12 November.
    assert EKS.next_working_moment(at(2026, 11, 10, 16, 5)) == at(2026, 11, 12, 8, 0)


def test_r_sla_3_polish_holidays_of_2026_leave_253_working_days() -> None:
    year = START.working_minutes_between(at(2026, 1, 1), at(2027, 1, 1))
    assert year == 253 * 8 * 60


def test_extra_closed_and_open_dates() -> None:
    calendar = weekdays(
        8,
        16,
        closed_dates=[dt.date(2026, 11, 23)],
        open_dates=[
            OpenDate(dt.date(2026, 11, 28), dt.time(9), dt.time(13)),
            OpenDate(dt.date(2026, 11, 11), dt.time(10), dt.time(12)),
        ],
    )
    # Friday 15:00 + 2 h: 1 h Friday, Saturday 28th opened 9-13.
    assert calendar.add_working_time(at(2026, 11, 27, 15, 0), 120) == at(2026, 11, 28, 10, 0)
    # Monday 23rd is closed: Friday 20th 15:00 + 2 h ends Tuesday 9:00.
    assert calendar.add_working_time(at(2026, 11, 20, 15, 0), 120) == at(2026, 11, 24, 9, 0)
    # An open date beats a holiday.
    assert calendar.next_working_moment(at(2026, 11, 11, 6, 0)) == at(2026, 11, 11, 10, 0)


def test_between_is_negative_backwards_and_floors_seconds() -> None:
    a, b = at(2026, 11, 23, 9, 0), at(2026, 11, 23, 10, 30)
    assert START.working_minutes_between(b, a) == -90
    assert START.working_minutes_between(a, b + dt.timedelta(seconds=59)) == 90


def test_it_refuses_naive_datetimes_and_negative_minutes() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        START.next_working_moment(dt.datetime(2026, 11, 23, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="must not be negative"):
        START.add_working_time(at(2026, 11, 23, 9, 0), -1)


def test_a_calendar_without_working_time_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one working interval"):
        WorkingCalendar([])
    only_one_day = WorkingCalendar(
        [], open_dates=[OpenDate(dt.date(2026, 1, 5), dt.time(8), dt.time(9))]
    )
    with pytest.raises(ValueError, match="has no working time"):
        only_one_day.add_working_time(at(2026, 6, 1, 8, 0), 60)


def test_it_describes_itself() -> None:
    assert START.describe() == "Mon-Fri 08:00-16:00; Europe/Warsaw; closed on public holidays (PL)"
    assert KJM_DUTY.describe() == "Mon-Sun 07:00-22:00; Europe/Warsaw; holidays included"


def test_it_names_the_holidays_it_skips() -> None:
    closed = EMAIL.closed_days_between(dt.date(2026, 12, 23), dt.date(2026, 12, 29))
    assert closed == [
        (dt.date(2026, 12, 24), "Christmas Eve"),
        (dt.date(2026, 12, 25), "Christmas Day"),
    ]


def test_end_of_working_day() -> None:
    assert START.end_of_working_day(at(2026, 11, 23, 9, 0)) == at(2026, 11, 23, 16, 0)
    assert NIGHT.end_of_working_day(at(2026, 11, 23, 22, 30)) == at(2026, 11, 24, 6, 0)
    saturday = at(2026, 11, 21, 9, 0)
    assert START.end_of_working_day(saturday) == saturday


def test_every_result_explains_itself() -> None:
    assert EMAIL.explain_add(at(2026, 12, 22, 16, 0), 720) == [
        "Working time: Mon-Fri 09:00-15:00; Europe/Warsaw; closed on public holidays (PL).",
        "Tue 2026-12-22 16:00 is outside working time; counting starts at Wed 2026-12-23 09:00.",
        "Not a working day: Thu 2026-12-24 (Christmas Eve).",
        "Not a working day: Fri 2026-12-25 (Christmas Day).",
        "720 working minutes from Wed 2026-12-23 09:00 end at Mon 2026-12-28 15:00.",
    ]
    assert "The span crosses a daylight-saving change: minutes are real minutes." in (
        NONSTOP.explain_add(at(2026, 3, 28, 23, 0), 240)
    )
