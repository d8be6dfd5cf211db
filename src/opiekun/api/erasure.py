"""Erasing a contact on request (GDPR art. 17; issue 19, item 7): support managers only,
anyone else gets 404. Name, e-mail addresses, phone numbers and login go; what the
contact wrote stays with their identifiers replaced; issued statements and registers
keep what they issued (ADR 0027)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from opiekun.api.schemas import ContactOut
from opiekun.api.types import Id
from opiekun.lifecycle import actions
from opiekun.lifecycle.access import contact_to_erase_for

router = Router(tags=["organisations"])


class ErasureOut(Schema):
    contact: ContactOut
    messages_redacted: int
    raw_mail_removed: int
    tickets_redacted: int


@router.post(
    "/contacts/{contact_id}/anonymise",
    response=ErasureOut,
    summary="Anonymise a contact on request (GDPR art. 17); managers only",
)
def anonymise(request: HttpRequest, contact_id: Id) -> ErasureOut:
    contact = contact_to_erase_for(request.user, contact_id)
    done = actions.anonymise_contact(contact, actor=request.user)
    return ErasureOut(
        contact=ContactOut.of(done.contact),
        messages_redacted=done.messages,
        raw_mail_removed=done.raw_mail,
        tickets_redacted=done.tickets,
    )
