"""How tickets answer the hooks of the apps below it (catalog/signals.py,
contracts/signals.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from opiekun.catalog.signals import pinning_changed, plans_changed
from opiekun.contracts.models import Contract
from opiekun.contracts.signals import (
    licence_dates_changed,
    package_granted,
    waiting_for_package,
)
from opiekun.core.audit import Actor
from opiekun.tickets import eligibility
from opiekun.tickets.actions import release_awaiting_package, repin_vendor_tickets
from opiekun.tickets.models import Ticket
from opiekun.tickets.tasks import recompute_open_deadlines


@receiver(package_granted, dispatch_uid="tickets.release_waiting_tickets")
def release_waiting_tickets(
    sender: Any, *, contract: Contract, actor: Actor = None, **kwargs: Any
) -> None:
    # R-HRS-3: tickets that waited for a package go back to the queue, in the same
    # transaction as the purchase.
    release_awaiting_package(contract, actor=actor)


@receiver(waiting_for_package, dispatch_uid="tickets.contracts_waiting")
def contracts_waiting(sender: Any, **kwargs: Any) -> set[int]:
    # Issue 21, item 4: a contract whose tickets wait for a package is offered one.
    waiting = Ticket.objects.filter(status=Ticket.Status.AWAITING_PACKAGE)
    return set(waiting.exclude(contract=None).values_list("contract_id", flat=True).distinct())


@receiver(plans_changed, dispatch_uid="tickets.recompute_deadlines")
def recompute_deadlines(sender: Any, *, plan_ids: list[int], reason: str, **kwargs: Any) -> None:
    transaction.on_commit(lambda: recompute_open_deadlines.delay(plan_ids, reason))


@receiver(pinning_changed, dispatch_uid="tickets.repin")
def repin(sender: Any, *, vendor_id: int, pin: bool, **kwargs: Any) -> None:
    repin_vendor_tickets(vendor_id, pin)


@receiver(licence_dates_changed, dispatch_uid="tickets.reread_eligibility")
def reread_eligibility(sender: Any, *, contract: Contract, **kwargs: Any) -> None:
    # R-CON-5: in the licence action's transaction, so the mark and the date agree.
    eligibility.reread_open_tickets(contract)
