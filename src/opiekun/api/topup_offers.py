"""Top-up offers (issue 21, item 4): the customer's buyers read, accept (the package is
sold, waiting tickets go ahead) or decline their organisation's offers; staff list them,
make one for a contract and withdraw an open one. Anyone else gets 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from opiekun.api.types import Id, OneOf, Text
from opiekun.contracts import topup, topup_sizing
from opiekun.contracts.access import (
    contract_for,
    offer_for_buyer,
    offer_for_staff,
    offers_for_buyer,
)
from opiekun.contracts.models import TopUpOffer
from opiekun.customers.access import contact_of
from opiekun.customers.models import Contact
from opiekun.staff.access import staff_for

router = Router(tags=["hours"])


class ReasonIn(Schema):
    reason: Annotated[str, Text(500)] = ""


class TopUpOfferOut(Schema):
    id: int
    organisation_id: int
    contract_id: int
    plan: str
    origin: Annotated[str, OneOf.of(TopUpOffer.Origin, check=False)]
    packages: int
    minutes: int
    price_net: Decimal | None
    currency: str
    used_minutes: int
    left_minutes: int
    runs_out_on: dt.date | None
    need_minutes: int
    explanation: str
    expires_at: dt.datetime
    status: Annotated[str, OneOf.of(TopUpOffer.Status, check=False)]
    reason: str
    sold_bank_id: int | None
    created_at: dt.datetime

    @staticmethod
    def of(o: TopUpOffer) -> TopUpOfferOut:
        expired = o.status == TopUpOffer.Status.OPEN and o.expires_at <= timezone.now()
        return TopUpOfferOut(
            id=o.pk,
            organisation_id=o.organisation_id,
            contract_id=o.contract_id,
            plan=o.plan.code,
            origin=o.origin,
            packages=o.packages,
            minutes=o.minutes,
            price_net=o.price_net,
            currency=o.currency,
            used_minutes=o.used_minutes,
            left_minutes=o.left_minutes,
            runs_out_on=o.runs_out_on,
            need_minutes=o.need_minutes,
            explanation=topup_sizing.explain(o),
            expires_at=o.expires_at,
            # Past its validity it is expired, whether or not the hourly job said so yet.
            status=TopUpOffer.Status.EXPIRED if expired else o.status,
            reason=o.reason,
            sold_bank_id=o.sold_bank_id,
            created_at=o.created_at,
        )


def _contact(request: HttpRequest) -> Contact:
    contact = contact_of(request.user)
    if contact is None:
        raise Http404("No such page")
    return contact


@router.get(
    "/my/topup-offers",
    response=list[TopUpOfferOut],
    summary="My organisation's top-up offers (contacts who may buy hours)",
)
def my_offers(request: HttpRequest) -> list[TopUpOfferOut]:
    found = offers_for_buyer(_contact(request)).select_related("plan")
    return [TopUpOfferOut.of(o) for o in found[:200]]


@router.post(
    "/my/topup-offers/{offer_id}/accept",
    response=TopUpOfferOut,
    summary="Accept an offer: the package is sold and waiting tickets go ahead",
)
def accept(request: HttpRequest, offer_id: Id) -> TopUpOfferOut:
    offer = offer_for_buyer(_contact(request), offer_id)
    return TopUpOfferOut.of(topup.accept(offer, actor=request.user))


@router.post(
    "/my/topup-offers/{offer_id}/decline",
    response=TopUpOfferOut,
    summary="Decline an offer, with a reason or none",
)
def decline(request: HttpRequest, offer_id: Id, data: ReasonIn) -> TopUpOfferOut:
    offer = offer_for_buyer(_contact(request), offer_id)
    return TopUpOfferOut.of(topup.decline(offer, reason=data.reason, actor=request.user))


@router.get(
    "/topup-offers",
    response=list[TopUpOfferOut],
    summary="Top-up offers, newest first (staff)",
)
def offers(
    request: HttpRequest,
    status: Annotated[str, OneOf.of(TopUpOffer.Status)] | None = None,
) -> list[TopUpOfferOut]:
    staff_for(request.user)
    found = TopUpOffer.objects.select_related("plan")
    if status:
        found = found.filter(status=status)
    return [TopUpOfferOut.of(o) for o in found[:200]]


@router.post(
    "/contracts/{contract_id}/topup-offers",
    response={201: TopUpOfferOut},
    summary="Make an offer for a contract, sized from its forecast (staff)",
)
def make(request: HttpRequest, contract_id: Id) -> Status[TopUpOfferOut]:
    staff_for(request.user)
    contract = contract_for(request.user, contract_id)
    return Status(201, TopUpOfferOut.of(topup.offer_by_hand(contract, actor=request.user)))


@router.post(
    "/topup-offers/{offer_id}/withdraw",
    response=TopUpOfferOut,
    summary="Withdraw an open offer (staff)",
)
def withdraw(request: HttpRequest, offer_id: Id, data: ReasonIn) -> TopUpOfferOut:
    offer = offer_for_staff(request.user, offer_id)
    return TopUpOfferOut.of(topup.withdraw(offer, reason=data.reason, actor=request.user))
