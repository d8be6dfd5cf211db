"""Contractual penalties for late reactions (issue 21, item 2), pure Python.

A contract names a basis: an amount per *started* hour of reaction delay (2 h 1 min late
is 3 hours), or a fixed amount per breach; and optionally a cap per month. The delay is
counted in working minutes of the ticket's own calendar by the caller; this module only
turns minutes and amounts into money, so the statement and the tests agree to the grosz."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opiekun.tariff.money import quantise

PER_STARTED_HOUR = "per_started_hour"
PER_BREACH = "per_breach"
BASES = (PER_STARTED_HOUR, PER_BREACH)


@dataclass(frozen=True)
class Penalty:
    quantity: Decimal  # started hours, or 1 breach
    unit_price: Decimal  # the amount per unit, positive
    amount: Decimal  # what the breach costs the vendor, positive, before the cap


def started_hours(late_minutes: int) -> int:
    """Hours started: 1..60 minutes are 1, 61 are 2."""
    return -(-late_minutes // 60) if late_minutes > 0 else 0


def penalty(late_minutes: int, basis: str, amount: Decimal) -> Penalty | None:
    """The penalty for one breach, or None when the reaction was not late."""
    if late_minutes <= 0:
        return None
    if basis == PER_STARTED_HOUR:
        quantity = Decimal(started_hours(late_minutes))
    elif basis == PER_BREACH:
        quantity = Decimal(1)
    else:
        raise ValueError(f"basis: {basis!r} is not one of {', '.join(BASES)}")
    unit = quantise(amount)
    return Penalty(quantity, unit, quantise(quantity * unit))


def capped(amounts: list[Decimal], cap: Decimal | None) -> list[Decimal]:
    """Each breach's amount after the month's cap, in the order given: the first breaches
    are credited in full, the one that reaches the cap in part, later ones not at all."""
    if cap is None:
        return list(amounts)
    left = quantise(cap)
    out = []
    for amount in amounts:
        given = min(amount, left)
        out.append(given)
        left -= given
    return out
