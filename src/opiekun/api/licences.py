"""Licence purchase and update dates of a contract (R-PLN-5, R-CON-5): managers record
them; staff and the contract's own contacts read the history and the free-support end;
anyone else gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from opiekun.api.types import Day, Id, OneOf, Text
from opiekun.contracts import licences, queries
from opiekun.contracts.access import contract_for
from opiekun.contracts.models import Contract, LicenceEvent
from opiekun.staff.access import manager_for

router = Router(tags=["contracts"])


class LicenceIn(Schema):
    kind: Annotated[str, OneOf.of(LicenceEvent.Kind)]
    on: Day
    note: Annotated[str, Text.of(LicenceEvent, "note")] = ""


class LicenceEventOut(Schema):
    kind: Annotated[str, OneOf.of(LicenceEvent.Kind, check=False)]
    on: dt.date
    note: str
    source: str
    recorded_at: dt.datetime


class LicenceOut(Schema):
    contract_id: int
    licence_purchased_on: dt.date | None
    last_update_on: dt.date | None
    free_support_until: dt.date | None
    eligible_today: bool
    history: list[LicenceEventOut]


def _out(contract: Contract) -> LicenceOut:
    until = queries.free_support_until(contract)
    return LicenceOut(
        contract_id=contract.pk,
        licence_purchased_on=contract.licence_purchased_on,
        last_update_on=contract.last_update_on,
        free_support_until=until,
        eligible_today=until is not None and timezone.localdate() < until,
        history=[
            LicenceEventOut(
                kind=e.kind, on=e.on, note=e.note, source=e.source, recorded_at=e.recorded_at
            )
            for e in LicenceEvent.objects.filter(contract=contract)
        ],
    )


@router.get(
    "/contracts/{contract_id}/licence",
    response=LicenceOut,
    summary="Licence dates, their history and the end of free basic support",
)
def licence(request: HttpRequest, contract_id: Id) -> LicenceOut:
    return _out(contract_for(request.user, contract_id))


@router.post(
    "/contracts/{contract_id}/licence",
    response={201: LicenceOut},
    summary="Record a licence purchase or an installed update (managers)",
)
def record_licence(request: HttpRequest, contract_id: Id, data: LicenceIn) -> Status[LicenceOut]:
    manager_for(request.user)
    contract = contract_for(request.user, contract_id)
    licences.record(contract, data.kind, data.on, note=data.note, source="api", actor=request.user)
    contract.refresh_from_db()
    return Status(201, _out(contract))
