"""Caller ID (R-PPL-3): who is calling from this number, or that it is unknown."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from opiekun.api.schemas import ContactOut, OrganisationOut
from opiekun.api.types import Text
from opiekun.contracts import queries as contract_queries
from opiekun.customers.models import ContactPhone
from opiekun.customers.validators import normalise_phone
from opiekun.staff.access import staff_for
from opiekun.tickets.models import Ticket

router = Router(tags=["callers"])


class OpenTicket(Schema):
    id: int
    reference: str
    subject: str
    status: str


class CallerOut(Schema):
    number: str
    known: bool
    contacts: list[ContactOut]
    organisation: OrganisationOut | None
    plan: str | None
    account_manager: str | None
    account_manager_mobile: str | None
    open_tickets: list[OpenTicket]


@router.get("/callers/{number}", response=CallerOut, summary="Who is calling (caller ID)")
def caller(request: HttpRequest, number: Annotated[str, Text(40)]) -> CallerOut:
    staff_for(request.user)
    try:
        e164 = normalise_phone(number)
    except ValidationError:  # an unparsable number is simply not a known caller
        e164 = ""
    phones = (
        list(
            ContactPhone.objects.filter(number=e164, contact__is_active=True)
            .select_related("contact__organisation__account_manager__user")
            .prefetch_related("contact__emails", "contact__phones")
        )
        if e164
        else []
    )
    if not phones:
        # Not registered: the account manager need not take the call (R-PPL-3).
        return CallerOut(
            number=e164 or number,
            known=False,
            contacts=[],
            organisation=None,
            plan=None,
            account_manager=None,
            account_manager_mobile=None,
            open_tickets=[],
        )
    organisation = phones[0].contact.organisation
    contract = contract_queries.contract_in_force(organisation, timezone.localdate())
    manager = organisation.account_manager
    tickets = Ticket.objects.filter(organisation=organisation, status__in=Ticket.OPEN_STATUSES)
    return CallerOut(
        number=e164,
        known=True,
        contacts=[ContactOut.of(p.contact) for p in phones],
        organisation=OrganisationOut.of(organisation),
        plan=contract.plan.code if contract else None,
        account_manager=str(manager) if manager else None,
        account_manager_mobile=(manager.mobile_phone or None) if manager else None,
        open_tickets=[
            OpenTicket(id=t.pk, reference=t.reference, subject=t.subject, status=t.status)
            for t in tickets.order_by("-received_at")[:20]
        ],
    )
