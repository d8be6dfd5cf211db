"""Working time, pure Python: see calendar.py."""

from opiekun.workcal.calendar import (
    Interval,
    OpenDate,
    Period,
    WorkingCalendar,
    package_holidays,
)

__all__ = ["Interval", "OpenDate", "Period", "WorkingCalendar", "package_holidays"]
