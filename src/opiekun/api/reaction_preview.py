"""What a question would get if asked now (issue 16): the reaction deadline, or why none
and which channels would give one. A contact asks for their own organisation; staff name
one they may see. Nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from opiekun.api.types import Id, OneOf, Text
from opiekun.catalog.choices import Channel, Severity
from opiekun.catalog.models import Plan, Product
from opiekun.customers.access import contact_of, organisation_for
from opiekun.mail.addresses import support_address
from opiekun.staff.access import staff_for
from opiekun.tickets.promise import Offer, promise

router = Router(tags=["tickets"])


class PreviewQuery(Schema):
    severity: Annotated[str, OneOf.of(Severity)] = Severity.NORMAL
    channel: Annotated[str, OneOf.of(Channel)] = Channel.PORTAL
    product: Annotated[str, Text(max_length=40)] = ""
    organisation_id: Id | None = None


class OfferOut(Schema):
    channel: Annotated[str, OneOf.of(Channel)]
    due_at: dt.datetime
    target_minutes: int
    counted_in: str

    @staticmethod
    def of(offer: Offer) -> OfferOut:
        return OfferOut(
            channel=offer.channel,
            due_at=offer.due_at,
            target_minutes=offer.target_minutes,
            counted_in=offer.calendar.describe(),
        )


class PreviewOut(Schema):
    plan: str | None
    guaranteed: bool
    reaction: OfferOut | None
    no_guarantee_reason: str
    guaranteed_elsewhere: list[OfferOut]
    email_address: str
    product_covered: bool
    receipt_confirmed_by: dt.datetime | None


def _product(plan: Plan | None, code: str) -> Product | None:
    if not code:
        return None
    # Only the vendor's own products: another vendor's code says nothing.
    found = Product.objects.filter(vendor=plan.vendor, code=code).first() if plan else None
    if found is None:
        raise HttpError(400, "product: no such product of your vendor")
    return found


@router.get(
    "/reaction-preview",
    response=PreviewOut,
    summary="The reaction deadline a question would get if asked now",
)
def reaction_preview(request: HttpRequest, query: Query[PreviewQuery]) -> PreviewOut:
    contact = contact_of(request.user)
    if contact is not None:
        organisation = contact.organisation
    else:
        staff_for(request.user)
        if query.organisation_id is None:
            raise HttpError(400, "organisation_id: required when staff ask")
        organisation = organisation_for(request.user, query.organisation_id)
    first = promise(organisation, severity=query.severity, channel=query.channel)
    product = _product(first.plan, query.product)
    found = (
        promise(organisation, severity=query.severity, channel=query.channel, product=product)
        if product
        else first
    )
    return PreviewOut(
        plan=found.plan.code if found.plan else None,
        guaranteed=found.guaranteed,
        reaction=OfferOut.of(found.offer) if found.offer else None,
        no_guarantee_reason=found.reason,
        guaranteed_elsewhere=[OfferOut.of(o) for o in found.channels],
        email_address=support_address(found.plan) if found.plan else "",
        product_covered=found.product_covered,
        receipt_confirmed_by=found.ack_due_at,
    )
