"""A ticket's history and the resend of a failed e-mail: the console's timeline, for
integrations. Staff only (the trail names internal notes and work); anyone else, 404."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from opiekun.api.schemas import MessageOut
from opiekun.api.types import Id
from opiekun.mail import actions as mail_actions
from opiekun.staff.access import staff_for
from opiekun.tickets import access
from opiekun.tickets.history import Entry, timeline

router = Router(tags=["tickets"])


class HistoryOut(Schema):
    at: dt.datetime
    # The audit event's kind ("ticket.resolved"), or mail.delivered / mail.failed: an open
    # set, as every app adds its own, so named "event" rather than a closed "kind" enum.
    event: str
    who: str
    label: str
    detail: str
    failed_message_id: int | None

    @staticmethod
    def of(e: Entry) -> HistoryOut:
        return HistoryOut(
            at=e.at,
            event=e.kind,
            who=e.who,
            label=e.label,
            detail=e.detail,
            failed_message_id=e.failed_message,
        )


@router.get(
    "/tickets/{ticket_id}/history",
    response=list[HistoryOut],
    summary="Who did what when, newest first, in the caller's language (staff only)",
)
def history(request: HttpRequest, ticket_id: Id) -> list[HistoryOut]:
    staff_for(request.user)
    ticket = access.ticket_for(request.user, ticket_id)
    return [HistoryOut.of(e) for e in timeline(ticket)]


@router.post(
    "/tickets/{ticket_id}/messages/{message_id}/resend",
    response=MessageOut,
    summary="Send a failed e-mail of the ticket again (staff only)",
)
def resend(request: HttpRequest, ticket_id: Id, message_id: Id) -> MessageOut:
    staff_for(request.user)
    ticket = access.ticket_for(request.user, ticket_id)
    message = ticket.messages.filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message")
    return MessageOut.of(mail_actions.resend(message, actor=request.user))
