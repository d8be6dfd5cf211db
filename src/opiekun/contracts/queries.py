"""Reads of contracts that more than one caller needs."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from opiekun.contracts.models import Contract
from opiekun.customers.models import Organisation

IN_FORCE = (Contract.Status.ACTIVE, Contract.Status.NOTICE)


def contract_in_force(organisation: Organisation, on: dt.date) -> Contract | None:
    """The contract that governs the organisation's tickets on a day: in force then, the
    highest queue priority first when several are (a care contract beats a package)."""
    return (
        Contract.objects.filter(organisation=organisation, status__in=IN_FORCE, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("plan")
        .order_by("-plan__queue_priority", "-starts_on", "-id")
        .first()
    )
