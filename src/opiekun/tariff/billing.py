"""Billable minutes of one piece of work under a plan's rules, with the explanation
(R-HRS-1, R-HRS-2, R-CON-4). Pure: the caller passes whether the work was out of hours
(the plan's calendar decides that, see opiekun.workcal)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal


class BillingError(ValueError):
    """The work cannot be billed as asked; the message names what is wrong."""


@dataclass(frozen=True)
class KindRule:
    """How one kind of work is billed: per started ``increment`` minutes (0: the plan's
    per-intervention rounding), and whether it draws on the hour package."""

    increment: int = 0
    draws_on_package: bool = True


@dataclass(frozen=True)
class Tariff:
    plan_code: str
    kinds: dict[str, KindRule]
    documentation_minutes: int = 0
    rounding_minutes: int = 0
    rounding: str = "up"  # or "nearest"
    out_of_hours_multiplier: Decimal = Decimal("1")


@dataclass
class Billing:
    kind: str
    raw_minutes: int
    billable_minutes: int
    multiplier: Decimal
    draws_on_package: bool
    out_of_hours: bool
    explanation: list[str] = field(default_factory=list)


def bill(
    tariff: Tariff,
    kind: str,
    raw_minutes: int,
    *,
    out_of_hours: bool = False,
    emergency: bool = False,
) -> Billing:
    if raw_minutes < 0:
        raise BillingError(f"minutes: must not be negative, got {raw_minutes}")
    rule = tariff.kinds.get(kind)
    if rule is None:
        offered = ", ".join(sorted(tariff.kinds)) or "none"
        raise BillingError(
            f"kind: plan {tariff.plan_code} does not offer {kind} work (offers: {offered})"
        )
    notes = [f"{raw_minutes} min of {kind} work under {tariff.plan_code}."]
    minutes = raw_minutes
    if tariff.documentation_minutes and raw_minutes:
        # R-HRS-2: writing down what was done (about 5 minutes) counts, before rounding.
        minutes += tariff.documentation_minutes
        notes.append(
            f"+{tariff.documentation_minutes} min to write down what was done: {minutes} min."
        )
    if rule.increment:
        minutes = _round_up(minutes, rule.increment)
        notes.append(f"Billed per started {rule.increment} min: {minutes} min.")
    elif tariff.rounding_minutes:
        unit = tariff.rounding_minutes
        rounded = (
            _round_up(minutes, unit) if tariff.rounding == "up" else _round_nearest(minutes, unit)
        )
        how = "up to the started" if tariff.rounding == "up" else "to the nearest"
        notes.append(f"Rounded {how} {unit} min: {rounded} min.")
        minutes = rounded
    multiplier = Decimal("1")
    if out_of_hours and emergency and tariff.out_of_hours_multiplier != 1:
        # R-HRS-1: after hours only emergencies are handled, and their time counts twice.
        multiplier = tariff.out_of_hours_multiplier
        minutes = int((minutes * multiplier).to_integral_value(rounding=ROUND_CEILING))
        notes.append(f"Out-of-hours emergency, x{_plain(multiplier)}: {minutes} min.")
    elif out_of_hours:
        notes.append("Out of the plan's hours" + (" (emergency)." if emergency else "."))
    if rule.draws_on_package:
        notes.append(f"Draws {minutes} min on the hour banks.")
    else:
        notes.append("Does not draw on the hour package.")
    return Billing(
        kind, raw_minutes, minutes, multiplier, rule.draws_on_package, out_of_hours, notes
    )


def _round_up(minutes: int, unit: int) -> int:
    return math.ceil(minutes / unit) * unit


def _round_nearest(minutes: int, unit: int) -> int:
    # Half a unit rounds up; any work at all is at least one unit.
    return max(unit if minutes else 0, (minutes + unit // 2) // unit * unit)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
