"""Money as Decimal, quantised once, at the edge, to the grosz (R-PLN-1: prices are net,
VAT is added on statements)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

GROSZ = Decimal("0.01")


def quantise(amount: Decimal) -> Decimal:
    """Rounds half up to the grosz, as Polish invoices do."""
    return amount.quantize(GROSZ, rounding=ROUND_HALF_UP)


def for_minutes(minutes: int, hourly_rate: Decimal) -> Decimal:
    """The net price of ``minutes`` at an hourly rate, rounded once."""
    return quantise(hourly_rate * minutes / 60)


def vat(net: Decimal, rate_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(VAT, gross) of a net amount: VAT is computed on the total net, then rounded."""
    tax = quantise(net * rate_percent / 100)
    return tax, net + tax


def prorate_update(update_price: Decimal, months_without_care: int) -> Decimal:
    """R-CON-3: the update costs price / 12 for each month of the year without care."""
    if not 0 <= months_without_care <= 12:
        raise ValueError(f"months without care must be 0-12, got {months_without_care}")
    return quantise(update_price * months_without_care / 12)
