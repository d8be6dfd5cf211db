"""State changes of contracts and hour banks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import Activation
from opiekun.catalog.models import Plan
from opiekun.contracts import banks, sweeps
from opiekun.contracts.models import Contract
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.customers.models import Organisation
from opiekun.tariff.periods import add_months, month_end, next_month_start


class ContractError(ValueError):
    """A contract cannot change as asked; the message names what is wrong."""


def record_active_contract(
    organisation: Organisation,
    plan: Plan,
    *,
    number: str,
    starts_on: dt.date,
    seats: int = 1,
    price_net: Decimal | None = None,
    actor: Actor = None,
) -> Contract:
    """Enters an agreement already in force (signed on paper before opiekun was used)."""
    with transaction.atomic():
        contract = Contract(
            number=number,
            organisation=organisation,
            plan=plan,
            status=Contract.Status.ACTIVE,
            starts_on=starts_on,
            accepted_at=timezone.now(),
            seats=seats,
            price_net=price_net,
        )
        contract.full_clean()
        contract.save()
        audit.record(
            "contract.recorded",
            contract,
            actor=actor,
            organisation=organisation,
            plan=plan.code,
            starts_on=starts_on.isoformat(),
        )
        _open_banks(contract, actor)
    return contract


def _open_banks(contract: Contract, actor: Actor) -> None:
    """A contract in force has this month's allotment and counters from its first
    moment, not from the next hourly run (issue 17); the beat job stays the safety net
    and finds them granted."""
    if contract.status == Contract.Status.ACTIVE:
        banks.ensure_month_banks(contract, timezone.localdate(), actor=actor)


def lock(contract: Contract) -> Contract:
    """The contract's row, locked until the transaction ends."""
    return Contract.objects.select_for_update().select_related("plan").get(pk=contract.pk)


_locked = lock


def create_quote(
    organisation: Organisation,
    plan: Plan,
    *,
    number: str,
    price_net: Decimal | None = None,
    seats: int = 1,
    annual_update_price_net: Decimal | None = None,
    actor: Actor = None,
) -> Contract:
    """An individual quote (R-CON-1: care starts from an accepted quote)."""
    if seats < 1:
        raise ContractError(f"seats: at least one workstation, got {seats}")
    with transaction.atomic():
        contract = Contract(
            number=number,
            organisation=organisation,
            plan=plan,
            status=Contract.Status.QUOTE,
            quoted_at=timezone.now(),
            price_net=price_net,
            seats=seats,
            annual_update_price_net=annual_update_price_net,
        )
        contract.full_clean()
        contract.save()
        audit.record(
            "contract.quoted",
            contract,
            actor=actor,
            organisation=organisation,
            plan=plan.code,
            price_net=str(price_net) if price_net is not None else None,
        )
    return contract


def accept_quote(contract: Contract, *, accepted_on: dt.date, actor: Actor = None) -> Contract:
    """The customer accepted: the service starts on the first day of the next calendar
    month where the plan says so (R-CON-1), else on the day; a fixed term (MER licence
    variant: 3 calendar months counted from the month of purchase) sets the end."""
    with transaction.atomic():
        contract = _locked(contract)
        if contract.status != Contract.Status.QUOTE:
            raise ContractError(f"status: only a quote can be accepted, this is {contract.status}")
        plan = contract.plan
        starts_on = (
            next_month_start(accepted_on)
            if plan.activation == Activation.NEXT_MONTH
            else accepted_on
        )
        contract.accepted_at = timezone.now()
        contract.starts_on = starts_on
        if plan.term_months:
            contract.ends_on = month_end(add_months(starts_on.replace(day=1), plan.term_months - 1))
        contract.status = (
            Contract.Status.ACTIVE
            if starts_on <= timezone.localdate()
            else Contract.Status.ACCEPTED
        )
        contract.save()
        audit.record(
            "contract.accepted",
            contract,
            actor=actor,
            organisation=contract.organisation,
            starts_on=starts_on.isoformat(),
            ends_on=contract.ends_on.isoformat() if contract.ends_on else None,
        )
        _open_banks(contract, actor)
    return contract


