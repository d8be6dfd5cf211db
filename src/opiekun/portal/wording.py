"""How the portal says hours and amounts of working time to a customer: "Mon-Fri 8-16",
"2 working hours", in the reader's language."""

from __future__ import annotations

import re

from django.utils.translation import gettext, ngettext

from opiekun.tickets.notes import CALENDAR_WORDS
from opiekun.workcal import WorkingCalendar

_TIME = re.compile(r"\b0?(\d{1,2}):(\d\d)\b")
_DAYS = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b")


def short_hours(calendar: WorkingCalendar) -> str:
    """The calendar's weekly hours as a customer reads them: 'Mon-Sun 7-22' (the zone and
    the holidays are said elsewhere on the page)."""
    week = calendar.describe().split(";", 1)[0]
    week = _TIME.sub(
        lambda m: m.group(1) if m.group(2) == "00" else f"{m.group(1)}:{m.group(2)}", week
    )
    return _DAYS.sub(lambda m: gettext(CALENDAR_WORDS[m.group(1)]), week)


def holidays_rule(calendar: WorkingCalendar) -> str:
    if calendar.observes_holidays and calendar.holiday_country:
        return gettext("closed on public holidays")
    return gettext("holidays included")


def working_amount(minutes: int) -> str:
    """'2 working hours', '90 working minutes'."""
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("%(count)d working hour", "%(count)d working hours", hours) % {
            "count": hours
        }
    return ngettext("%(count)d working minute", "%(count)d working minutes", minutes) % {
        "count": minutes
    }
