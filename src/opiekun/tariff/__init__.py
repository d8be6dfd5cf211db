"""Billing arithmetic, pure Python: billable minutes per piece of work, money and VAT."""

from opiekun.tariff.billing import Billing, BillingError, KindRule, Tariff, bill
from opiekun.tariff.money import for_minutes, prorate_update, quantise, vat

__all__ = [
    "Billing",
    "BillingError",
    "KindRule",
    "Tariff",
    "bill",
    "for_minutes",
    "prorate_update",
    "quantise",
    "vat",
]