def activate_due(today: dt.date | None = None) -> int:
    """Run by beat: accepted contracts whose first day has come become active, in
    batches (``sweeps.activate_due``, ADR 0038)."""
    return sweeps.activate_due(today)


def minimum_end(contract: Contract) -> dt.date | None:
    """The last day of the plan's minimum duration (SHIP: 3 or 6 months)."""
    if not contract.starts_on or not contract.plan.minimum_months:
        return None
    return add_months(contract.starts_on, contract.plan.minimum_months) - dt.timedelta(days=1)


def give_notice(
    contract: Contract,
    *,
    by: str,
    given_on: dt.date,
    reason: str = "",
    actor: Actor = None,
) -> Contract:
    """Notice (R-CON-2): 30 days for the customer; the vendor's own notice after a failed
    renegotiation. The end is never before the minimum duration is served."""
    if by not in Contract.NoticeBy.values:
        raise ContractError(f"by: {by!r} is not one of {', '.join(Contract.NoticeBy.values)}")
    with transaction.atomic():
        contract = _locked(contract)
        if contract.status not in (Contract.Status.ACTIVE, Contract.Status.ACCEPTED):
            raise ContractError(
                f"status: notice needs a contract in force, this is {contract.status}"
            )
        days = (
            contract.plan.customer_notice_days
            if by == Contract.NoticeBy.CUSTOMER
            else contract.plan.vendor_notice_days
        )
        ends_on = given_on + dt.timedelta(days=days)
        floor = minimum_end(contract)
        if floor and ends_on < floor:
            ends_on = floor
        contract.notice_given_on, contract.notice_given_by = given_on, by
        contract.ends_on = ends_on
        contract.status = Contract.Status.NOTICE
        contract.save()
        audit.record(
            "contract.notice_given",
            contract,
            actor=actor,
            organisation=contract.organisation,
            by=by,
            given_on=given_on.isoformat(),
            ends_on=ends_on.isoformat(),
            reason=reason,
        )
    return contract


def record_renegotiation(
    contract: Contract,
    *,
    reason: str,
    proposed_price_net: Decimal,
    agreed: bool,
    decided_on: dt.date,
    actor: Actor = None,
) -> Contract:
    """The vendor renegotiates when prices, seats or ticket frequency change (R-CON-2):
    agreed, the new price applies; failed, the vendor gives its notice in the same
    transaction (both happen or neither)."""
    with transaction.atomic():
        return _renegotiate(contract, reason, proposed_price_net, agreed, decided_on, actor)


def _renegotiate(
    contract: Contract,
    reason: str,
    proposed_price_net: Decimal,
    agreed: bool,
    decided_on: dt.date,
    actor: Actor,
) -> Contract:
    # The lock is held until the caller's transaction ends.
    contract = _locked(contract)
    before = contract.price_net
    if agreed:
        contract.price_net = proposed_price_net
        contract.save(update_fields=["price_net", "updated_at"])
    audit.record(
        "contract.renegotiated",
        contract,
        actor=actor,
        organisation=contract.organisation,
        reason=reason,
        agreed=agreed,
        before=str(before) if before is not None else None,
        proposed=str(proposed_price_net),
        decided_on=decided_on.isoformat(),
    )
    if not agreed:
        contract = give_notice(
            contract,
            by=Contract.NoticeBy.VENDOR,
            given_on=decided_on,
            reason=f"renegotiation failed: {reason}",
            actor=actor,
        )
    return contract


def end_due(today: dt.date | None = None) -> int:
    """Run by beat: contracts past their last day end (terminated after notice, expired
    after a fixed term), in batches (``sweeps.end_due``, ADR 0038)."""
    return sweeps.end_due(today)
