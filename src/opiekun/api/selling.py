"""Selling hours (issue 17): a package or a top-up for an organisation, a bank's
correction. Support managers only; anyone else gets 404. A retried sale with the same
``Idempotency-Key`` header sells once."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from opiekun.api.schemas import BankOut
from opiekun.api.types import Id, OptionalDay, Text
from opiekun.catalog.models import Plan
from opiekun.contracts import banks, selling
from opiekun.contracts.models import HourBank, LedgerEntry
from opiekun.customers.access import organisation_for
from opiekun.staff.access import manager_for

router = Router(tags=["hours"])

Minutes = Annotated[int, Field(ge=1, le=selling.MAX_PACKAGE_MINUTES)]
Price = Annotated[Decimal, Field(ge=0, le=Decimal("99999999.99"), max_digits=10, decimal_places=2)]


class PackageIn(Schema):
    plan_code: Annotated[str, Field(min_length=1, max_length=40)]
    purchased_on: OptionalDay = None
    minutes: Minutes | None = None
    price_net: Price | None = None


class SaleOut(Schema):
    bank: BankOut
    price_net: Decimal | None
    released_tickets: int


class CorrectionIn(Schema):
    minutes: Annotated[int, Field(ge=-selling.MAX_PACKAGE_MINUTES, le=selling.MAX_PACKAGE_MINUTES)]
    reason: Annotated[str, Text.of(LedgerEntry, "reason")]


def _out(bank: HourBank) -> BankOut:
    bank.balance_minutes = banks.balance(bank)  # type: ignore[attr-defined]
    return BankOut.of(bank)


@router.post(
    "/organisations/{organisation_id}/packages",
    response={201: SaleOut},
    summary="Sell a plan's package or a top-up (managers); the waiting tickets are released",
)
def sell_package(request: HttpRequest, organisation_id: Id, data: PackageIn) -> Status[SaleOut]:
    manager_for(request.user)
    organisation = organisation_for(request.user, organisation_id)
    plan = Plan.objects.filter(code=data.plan_code).first()
    if plan is None:
        raise HttpError(400, f"plan_code: no plan {data.plan_code!r}")
    waiting = organisation.tickets.filter(status="awaiting_package").count()
    bank = selling.sell_package(
        organisation,
        plan,
        purchased_on=data.purchased_on,
        minutes=data.minutes,
        price_net=data.price_net,
        sale_key=request.headers.get("Idempotency-Key", "")[:64],
        actor=request.user,
    )
    released = waiting - organisation.tickets.filter(status="awaiting_package").count()
    sale = SaleOut(bank=_out(bank), price_net=bank.purchase_price_net, released_tickets=released)
    return Status(201, sale)


@router.post(
    "/banks/{bank_id}/corrections",
    response={201: BankOut},
    summary="Correct a bank's balance with a reason (managers; a new ledger entry)",
)
def correct_bank(request: HttpRequest, bank_id: Id, data: CorrectionIn) -> Status[BankOut]:
    manager_for(request.user)
    bank = HourBank.objects.select_related("contract").filter(pk=bank_id).first()
    if bank is None:
        raise Http404("No such bank")
    selling.correct_bank(bank, data.minutes, reason=data.reason, actor=request.user)
    return Status(201, _out(bank))
