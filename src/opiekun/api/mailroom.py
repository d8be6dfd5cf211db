"""Mail operations for integrations (issue 18), as the console's mail pages: triage and
quarantine (assign, register, discard, retry, the raw message), failed and stuck
outgoing e-mail (resend), mailboxes (last read, last error, connection test). Staff
only; anyone else gets 404. Every change goes through mail/actions.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from opiekun.api.types import Id, OneOf, Text
from opiekun.customers.access import organisation_for
from opiekun.customers.models import Contact
from opiekun.mail import actions, outbound, poll
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.staff.access import staff_for
from opiekun.tickets.models import Message

router = Router(tags=["mail"])
LIST_SIZE = 200
WAITING = ("triage", "quarantined", "too_large")


class InboundOut(Schema):
    id: int
    state: Annotated[str, OneOf.of(InboundMail.State, check=False)]
    reason: str
    sender: str
    subject: str
    mailbox: str
    received_at: dt.datetime
    ticket_id: int | None
    raw_url: str

    @staticmethod
    def of(row: InboundMail) -> InboundOut:
        return InboundOut(
            id=row.pk,
            state=row.state,
            reason=row.reason,
            sender=row.sender,
            subject=row.subject,
            mailbox=row.mailbox.name,
            received_at=row.received_at,
            ticket_id=row.ticket_id,
            raw_url=f"/api/v1/mail/inbound/{row.pk}/raw",
        )


class AssignIn(Schema):
    organisation_id: Id
    contact_id: Id | None = None
    register_address: bool = Field(
        False,
        description="Register the sender's address on the contact, or on a new contact "
        "of the organisation when none is given.",
    )


class DiscardIn(Schema):
    reason: Annotated[str, Text.of(InboundMail, "reason")]


class OutgoingOut(Schema):
    id: int
    ticket_id: int
    ticket_reference: str
    recipient: str
    delivery: Annotated[str, OneOf.of(Message.Delivery, check=False)]
    stuck: bool = Field(description="Still pending long after it was written or last tried.")
    error: str
    attempts: int
    last_try_at: dt.datetime


class MailboxOut(Schema):
    id: int
    name: str
    address: str
    is_active: bool
    poll_minutes: int
    last_read_at: dt.datetime | None
    last_error: str
    last_error_at: dt.datetime | None


class ConnectionOut(Schema):
    ok: bool
    error: str


def _inbound(inbound_id: int) -> InboundMail:
    row = InboundMail.objects.select_related("mailbox").filter(pk=inbound_id).first()
    if row is None:
        raise Http404("No such message")
    return row


@router.get(
    "/mail/inbound",
    response=list[InboundOut],
    summary="Mail waiting for a person: triage, quarantine, over the size limit (staff only)",
)
def inbound_list(
    request: HttpRequest, state: Annotated[str, OneOf.of(WAITING)] = "triage"
) -> list[InboundOut]:
    staff_for(request.user)
    rows = (
        InboundMail.objects.filter(state=state)
        .select_related("mailbox")
        .defer("raw")
        .order_by("-received_at")[:LIST_SIZE]
    )
    return [InboundOut.of(row) for row in rows]


@router.get("/mail/inbound/{inbound_id}/raw", summary="The message as it came (staff only)")
def raw(request: HttpRequest, inbound_id: Id) -> HttpResponse:
    staff_for(request.user)
    row = _inbound(inbound_id)
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{row.pk}.eml"'
    return response


@router.post(
    "/mail/inbound/{inbound_id}/assign",
    response=InboundOut,
    summary="A triaged message becomes a ticket of the organisation (staff only)",
)
def assign(request: HttpRequest, inbound_id: Id, body: AssignIn) -> InboundOut:
    staff_for(request.user)
    row = _inbound(inbound_id)
    organisation = organisation_for(request.user, body.organisation_id)
    contact = None
    if body.contact_id is not None:
        contact = Contact.objects.filter(pk=body.contact_id).first()
        if contact is None:
            raise actions.MailError("contact: no such contact")
    return InboundOut.of(
        actions.assign(
            row, organisation, contact=contact, register=body.register_address, actor=request.user
        )
    )


@router.post(
    "/mail/inbound/{inbound_id}/discard",
    response=InboundOut,
    summary="Discard a message waiting for a person, saying why (staff only)",
)
def discard(request: HttpRequest, inbound_id: Id, body: DiscardIn) -> InboundOut:
    staff_for(request.user)
    return InboundOut.of(
        actions.discard(_inbound(inbound_id), reason=body.reason, actor=request.user)
    )


@router.post(
    "/mail/inbound/{inbound_id}/retry",
    response=InboundOut,
    summary="Process a triaged or quarantined message again (staff only)",
)
def retry(request: HttpRequest, inbound_id: Id) -> InboundOut:
    staff_for(request.user)
    return InboundOut.of(actions.retry(_inbound(inbound_id), actor=request.user))


@router.get(
    "/mail/outgoing",
    response=list[OutgoingOut],
    summary="Outbound e-mail that failed or is stuck pending (staff only)",
)
def outgoing(request: HttpRequest) -> list[OutgoingOut]:
    staff_for(request.user)
    stuck = set(outbound.stuck().values_list("pk", flat=True))
    failed = Message.objects.filter(
        channel="email", direction=Message.Direction.OUTBOUND, delivery=Message.Delivery.FAILED
    )
    rows = (failed | outbound.stuck()).select_related("ticket").order_by("-updated_at")
    return [
        OutgoingOut(
            id=m.pk,
            ticket_id=m.ticket_id,
            ticket_reference=m.ticket.reference,
            recipient=m.recipient,
            delivery=m.delivery,
            stuck=m.pk in stuck,
            error=m.delivery_error,
            attempts=m.attempts,
            last_try_at=m.updated_at,
        )
        for m in rows[:LIST_SIZE]
    ]


@router.post(
    "/mail/outgoing/{message_id}/resend",
    response=OutgoingOut,
    summary="Send a failed or stuck e-mail again (staff only)",
)
def resend(request: HttpRequest, message_id: Id) -> OutgoingOut:
    staff_for(request.user)
    message = Message.objects.select_related("ticket").filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message")
    m = actions.resend(message, actor=request.user)
    return OutgoingOut(
        id=m.pk,
        ticket_id=m.ticket_id,
        ticket_reference=m.ticket.reference,
        recipient=m.recipient,
        delivery=m.delivery,
        stuck=False,
        error=m.delivery_error,
        attempts=m.attempts,
        last_try_at=m.updated_at,
    )


@router.get(
    "/mail/mailboxes",
    response=list[MailboxOut],
    summary="Each mailbox's last successful read and last error (staff only)",
)
def mailboxes(request: HttpRequest) -> list[MailboxOut]:
    staff_for(request.user)
    return [
        MailboxOut(
            id=b.pk,
            name=b.name,
            address=b.address,
            is_active=b.is_active,
            poll_minutes=b.poll_minutes,
            last_read_at=b.last_polled_at,
            last_error=b.last_error,
            last_error_at=b.last_error_at,
        )
        for b in Mailbox.objects.all()
    ]


@router.post(
    "/mail/mailboxes/{mailbox_id}/test",
    response=ConnectionOut,
    summary="Sign in to the mailbox now, reading nothing (staff only)",
)
def test_connection(request: HttpRequest, mailbox_id: Id) -> ConnectionOut:
    staff_for(request.user)
    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    if mailbox is None:
        raise Http404("No such mailbox")
    error = poll.check(mailbox)
    return ConnectionOut(ok=not error, error=error)
