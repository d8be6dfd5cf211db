"""Alerts to the vendor (issue 17, item 9): the console's Alerts page as data. Support
managers only; anyone else gets 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema

from opiekun.api.types import OneOf
from opiekun.contracts.models import HourBank
from opiekun.reports import alerts as vendor_alerts
from opiekun.staff.access import manager_for

router = Router(tags=["alerts"])


class ContractAlertOut(Schema):
    contract_id: int
    contract: str
    organisation_id: int
    organisation: str
    plan: str
    day: dt.date
    days_left: int


class BankAlertOut(Schema):
    bank_id: int
    kind: Annotated[str, OneOf.of(HourBank.Kind, check=False)]
    contract: str
    organisation_id: int
    organisation: str
    granted_minutes: int
    balance_minutes: int
    used_percent: int
    overdrawn: bool


class VolumeAlertOut(Schema):
    contract_id: int
    contract: str
    organisation_id: int
    organisation: str
    plan: str
    recent_tickets: int
    usual_tickets: Decimal


class AlertsOut(Schema):
    count: int
    ending: list[ContractAlertOut]
    notice_period_starts: list[ContractAlertOut]
    banks: list[BankAlertOut]
    volume: list[VolumeAlertOut]


def _contract(a: vendor_alerts.ContractAlert) -> ContractAlertOut:
    c = a.contract
    return ContractAlertOut(
        contract_id=c.pk,
        contract=c.number,
        organisation_id=c.organisation_id,
        organisation=c.organisation.name,
        plan=c.plan.code,
        day=a.day,
        days_left=a.days_left,
    )


@router.get(
    "/alerts", response=AlertsOut, summary="Contracts ending, banks used up, busy customers"
)
def alerts(request: HttpRequest) -> AlertsOut:
    manager_for(request.user)
    found = vendor_alerts.collect()
    return AlertsOut(
        count=found.count,
        ending=[_contract(a) for a in found.ending],
        notice_period_starts=[_contract(a) for a in found.notice],
        banks=[
            BankAlertOut(
                bank_id=a.bank.pk,
                kind=a.bank.kind,
                contract=a.bank.contract.number,
                organisation_id=a.bank.contract.organisation_id,
                organisation=a.bank.contract.organisation.name,
                granted_minutes=a.granted_minutes,
                balance_minutes=a.balance_minutes,
                used_percent=a.used_percent,
                overdrawn=a.overdrawn,
            )
            for a in found.banks
        ],
        volume=[
            VolumeAlertOut(
                contract_id=a.contract.pk,
                contract=a.contract.number,
                organisation_id=a.contract.organisation_id,
                organisation=a.contract.organisation.name,
                plan=a.contract.plan.code,
                recent_tickets=a.recent,
                usual_tickets=a.usual,
            )
            for a in found.volume
        ],
    )
