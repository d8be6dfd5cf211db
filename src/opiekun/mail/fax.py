"""Mail from the fax gateway: a scanned fax becomes a ticket of the organisation whose
fax number sent it, or waits in triage when the number is unknown."""

from __future__ import annotations

import phonenumbers
from django.utils import timezone

from opiekun.customers.models import Contact, ContactPhone, Organisation
from opiekun.mail.filing import IngestError
from opiekun.mail.models import InboundMail
from opiekun.mail.parse import InboundMessage
from opiekun.tickets import actions as ticket_actions

_SCAN_TYPES = ("application/pdf", "image/tiff", "image/png", "image/jpeg", "image/gif")


def fax_number(parsed: InboundMessage) -> str | None:
    candidates = [*parsed.headers.values(), parsed.subject, parsed.sender.split("@", 1)[0]]
    for text in candidates:
        for match in phonenumbers.PhoneNumberMatcher(text, "PL"):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def from_gateway(inbound: InboundMail, parsed: InboundMessage) -> None:
    number = fax_number(parsed)
    phones = ContactPhone.objects.filter(number=number, contact__is_active=True)
    phone = phones.filter(kind=ContactPhone.Kind.FAX).first() or phones.first() if number else None
    if phone is None:
        inbound.state = InboundMail.State.TRIAGE
        inbound.reason = f"fax from an unknown number {number or '(none found)'}"
        return
    new_fax_ticket(inbound, parsed, phone.contact.organisation, phone.contact, number or "")


def new_fax_ticket(
    inbound: InboundMail,
    parsed: InboundMessage,
    organisation: Organisation,
    contact: Contact | None,
    number: str,
) -> None:
    scans = [p for p in parsed.attachments if p.content_type in _SCAN_TYPES]
    if not scans:
        raise IngestError("fax: the gateway's mail carries no scan (PDF, TIFF or image)")
    ticket = ticket_actions.open_fax_ticket(
        organisation,
        subject=parsed.subject or f"Faks z {number}",
        scan_name=scans[0].filename,
        scan=scans[0].content,
        received_at=min(inbound.received_at, timezone.now()),
        contact=contact,
    )
    inbound.state, inbound.ticket = InboundMail.State.INGESTED, ticket
