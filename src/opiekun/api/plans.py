"""The public price list: a vendor's plans are public, so no authentication."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema

from opiekun.api.types import OneOf
from opiekun.catalog import queries
from opiekun.catalog.choices import Channel, Severity

router = Router(tags=["plans"])


class ChannelOut(Schema):
    channel: Annotated[str, OneOf.of(Channel, check=False)]
    open_hours: str | None
    guaranteed: bool
    restriction: str


class TargetOut(Schema):
    severity: Annotated[str, OneOf.of(Severity, check=False)] | None
    channel: Annotated[str, OneOf.of(Channel, check=False)] | None
    minutes: int
    counted_in: str


class PlanOut(Schema):
    code: str
    name: str
    vendor: str
    price_model: str
    price_net: Decimal | None
    currency: str
    minimum_months: int
    service_hours: str
    unlimited_support: bool
    included_minutes: int
    allotment_period: str
    package_validity_months: int | None
    guaranteed_monthly_minutes: int | None
    hourly_rate_net: Decimal | None
    queue_priority: int
    includes_annual_updates: bool
    includes_account_manager: bool
    channels: list[ChannelOut]
    reaction_targets: list[TargetOut]


@router.get("/plans", response=list[PlanOut], auth=None, summary="The public price list")
def list_plans(request: HttpRequest) -> list[PlanOut]:
    """Every public plan with its main figures, ordered by vendor and code."""
    plans = []
    for plan in queries.public_plans():
        plans.append(
            PlanOut(
                code=plan.code,
                name=plan.name,
                vendor=plan.vendor.name,
                price_model=plan.price_model,
                price_net=plan.price_net,
                currency=plan.currency,
                minimum_months=plan.minimum_months,
                service_hours=plan.calendar.name,
                unlimited_support=plan.unlimited_support,
                included_minutes=plan.included_minutes,
                allotment_period=plan.allotment_period,
                package_validity_months=plan.package_validity_months,
                guaranteed_monthly_minutes=plan.guaranteed_monthly_minutes,
                hourly_rate_net=plan.hourly_rate_net,
                queue_priority=plan.queue_priority,
                includes_annual_updates=plan.includes_annual_updates,
                includes_account_manager=plan.includes_account_manager,
                channels=[
                    ChannelOut(
                        channel=c.channel,
                        open_hours=c.calendar.name if c.calendar else None,
                        guaranteed=c.guaranteed,
                        restriction=c.restriction,
                    )
                    for c in plan.channels.all()
                ],
                reaction_targets=[
                    TargetOut(
                        severity=t.severity or None,
                        channel=t.channel or None,
                        minutes=t.minutes,
                        counted_in=(t.calendar or plan.calendar).name,
                    )
                    for t in plan.targets.all()
                ],
            )
        )
    return plans
