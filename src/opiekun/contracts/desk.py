"""The contract desk's steps with the checks a person's input needs (issue 17): a quote
for a customer (R-CON-1), its acceptance, notice and renegotiation (R-CON-2). Each step
is one of ``contracts.actions``; this module turns typed values into their arguments
and every refusal into ``DeskError`` naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.catalog.models import Plan
from opiekun.contracts import actions, banks
from opiekun.contracts.models import Contract
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.customers.models import Organisation
from opiekun.tariff.periods import next_month_start

MAX_PRICE = bounds.MAX_PRICE
MAX_SEATS = 10_000


class DeskError(ValueError):
    """A step cannot be taken as asked; the message starts with the field's name."""


def _price(field: str, value: Decimal | None) -> Decimal | None:
    if value is not None and not Decimal(0) <= value <= MAX_PRICE:
        raise DeskError(f"{field}: " + _("must be from 0 to %(max)s") % {"max": MAX_PRICE})
    return value


def _day(field: str, value: dt.date | None) -> dt.date:
    return bounds.day(field, value or timezone.localdate(), error=DeskError)


def quote(
    organisation: Organisation,
    plan: Plan,
    *,
    number: str = "",
    price_net: Decimal | None = None,
    seats: int = 1,
    actor: Actor = None,
) -> Contract:
    if not 1 <= seats <= MAX_SEATS:
        raise DeskError("seats: " + _("must be from 1 to %(max)s") % {"max": MAX_SEATS})
    number = bounds.text("number", number.strip(), max_length=40, error=DeskError)
    with transaction.atomic():
        if not number:
            base = f"Q-{organisation.pk}-{timezone.localdate():%y%m%d}"
            number, n = base, 1
            while Contract.objects.filter(number=number).exists():
                n += 1
                number = f"{base}-{n}"
        elif Contract.objects.filter(number=number).exists():
            raise DeskError("number: " + _("%(number)s is taken") % {"number": number})
        return actions.create_quote(
            organisation,
            plan,
            number=number,
            price_net=_price("price_net", price_net),
            seats=seats,
            actor=actor,
        )


def accept(
    contract: Contract, *, accepted_on: dt.date | None = None, actor: Actor = None
) -> Contract:
    try:
        return actions.accept_quote(
            contract, accepted_on=_day("accepted_on", accepted_on), actor=actor
        )
    except actions.ContractError as exc:
        raise DeskError(str(exc)) from None


def notice(
    contract: Contract,
    *,
    by: str,
    given_on: dt.date | None = None,
    reason: str = "",
    actor: Actor = None,
) -> Contract:
    reason = bounds.text("reason", reason, max_length=500, error=DeskError)
    try:
        return actions.give_notice(
            contract, by=by, given_on=_day("given_on", given_on), reason=reason, actor=actor
        )
    except actions.ContractError as exc:
        raise DeskError(str(exc)) from None


def renegotiate(
    contract: Contract,
    *,
    reason: str,
    proposed_price_net: Decimal,
    agreed: bool,
    decided_on: dt.date | None = None,
    actor: Actor = None,
) -> Contract:
    reason = bounds.text("reason", reason.strip(), max_length=500, error=DeskError)
    if not reason:
        raise DeskError("reason: " + _("say why the contract is renegotiated"))
    _price("proposed_price_net", proposed_price_net)
    try:
        return actions.record_renegotiation(
            contract,
            reason=reason,
            proposed_price_net=proposed_price_net,
            agreed=agreed,
            decided_on=_day("decided_on", decided_on),
            actor=actor,
        )
    except actions.ContractError as exc:
        raise DeskError(str(exc)) from None


def change_plan(
    contract: Contract,
    plan: Plan,
    *,
    starts_on: dt.date | None = None,
    price_net: Decimal | None = None,
    actor: Actor = None,
) -> Contract:
    """A plan change mid-contract: the contract in force ends the day before
    ``starts_on`` (the 1st of next month by default) and a contract of the new plan
    starts that day, with the same seats, update price and licence dates. Statements
    then bill what the plans say for the change, such as KJM's update for the months
    without care (R-CON-3), billed in the month care ends or starts. Another vendor's
    plan cannot cut the minimum duration (SHIP)."""
    today = timezone.localdate()
    starts_on = _day("starts_on", starts_on or next_month_start(today))
    _price("price_net", price_net)
    with transaction.atomic():
        old = actions.lock(contract)
        if old.status not in (Contract.Status.ACTIVE, Contract.Status.NOTICE):
            raise DeskError("status: " + _("only a contract in force changes its plan"))
        if old.plan_id == plan.pk:
            raise DeskError("plan: " + _("the contract is on this plan already"))
        if old.starts_on is None or starts_on <= old.starts_on:
            raise DeskError("starts_on: " + _("the new plan starts after the contract does"))
        if old.ends_on is not None and starts_on > old.ends_on + dt.timedelta(days=1):
            raise DeskError("starts_on: " + _("the contract ends before that day"))
        last_day = starts_on - dt.timedelta(days=1)
        floor = actions.minimum_end(old)
        if floor and last_day < floor and plan.vendor_id != old.plan.vendor_id:
            raise DeskError(
                "starts_on: "
                + _("the minimum duration runs until %(day)s") % {"day": floor.isoformat()}
            )
        old.ends_on = last_day
        old.status = Contract.Status.TERMINATED if last_day < today else Contract.Status.NOTICE
        old.notice_given_on = old.notice_given_on or today
        old.notice_given_by = old.notice_given_by or Contract.NoticeBy.CUSTOMER
        old.save()
        number = f"{old.number}/{plan.code}"[:36]
        base, n = number, 1
        while Contract.objects.filter(number=number).exists():
            n += 1
            number = f"{base}-{n}"
        new = Contract.objects.create(
            number=number,
            organisation=old.organisation,
            plan=plan,
            status=Contract.Status.ACTIVE if starts_on <= today else Contract.Status.ACCEPTED,
            starts_on=starts_on,
            accepted_at=timezone.now(),
            seats=old.seats,
            price_net=price_net,
            annual_update_price_net=old.annual_update_price_net,
            licence_purchased_on=old.licence_purchased_on,
            last_update_on=old.last_update_on,
        )
        audit.record(
            "contract.plan_changed",
            old,
            actor=actor,
            organisation=old.organisation,
            plan=plan.code,
            new_contract=new.number,
            starts_on=starts_on.isoformat(),
        )
        if new.status == Contract.Status.ACTIVE:
            banks.ensure_month_banks(new, today, actor=actor)
    return new
