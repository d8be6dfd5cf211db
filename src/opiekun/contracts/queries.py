"""Reads of contracts that more than one caller needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, QuerySet

from opiekun.catalog.choices import PriceModel
from opiekun.contracts.models import Contract
from opiekun.core import batch
from opiekun.customers.models import Organisation
from opiekun.tariff.periods import add_months

IN_FORCE = (Contract.Status.ACTIVE, Contract.Status.NOTICE)


def contract_in_force(organisation: Organisation, on: dt.date) -> Contract | None:
    """The contract that governs the organisation's tickets on a day: in force then, the
    highest queue priority first when several are (a care contract beats a package)."""
    return batch.remember(
        ("contract_in_force", organisation.pk, on), lambda: _contract_in_force(organisation, on)
    )


def _in_force(on: dt.date) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(status__in=IN_FORCE, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        # The vendor too: a ticket's reference is prefixed with its code.
        .select_related("plan__vendor")
    )


def _contract_in_force(organisation: Organisation, on: dt.date) -> Contract | None:
    return (
        _in_force(on)
        .filter(organisation=organisation)
        .order_by("-plan__queue_priority", "-starts_on", "-id")
        .first()
    )


def remember_contracts_in_force(organisation_ids: Iterable[int], on: dt.date) -> None:
    """Inside a batch: the contract in force of many organisations on one day, read in
    one query, so ``contract_in_force`` reads nothing for them (a batch of tickets for
    many customers, issue 20, item 5). The same choice, per organisation."""
    wanted = set(organisation_ids)
    if not wanted:
        return
    found: dict[int, Contract] = {}
    for contract in (
        _in_force(on)
        .filter(organisation_id__in=wanted)
        .order_by("organisation_id", "-plan__queue_priority", "-starts_on", "-id")
    ):
        found.setdefault(contract.organisation_id, contract)
    for pk in wanted:
        batch.seed(("contract_in_force", pk, on), found.get(pk))


def free_support_until(contract: Contract) -> dt.date | None:
    """R-CON-5: free basic support lasts 12 months from the purchase or the last update."""
    months = contract.plan.eligibility_months
    since = contract.last_update_on or contract.licence_purchased_on
    if months is None or since is None:
        return None
    return add_months(since, months)


def eligible_for_free_support(contract: Contract, on: dt.date) -> bool:
    until = free_support_until(contract)
    return until is not None and on < until


def period_fee(contract: Contract, month: dt.date) -> Decimal:
    """The subscription billed for a month: the monthly fee; a yearly per-seat price
    (PWSK: 400 PLN a workstation) in the month the contract year starts; nothing for
    packages (their purchases are billed) and free plans."""
    plan = contract.plan
    price = contract.price_net if contract.price_net is not None else plan.price_net
    if price is None or contract.starts_on is None:
        return Decimal("0.00")
    if plan.price_model == PriceModel.MONTHLY:
        return price
    if plan.price_model == PriceModel.YEARLY_PER_SEAT:
        return (
            price * contract.seats if month.month == contract.starts_on.month else Decimal("0.00")
        )
    if plan.price_model == PriceModel.INDIVIDUAL and contract.price_net is not None:
        return contract.price_net
    return Decimal("0.00")
