"""State changes of contracts and hour banks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts.models import Contract
from opiekun.core import audit
from opiekun.customers.models import Organisation


def record_active_contract(
    organisation: Organisation,
    plan: Plan,
    *,
    number: str,
    starts_on: dt.date,
    seats: int = 1,
    price_net: Decimal | None = None,
    actor: AbstractBaseUser | None = None,
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
    return contract
