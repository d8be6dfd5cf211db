"""SLA penalties in the API (issue 21, item 2): a contract's or a plan's penalty terms,
and force majeure on a ticket. Who may see the contract reads its terms; support managers
set them and note force majeure; anyone else gets 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from opiekun.api.types import Id, OneOf
from opiekun.catalog.models import Plan
from opiekun.contracts import penalties
from opiekun.contracts.access import contract_for
from opiekun.contracts.models import PenaltyTerms
from opiekun.core import bounds
from opiekun.staff.access import manager_for
from opiekun.tickets import access, actions
from opiekun.tickets.models import ForceMajeure

router = Router(tags=["penalties"])

Amount = Annotated[Decimal, Field(ge=0, le=bounds.MAX_PRICE, max_digits=10, decimal_places=2)]


class TermsIn(Schema):
    basis: Annotated[str, OneOf.of(PenaltyTerms.Basis)]
    amount: Amount
    monthly_cap: Amount | None = None


class TermsOut(Schema):
    source: str = Field(description="'contract', 'plan' (the plan's default) or 'none'")
    basis: str | None = None
    amount: Decimal | None = None
    monthly_cap: Decimal | None = None

    @staticmethod
    def of(terms: PenaltyTerms | None) -> TermsOut:
        if terms is None:
            return TermsOut(source="none")
        return TermsOut(
            source="contract" if terms.contract_id else "plan",
            basis=terms.basis,
            amount=terms.amount,
            monthly_cap=terms.monthly_cap,
        )


class ForceMajeureIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=300)]


class ForceMajeureOut(Schema):
    ticket_id: int
    reason: str
    noted_at: dt.datetime
    noted_by: str


@router.get(
    "/contracts/{contract_id}/penalty-terms",
    response=TermsOut,
    summary="The penalty terms in force for a contract (its own, else its plan's)",
)
def contract_terms(request: HttpRequest, contract_id: Id) -> TermsOut:
    return TermsOut.of(penalties.terms_for(contract_for(request.user, contract_id)))


@router.put(
    "/contracts/{contract_id}/penalty-terms",
    response=TermsOut,
    summary="Set a contract's own penalty terms (managers)",
)
def set_contract_terms(request: HttpRequest, contract_id: Id, data: TermsIn) -> TermsOut:
    manager_for(request.user)
    found = contract_for(request.user, contract_id)
    return TermsOut.of(
        penalties.set_terms(
            contract=found,
            basis=data.basis,
            amount=data.amount,
            monthly_cap=data.monthly_cap,
            actor=request.user,
        )
    )


@router.delete(
    "/contracts/{contract_id}/penalty-terms",
    response=TermsOut,
    summary="Drop a contract's own terms: its plan's apply (managers)",
)
def clear_contract_terms(request: HttpRequest, contract_id: Id) -> TermsOut:
    manager_for(request.user)
    found = contract_for(request.user, contract_id)
    penalties.clear_terms(contract=found, actor=request.user)
    return TermsOut.of(penalties.terms_for(found))


@router.put(
    "/plans/{plan_code}/penalty-terms",
    response=TermsOut,
    summary="Set a plan's penalty terms, the default of its contracts (managers)",
)
def set_plan_terms(request: HttpRequest, plan_code: str, data: TermsIn) -> TermsOut:
    manager_for(request.user)
    plan = Plan.objects.filter(code=plan_code[:40]).first()
    if plan is None:
        raise HttpError(404, "No such plan")
    return TermsOut.of(
        penalties.set_terms(
            plan=plan,
            basis=data.basis,
            amount=data.amount,
            monthly_cap=data.monthly_cap,
            actor=request.user,
        )
    )


@router.post(
    "/tickets/{ticket_id}/force-majeure",
    response=ForceMajeureOut,
    summary="Note force majeure on a ticket: its late reaction carries no penalty (managers)",
)
def note_force_majeure(
    request: HttpRequest, ticket_id: Id, data: ForceMajeureIn
) -> ForceMajeureOut:
    manager = manager_for(request.user)
    found = access.ticket_for(request.user, ticket_id)
    note = actions.note_force_majeure(found, reason=data.reason, staff=manager, actor=request.user)
    return _note_out(note)


@router.delete(
    "/tickets/{ticket_id}/force-majeure",
    response={204: None},
    summary="Withdraw the note of force majeure (managers)",
)
def withdraw_force_majeure(request: HttpRequest, ticket_id: Id) -> Status[None]:
    manager_for(request.user)
    actions.withdraw_force_majeure(access.ticket_for(request.user, ticket_id), actor=request.user)
    return Status(204, None)


def _note_out(note: ForceMajeure) -> ForceMajeureOut:
    return ForceMajeureOut(
        ticket_id=note.ticket_id,
        reason=note.reason,
        noted_at=note.noted_at,
        noted_by=str(note.noted_by),
    )
