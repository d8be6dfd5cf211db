"""A plan's billing rules as a pure tariff (opiekun.tariff), and whether a moment is out
of the plan's hours (its calendar decides, R-HRS-1)."""

from __future__ import annotations

import datetime as dt

from opiekun.catalog.calendars import working_calendar
from opiekun.catalog.models import Plan
from opiekun.tariff import KindRule, Tariff


def tariff_for(plan: Plan) -> Tariff:
    return Tariff(
        plan.code,
        {
            r.work_kind: KindRule(r.increment_minutes, r.draws_on_package)
            for r in plan.billing_rules.all()
        },
        documentation_minutes=plan.documentation_minutes,
        rounding_minutes=plan.intervention_rounding_minutes,
        rounding=plan.rounding,
        out_of_hours_multiplier=plan.out_of_hours_multiplier,
    )


def out_of_hours(plan: Plan, at: dt.datetime) -> bool:
    return not working_calendar(plan.calendar).is_working_time(at)
