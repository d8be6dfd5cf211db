"""opiekun.workcal against businesstimedelta on the same workload.

Calendar: Mon-Fri 08:00-16:00, Europe/Warsaw, Polish public holidays (SHIP START's hours).
Workload: random start moments in 2026-2027 (seeded), spans of 1, 8, 80, 800 and 8,000
working hours: ``add`` (deadline from a start) and ``between`` (working time from the
start to that deadline). Both libraries answer every case; per-call medians are timed
one call at a time with perf_counter_ns, best of 3 per case,
each library in a loop of its own.

Last line: workcal: speedup_vs_businesstimedelta=<x> flat_ratio_8000h_vs_8h=<y> disagreements=<n>
  speedup: geometric mean over (span, operation) of the peer's median / ours, so no one
           span dominates; flat ratio: our median at 8,000 h / at 8 h (add and between);
  disagreements: cases where the answers differ, other than the documented closing-time
           convention (see classify()).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import sys
import time
from zoneinfo import ZoneInfo

import businesstimedelta as btd
import holidays
import pytz

from opiekun.workcal import Interval, WorkingCalendar

SPANS_H = (1, 8, 80, 800, 8000)
CASES = {1: 300, 8: 300, 80: 200, 800: 60, 8000: 20}
WARSAW = ZoneInfo("Europe/Warsaw")
SEED = 20261121


def ours() -> WorkingCalendar:
    return WorkingCalendar([Interval(d, dt.time(8), dt.time(16)) for d in range(5)])


def peer() -> btd.Rules:
    workday = btd.WorkDayRule(
        start_time=dt.time(8),
        end_time=dt.time(16),
        working_days=[0, 1, 2, 3, 4],
        tz=pytz.timezone("Europe/Warsaw"),
    )
    pl = holidays.country_holidays("PL", years=range(2025, 2032))
    return btd.Rules([workday, btd.HolidayRule(pl, tz=pytz.timezone("Europe/Warsaw"))])


def starts(n: int, rng: random.Random) -> list[dt.datetime]:
    lo = int(dt.datetime(2026, 1, 1, tzinfo=WARSAW).timestamp()) // 60
    hi = int(dt.datetime(2027, 12, 31, tzinfo=WARSAW).timestamp()) // 60
    return [dt.datetime.fromtimestamp(rng.randint(lo, hi) * 60, WARSAW) for _ in range(n)]


def best_of(repeats: int, fn, *args):  # type: ignore[no-untyped-def]
    """The result and the fastest of ``repeats`` timings of one call, in microseconds."""
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        result = fn(*args)
        best = min(best, time.perf_counter_ns() - t0)
    return result, best / 1000


REPEATS = 3


def classify(cal: WorkingCalendar, start: dt.datetime, a: dt.datetime, b: dt.datetime) -> str:
    """'same', 'closing-time' (one answers at a period's close, the other at the next
    opening: the same working moment, R-SLA-9 picks the close), or 'different'."""
    if a == b:
        return "same"
    close, opening = min(a, b), max(a, b)
    if cal.working_minutes_between(close, opening) == 0 and not cal.is_working_time(close):
        return "closing-time"
    return "different"


def main() -> None:
    rng = random.Random(SEED)
    cal, rules = ours(), peer()
    # Warm both: our per-year index, the peer's holiday table (not part of a call's cost).
    cal.add_working_time(dt.datetime(2026, 1, 1, tzinfo=WARSAW), 8000 * 60 * 3)
    rows, disagreements, conventions, examples = [], 0, 0, []
    ratios = []
    medians: dict[tuple[str, int], float] = {}
    for span in SPANS_H:
        cases = starts(CASES[span], rng)
        delta = btd.BusinessTimeDelta(rules, hours=span)
        # Each library runs its cases in a loop of its own, so neither times its calls
        # right after the other has flushed the CPU caches.
        mine_add, mine_between, dues = [], [], []
        for start in cases:
            due, t = best_of(REPEATS, cal.add_working_time, start, span * 60)
            mine_add.append(t)
            dues.append(due)
            minutes, t = best_of(REPEATS, cal.working_minutes_between, start, due)
            mine_between.append((t, minutes))
        peer_add, peer_between = [], []
        for start, due, (_, minutes) in zip(cases, dues, mine_between, strict=True):
            due_peer, t = best_of(REPEATS, delta.__add__, start)
            peer_add.append(t)
            kind = classify(cal, start, due, due_peer)
            if kind == "closing-time":
                conventions += 1
            elif kind == "different":
                disagreements += 1
                if len(examples) < 5:
                    examples.append(f"add {span} h from {start}: ours {due}, peer {due_peer}")
            diff, t = best_of(REPEATS, rules.difference, start, due)
            peer_between.append(t)
            peer_minutes = int(diff.timedelta.total_seconds() // 60)
            if minutes != peer_minutes:
                disagreements += 1
                if len(examples) < 5:
                    examples.append(
                        f"between {start} and {due}: ours {minutes}, peer {peer_minutes}"
                    )
        mine_b = [t for t, _ in mine_between]
        for op, mine, theirs in (("add", mine_add, peer_add), ("between", mine_b, peer_between)):
            m_ours, m_peer = statistics.median(mine), statistics.median(theirs)
            medians[(op, span)] = m_ours
            ratios.append(m_peer / m_ours)
            rows.append((op, span, CASES[span], m_ours, m_peer, m_peer / m_ours))

    print(
        "| operation | span (h) | cases | opiekun.workcal median (µs) "
        "| businesstimedelta median (µs) | speedup |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for op, span, n, m_ours, m_peer, ratio in rows:
        print(f"| {op} | {span} | {n} | {m_ours:.1f} | {m_peer:.1f} | {ratio:.0f}x |")
    print(f"closing-time convention cases (not counted): {conventions}")
    for line in examples:
        print(f"disagreement: {line}")
    speedup = math.exp(statistics.fmean(math.log(r) for r in ratios))
    flat = (medians[("add", 8000)] + medians[("between", 8000)]) / (
        medians[("add", 8)] + medians[("between", 8)]
    )
    print(
        f"workcal: speedup_vs_businesstimedelta={speedup:.1f} "
        f"flat_ratio_8000h_vs_8h={flat:.2f} disagreements={disagreements}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
