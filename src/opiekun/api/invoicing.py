"""Invoicing (issue 21, item 1): a support manager issues an approved statement's invoice
and chooses whether a vendor's statements are invoiced on approval; anyone else gets
404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from opiekun.api.types import Id, OneOf
from opiekun.catalog.models import Vendor
from opiekun.contracts.access import statement_for
from opiekun.invoicing import actions, settings_actions
from opiekun.invoicing.models import Invoice
from opiekun.staff.access import manager_for

router = Router(tags=["invoicing"])


class InvoiceOut(Schema):
    number: str
    kind: Annotated[str, OneOf.of(Invoice.Kind, check=False)]
    statement_id: int
    issue_date: dt.date
    buyer_tax_id: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str
    ksef_state: str
    ksef_number: str

    @staticmethod
    def of(invoice: Invoice) -> InvoiceOut:
        sub = getattr(invoice, "ksef", None)
        return InvoiceOut(
            number=invoice.number,
            kind=invoice.kind,
            statement_id=invoice.statement_id,
            issue_date=invoice.issue_date,
            buyer_tax_id=invoice.buyer_tax_id,
            net=invoice.net,
            vat=invoice.vat,
            gross=invoice.gross,
            currency=invoice.currency,
            ksef_state=sub.state if sub else "",
            ksef_number=sub.ksef_number if sub else "",
        )


@router.post(
    "/statements/{statement_id}/invoice",
    response=InvoiceOut,
    summary="Issue an approved statement's invoice; again returns the same one (managers)",
)
def issue(request: HttpRequest, statement_id: Id) -> InvoiceOut:
    manager_for(request.user)
    # A refusal (not approved, no seller's NIP) is an InvoiceError: 400 naming the field.
    statement = statement_for(request.user, statement_id)
    return InvoiceOut.of(actions.issue(statement, actor=request.user))


class InvoicingIn(Schema):
    issue_on_approval: bool


class InvoicingOut(Schema):
    code: str
    issue_on_approval: bool
    ksef_token: str = Field(description="Masked: '…' and at most the last four characters.")
    ksef_token_set_at: dt.datetime | None

    @staticmethod
    def of(vendor: Vendor) -> InvoicingOut:
        row = settings_actions.of(vendor)
        return InvoicingOut(
            code=vendor.code,
            issue_on_approval=row.issue_on_approval,
            ksef_token=settings_actions.masked(row.ksef_token),
            ksef_token_set_at=row.ksef_token_set_at,
        )


class TokenIn(Schema):
    ksef_token: str = Field(max_length=1000, description="The vendor's KSeF token; '' removes it.")


def _vendor(code: str) -> Vendor:
    vendor = Vendor.objects.filter(code=code[:20]).first()
    if vendor is None:
        raise Http404("No such vendor")
    return vendor


@router.get(
    "/vendors/{vendor_code}/invoicing",
    response=InvoicingOut,
    summary="Whether the vendor's statements are invoiced on approval (managers)",
)
def vendor_invoicing(request: HttpRequest, vendor_code: str) -> InvoicingOut:
    manager_for(request.user)
    return InvoicingOut.of(_vendor(vendor_code))


@router.put(
    "/vendors/{vendor_code}/invoicing",
    response=InvoicingOut,
    summary="Choose whether the vendor's statements are invoiced on approval (managers)",
)
def set_vendor_invoicing(request: HttpRequest, vendor_code: str, data: InvoicingIn) -> InvoicingOut:
    manager_for(request.user)
    vendor = _vendor(vendor_code)
    settings_actions.set_issue_on_approval(vendor, data.issue_on_approval, actor=request.user)
    return InvoicingOut.of(vendor)


@router.put(
    "/vendors/{vendor_code}/ksef-token",
    response=InvoicingOut,
    summary="Store the vendor's KSeF token, encrypted; '' removes it (managers)",
)
def set_ksef_token(request: HttpRequest, vendor_code: str, data: TokenIn) -> InvoicingOut:
    manager_for(request.user)
    vendor = _vendor(vendor_code)
    # Shown back masked only: the response carries '…' and the last four characters.
    settings_actions.set_ksef_token(vendor, data.ksef_token, actor=request.user)
    return InvoicingOut.of(vendor)
