"""Selling hours from the contract desk (issue 17): a plan's package (KJM: 3 h valid 3
months), a top-up (a second package the same day, with its own hours and price), or a
manager's correction of a bank. The tickets that waited for a package are released in
the same transaction (R-HRS-3, through ``banks.grant_package``)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.catalog.models import Plan
from opiekun.contracts import actions, banks, locks, queries
from opiekun.contracts.models import Contract, HourBank
from opiekun.core import bounds
from opiekun.core.audit import Actor
from opiekun.customers.models import Organisation

MAX_PACKAGE_MINUTES = 100_000  # about two working years: anything above is a typo


class SaleError(ValueError):
    """The sale cannot be made as asked; the message starts with the field's name."""


def package_plans() -> list[Plan]:
    """The plans that sell packages with a validity, for the forms' choices."""
    plans = Plan.objects.filter(package_validity_months__isnull=False).select_related("vendor")
    return list(plans.order_by("vendor__name", "code"))


def default_price(plan: Plan, minutes: int) -> Decimal | None:
    """The plan's package price, pro rata for other hours (a top-up of 1 h of a 3 h
    package costs a third); None where the price list gives none (quoted per sale)."""
    if plan.price_net is None:
        return None
    if minutes == plan.included_minutes or not plan.included_minutes:
        return plan.price_net
    share = plan.price_net * minutes / plan.included_minutes
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _contract_for_sale(
    organisation: Organisation, plan: Plan, day: dt.date, actor: Actor
) -> Contract:
    """The organisation's contract of this plan in force on the day, or a new one: a
    package customer's contract is its first purchase."""
    found = (
        Contract.objects.filter(organisation=organisation, plan=plan, status__in=queries.IN_FORCE)
        .filter(starts_on__lte=day)
        .order_by("-starts_on", "-pk")
        .first()
    )
    if found is not None:
        return found
    base = f"{plan.code}-{organisation.pk}-{day:%y%m%d}"[:36]
    number, n = base, 1
    while Contract.objects.filter(number=number).exists():
        n += 1
        number = f"{base}-{n}"
    return actions.record_active_contract(
        organisation, plan, number=number, starts_on=day, actor=actor
    )


def sell_package(
    organisation: Organisation,
    plan: Plan,
    *,
    purchased_on: dt.date | None = None,
    minutes: int | None = None,
    price_net: Decimal | None = None,
    sale_key: str = "",
    actor: Actor = None,
) -> HourBank:
    """Sells ``plan``'s package to ``organisation``. The same ``sale_key`` sells once:
    a repeated request gets the bank the first one made."""
    if plan.package_validity_months is None:
        raise SaleError("plan: " + _("%(plan)s sells no hour packages") % {"plan": plan.code})
    day = bounds.day("purchased_on", purchased_on or timezone.localdate(), error=SaleError)
    if day > timezone.localdate():
        raise SaleError("purchased_on: " + _("%(day)s is in the future") % {"day": day})
    minutes = plan.included_minutes if minutes is None else minutes
    if not 1 <= minutes <= MAX_PACKAGE_MINUTES:
        raise SaleError("minutes: " + _("must be from 1 to %(max)s") % {"max": MAX_PACKAGE_MINUTES})
    if price_net is not None and not Decimal(0) <= price_net <= bounds.MAX_PRICE:
        raise SaleError("price_net: " + _("must be from 0 to %(max)s") % {"max": bounds.MAX_PRICE})
    sale_key = sale_key.strip()[:64]
    with transaction.atomic():
        locks.hold_organisation(organisation.pk)
        if sale_key:
            sold = HourBank.objects.filter(sale_key=sale_key).first()
            if sold is not None:
                return sold
        contract = _contract_for_sale(organisation, plan, day, actor)
        try:
            return banks.grant_package(
                contract,
                purchased_on=day,
                minutes=minutes,
                price_net=price_net if price_net is not None else default_price(plan, minutes),
                sale_key=sale_key,
                actor=actor,
            )
        except banks.BankError as exc:
            raise SaleError(str(exc)) from None


def correct_bank(bank: HourBank, minutes: int, *, reason: str, actor: Actor = None) -> HourBank:
    """A manager's correction (R-HRS-5: a new entry, never an edit)."""
    if not -MAX_PACKAGE_MINUTES <= minutes <= MAX_PACKAGE_MINUTES:
        raise SaleError(
            "minutes: " + _("must be from -%(max)s to %(max)s") % {"max": MAX_PACKAGE_MINUTES}
        )
    reason = bounds.text("reason", reason, max_length=300, error=SaleError)
    try:
        banks.correct(bank, minutes, reason=reason, actor=actor)
    except banks.BankError as exc:
        raise SaleError(str(exc)) from None
    return bank
