"""Penalty terms of a contract or a plan (issue 21, item 2): which apply, and setting them.

The contract's own terms win; without them, its plan's are the default; without either,
a late reaction costs nothing. Setting goes through ``set_terms`` (console contract desk,
API), which checks what a person typed and names the field it refuses."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from opiekun.catalog.models import Plan
from opiekun.contracts.models import Contract, PenaltyTerms
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor


class PenaltyError(ValueError):
    """Terms cannot be set as asked; the message starts with the field's name."""


def terms_for(contract: Contract) -> PenaltyTerms | None:
    own = PenaltyTerms.objects.filter(contract=contract).first()
    return own or PenaltyTerms.objects.filter(plan_id=contract.plan_id).first()


def _money(field: str, value: Decimal | None, *, required: bool) -> Decimal | None:
    if value is None:
        if required:
            raise PenaltyError(f"{field}: " + _("is required"))
        return None
    if not value.is_finite() or not Decimal(0) <= value <= bounds.MAX_PRICE:
        raise PenaltyError(
            f"{field}: " + _("must be from 0 to %(max)s") % {"max": bounds.MAX_PRICE}
        )
    return value


def set_terms(
    *,
    contract: Contract | None = None,
    plan: Plan | None = None,
    basis: str,
    amount: Decimal | None,
    monthly_cap: Decimal | None = None,
    actor: Actor = None,
) -> PenaltyTerms:
    """Sets the penalty terms of one contract, or of a plan (its contracts' default)."""
    if (contract is None) == (plan is None):
        raise PenaltyError("contract: " + _("name a contract or a plan"))
    if basis not in PenaltyTerms.Basis.values:
        raise PenaltyError("basis: " + _("choose per started hour or per breach"))
    values = {
        "basis": basis,
        "amount": _money("amount", amount, required=True),
        "monthly_cap": _money("monthly_cap", monthly_cap, required=False),
    }
    with transaction.atomic():
        owner: Contract | Plan
        if contract is not None:
            owner = Contract.objects.select_for_update().get(pk=contract.pk)
            terms, _created = PenaltyTerms.objects.update_or_create(contract=owner, defaults=values)
            organisation = owner.organisation
        elif plan is not None:
            owner = Plan.objects.select_for_update().get(pk=plan.pk)
            terms, _created = PenaltyTerms.objects.update_or_create(plan=owner, defaults=values)
            organisation = None
        else:  # refused above; said again for the type checker
            raise PenaltyError("plan: " + _("name a contract or a plan"))
        audit.record(
            "contract.penalty_terms_set",
            owner,
            actor=actor,
            organisation=organisation,
            basis=basis,
            amount=str(values["amount"]),
            monthly_cap=None if monthly_cap is None else str(monthly_cap),
        )
    return terms


def clear_terms(*, contract: Contract, actor: Actor = None) -> bool:
    """Drops the contract's own terms: its plan's apply again. False when it had none."""
    with transaction.atomic():
        owner = Contract.objects.select_for_update().get(pk=contract.pk)
        deleted, _deleted = PenaltyTerms.objects.filter(contract=owner).delete()
        if deleted:
            audit.record(
                "contract.penalty_terms_cleared",
                owner,
                actor=actor,
                organisation=owner.organisation,
            )
    return bool(deleted)
