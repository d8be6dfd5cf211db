"""Who new tickets go to, per plan and per vendor (issue 15), and whether a portal question
counts as the plan's e-mail channel (issue 16): support managers only; anyone else gets
404."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from opiekun.api.types import OneOf
from opiekun.catalog import assignment, portal_channel, seller
from opiekun.catalog.choices import AssignmentRule
from opiekun.catalog.models import Plan, Vendor
from opiekun.staff.access import manager_for

router = Router(tags=["plans"])


class PlanRuleIn(Schema):
    assignment_rule: Annotated[str, OneOf.of(["", *AssignmentRule.values])]


class VendorRuleIn(Schema):
    assignment_rule: Annotated[str, OneOf.of(AssignmentRule)]


class RuleOut(Schema):
    code: str
    assignment_rule: str
    effective_rule: str


def _plan_out(plan: Plan) -> RuleOut:
    return RuleOut(
        code=plan.code,
        assignment_rule=plan.assignment_rule,
        effective_rule=plan.assignment_rule or plan.vendor.assignment_rule,
    )


@router.get("/plans/{plan_code}/assignment", response=RuleOut, summary="A plan's assignment rule")
def plan_rule(request: HttpRequest, plan_code: str) -> RuleOut:
    manager_for(request.user)
    return _plan_out(_plan(plan_code))


@router.put(
    "/plans/{plan_code}/assignment",
    response=RuleOut,
    summary="Set who a plan's new tickets go to ('' for the vendor's rule; managers)",
)
def set_plan_rule(request: HttpRequest, plan_code: str, data: PlanRuleIn) -> RuleOut:
    manager_for(request.user)
    plan = assignment.set_plan_rule(_plan(plan_code), data.assignment_rule, actor=request.user)
    return _plan_out(plan)


@router.put(
    "/vendors/{vendor_code}/assignment",
    response=RuleOut,
    summary="Set the vendor's default for plans without a rule (managers)",
)
def set_vendor_rule(request: HttpRequest, vendor_code: str, data: VendorRuleIn) -> RuleOut:
    manager_for(request.user)
    vendor = assignment.set_vendor_rule(
        _vendor(vendor_code), data.assignment_rule, actor=request.user
    )
    rule = vendor.assignment_rule
    return RuleOut(code=vendor.code, assignment_rule=rule, effective_rule=rule)


class PinningIn(Schema):
    pin_critical: bool


class PinningOut(Schema):
    code: str
    pin_critical: bool


@router.put(
    "/vendors/{vendor_code}/pinning",
    response=PinningOut,
    summary="Whether critical tickets go before contract priority in the queue (managers)",
)
def set_vendor_pinning(request: HttpRequest, vendor_code: str, data: PinningIn) -> PinningOut:
    manager_for(request.user)
    vendor = assignment.set_vendor_pinning(
        _vendor(vendor_code), data.pin_critical, actor=request.user
    )
    return PinningOut(code=vendor.code, pin_critical=vendor.pin_critical)


def _vendor(code: str) -> Vendor:
    vendor = Vendor.objects.filter(code=code[:20]).first()
    if vendor is None:
        raise Http404("No such vendor")
    return vendor


class PortalChannelIn(Schema):
    portal_counts_as_email: bool


class PortalChannelOut(Schema):
    code: str
    portal_counts_as_email: bool


@router.get(
    "/plans/{plan_code}/portal-channel",
    response=PortalChannelOut,
    summary="Whether a portal question counts as the plan's e-mail channel",
)
def plan_portal_channel(request: HttpRequest, plan_code: str) -> PortalChannelOut:
    manager_for(request.user)
    plan = _plan(plan_code)
    return PortalChannelOut(code=plan.code, portal_counts_as_email=plan.portal_counts_as_email)


@router.put(
    "/plans/{plan_code}/portal-channel",
    response=PortalChannelOut,
    summary="Set whether a portal question counts as the plan's e-mail channel (managers)",
)
def set_plan_portal_channel(
    request: HttpRequest, plan_code: str, data: PortalChannelIn
) -> PortalChannelOut:
    manager_for(request.user)
    plan = portal_channel.set_portal_counts_as_email(
        _plan(plan_code), data.portal_counts_as_email, actor=request.user
    )
    return PortalChannelOut(code=plan.code, portal_counts_as_email=plan.portal_counts_as_email)


def _plan(code: str) -> Plan:
    plan = Plan.objects.select_related("vendor").filter(code=code[:40]).first()
    if plan is None:
        raise Http404("No such plan")
    return plan


class SellerIn(Schema):
    legal_name: Annotated[str, Field(max_length=seller.LEGAL_NAME_MAX)] = ""
    tax_id: Annotated[str, Field(max_length=32, description="A NIP, or an EU VAT number.")] = ""
    address: Annotated[str, Field(max_length=seller.ADDRESS_MAX)] = ""


class SellerOut(Schema):
    code: str
    legal_name: str
    tax_id: str
    address: str


@router.put(
    "/vendors/{vendor_code}/seller",
    response=SellerOut,
    summary="Set the vendor's legal name, NIP and address for its invoices (managers)",
)
def set_seller(request: HttpRequest, vendor_code: str, data: SellerIn) -> SellerOut:
    manager_for(request.user)
    vendor = seller.set_seller(
        _vendor(vendor_code),
        legal_name=data.legal_name,
        tax_id=data.tax_id,
        address=data.address,
        actor=request.user,
    )
    return SellerOut(
        code=vendor.code, legal_name=vendor.legal_name, tax_id=vendor.tax_id, address=vendor.address
    )
