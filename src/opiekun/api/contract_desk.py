"""The contract desk (issue 17): quote, accept, notice and renegotiation (R-CON-1,
R-CON-2). Staff and the organisation's contacts read a contract; support managers act;
anyone else gets 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from opiekun.api import organisations
from opiekun.api.schemas import ContractOut
from opiekun.api.types import Id, OneOf, OptionalDay
from opiekun.catalog.models import Plan
from opiekun.contracts import desk
from opiekun.contracts.access import contract_for
from opiekun.contracts.models import Contract
from opiekun.customers.access import organisation_for
from opiekun.staff.access import manager_for

router = Router(tags=["contracts"])

Price = Annotated[Decimal, Field(ge=0, le=desk.MAX_PRICE, max_digits=10, decimal_places=2)]
Reason = Annotated[str, Field(max_length=500)]


class QuoteIn(Schema):
    plan_code: Annotated[str, Field(min_length=1, max_length=40)]
    number: Annotated[str, Field(max_length=40)] = ""
    price_net: Price | None = None
    seats: Annotated[int, Field(ge=1, le=desk.MAX_SEATS)] = 1


class AcceptIn(Schema):
    accepted_on: OptionalDay = None


class NoticeIn(Schema):
    by: Annotated[str, OneOf.of(Contract.NoticeBy)]
    given_on: OptionalDay = None
    reason: Reason = ""


class RenegotiationIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    proposed_price_net: Price
    agreed: bool
    decided_on: OptionalDay = None


def _step(made: Contract) -> ContractOut:
    return ContractOut.of(made)


@router.get("/contracts/{contract_id}", response=ContractOut, summary="One contract")
def get_contract(request: HttpRequest, contract_id: Id) -> ContractOut:
    return ContractOut.of(contract_for(request.user, contract_id))


# On the organisations router: its GET of the same path would hide a second router's POST.
@organisations.router.post(
    "/organisations/{organisation_id}/contracts",
    response={201: ContractOut},
    summary="Record a quote for a customer (managers; R-CON-1)",
)
def quote(request: HttpRequest, organisation_id: Id, data: QuoteIn) -> Status[ContractOut]:
    manager_for(request.user)
    organisation = organisation_for(request.user, organisation_id)
    plan = Plan.objects.filter(code=data.plan_code).first()
    if plan is None:
        raise HttpError(400, f"plan_code: no plan {data.plan_code!r}")
    made = desk.quote(
        organisation,
        plan,
        number=data.number,
        price_net=data.price_net,
        seats=data.seats,
        actor=request.user,
    )
    return Status(201, _step(made))


@router.post(
    "/contracts/{contract_id}/accept",
    response=ContractOut,
    summary="The customer accepted the quote (managers; starts per the plan, R-CON-1)",
)
def accept(request: HttpRequest, contract_id: Id, data: AcceptIn) -> ContractOut:
    manager_for(request.user)
    return _step(
        desk.accept(
            contract_for(request.user, contract_id),
            accepted_on=data.accepted_on,
            actor=request.user,
        )
    )


@router.post(
    "/contracts/{contract_id}/notice",
    response=ContractOut,
    summary="Record a notice (managers; never ends before the minimum duration, R-CON-2)",
)
def notice(request: HttpRequest, contract_id: Id, data: NoticeIn) -> ContractOut:
    manager_for(request.user)
    return _step(
        desk.notice(
            contract_for(request.user, contract_id),
            by=data.by,
            given_on=data.given_on,
            reason=data.reason,
            actor=request.user,
        )
    )


@router.post(
    "/contracts/{contract_id}/renegotiation",
    response=ContractOut,
    summary="Record a renegotiation (managers; failed: the vendor's notice, R-CON-2)",
)
def renegotiation(request: HttpRequest, contract_id: Id, data: RenegotiationIn) -> ContractOut:
    manager_for(request.user)
    return _step(
        desk.renegotiate(
            contract_for(request.user, contract_id),
            reason=data.reason,
            proposed_price_net=data.proposed_price_net,
            agreed=data.agreed,
            decided_on=data.decided_on,
            actor=request.user,
        )
    )


class PlanChangeIn(Schema):
    plan_code: Annotated[str, Field(min_length=1, max_length=40)]
    starts_on: OptionalDay = None
    price_net: Price | None = None


@router.post(
    "/contracts/{contract_id}/plan-change",
    response={201: ContractOut},
    summary="Move to another plan from a day: the new contract (managers; R-CON-3 billing)",
)
def change_plan(request: HttpRequest, contract_id: Id, data: PlanChangeIn) -> Status[ContractOut]:
    manager_for(request.user)
    plan = Plan.objects.filter(code=data.plan_code).first()
    if plan is None:
        raise HttpError(400, f"plan_code: no plan {data.plan_code!r}")
    new = desk.change_plan(
        contract_for(request.user, contract_id),
        plan,
        starts_on=data.starts_on,
        price_net=data.price_net,
        actor=request.user,
    )
    return Status(201, ContractOut.of(new))
