"""Requests for hours (issue 17, item 2): a contact asks; staff and the organisation's
contacts read; a support manager accepts (the sale) or declines. Anyone else gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from opiekun.api.types import Id
from opiekun.catalog.models import Plan
from opiekun.contracts import hour_requests, selling
from opiekun.contracts.models import HourRequest
from opiekun.customers.access import contact_of, organisation_for
from opiekun.staff.access import manager_for

router = Router(tags=["hours"])


class AskIn(Schema):
    plan_code: Annotated[str, Field(min_length=1, max_length=40)]
    minutes: Annotated[int, Field(ge=1, le=selling.MAX_PACKAGE_MINUTES)] | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class DeclineIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class HourRequestOut(Schema):
    id: int
    organisation_id: int
    plan: str
    minutes: int
    note: str
    status: str
    reason: str
    bank_id: int | None
    created_at: dt.datetime

    @staticmethod
    def of(r: HourRequest) -> HourRequestOut:
        return HourRequestOut(
            id=r.pk,
            organisation_id=r.organisation_id,
            plan=r.plan.code,
            minutes=r.minutes,
            note=r.note,
            status=r.status,
            reason=r.reason,
            bank_id=r.bank_id,
            created_at=r.created_at,
        )


@router.post(
    "/my/hour-requests",
    response={201: HourRequestOut},
    summary="Ask the vendor for a package or a top-up (contacts)",
)
def ask(request: HttpRequest, data: AskIn) -> Status[HourRequestOut]:
    contact = contact_of(request.user)
    if contact is None:
        raise Http404("No such page")
    plan = Plan.objects.filter(code=data.plan_code).first()
    if plan is None:
        raise HttpError(400, f"plan_code: no plan {data.plan_code!r}")
    made = hour_requests.ask(contact, plan, minutes=data.minutes, note=data.note)
    return Status(201, HourRequestOut.of(made))


@router.get(
    "/organisations/{organisation_id}/hour-requests",
    response=list[HourRequestOut],
    summary="An organisation's requests for hours",
)
def requests_of(request: HttpRequest, organisation_id: Id) -> list[HourRequestOut]:
    organisation = organisation_for(request.user, organisation_id)
    found = HourRequest.objects.filter(organisation=organisation).select_related("plan")
    return [HourRequestOut.of(r) for r in found[:200]]


def _request(request_id: int) -> HourRequest:
    found = HourRequest.objects.select_related("plan").filter(pk=request_id).first()
    if found is None:
        raise Http404("No such request")
    return found


@router.post(
    "/hour-requests/{request_id}/accept",
    response=HourRequestOut,
    summary="Accept a request: the package is sold and waiting tickets go ahead (managers)",
)
def accept(request: HttpRequest, request_id: Id) -> HourRequestOut:
    manager_for(request.user)
    return HourRequestOut.of(hour_requests.accept(_request(request_id), actor=request.user))


@router.post(
    "/hour-requests/{request_id}/decline",
    response=HourRequestOut,
    summary="Decline a request with a reason (managers)",
)
def decline(request: HttpRequest, request_id: Id, data: DeclineIn) -> HourRequestOut:
    manager_for(request.user)
    done = hour_requests.decline(_request(request_id), reason=data.reason, actor=request.user)
    return HourRequestOut.of(done)
