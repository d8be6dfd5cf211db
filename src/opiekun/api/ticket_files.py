"""An answer or an internal note with files, in one request and one transaction (the
console's answer and note forms, for integrations): a refused file leaves no message,
and an e-mail answer leaves with its files. The customer's contact writes a reply with
files the same way (the portal's reply form). Anyone else gets 404."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from opiekun.api.errors import Error
from opiekun.api.schemas import MessageOut
from opiekun.api.types import Id, Text
from opiekun.customers.access import contact_of
from opiekun.staff.access import staff_for
from opiekun.tickets import access, actions
from opiekun.tickets.models import Message

router = Router(tags=["tickets"])


class WithFilesIn(Schema):
    kind: Literal["answer", "note", "reply"] = "answer"
    body: Annotated[str, Text()] = ""
    documentation_ref: Annotated[str, Text.of(Message, "documentation_ref")] = ""


@router.post(
    "/tickets/{ticket_id}/messages/with-attachments",
    response={201: MessageOut, 403: Error},
    summary="An answer, a note or the customer's reply with files ('file' once per file)",
)
def post_with_files(
    request: HttpRequest,
    ticket_id: Id,
    data: Form[WithFilesIn],
    file: File[list[UploadedFile]],
) -> Status[MessageOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    files = [(f.name or "attachment", f.read()) for f in file]
    contact = contact_of(request.user)
    if contact is not None:
        if data.kind != "reply":
            raise HttpError(403, "kind: customers write replies")
        reply = actions.customer_message(
            ticket,
            contact=contact,
            body=data.body,
            channel="portal",
            files=files,
            actor=request.user,
        )
        return Status(201, MessageOut.of(reply))
    staff = staff_for(request.user)
    if data.kind == "reply":
        raise HttpError(400, "kind: staff write answers or notes")
    if data.kind == "note":
        message = actions.add_note(
            ticket, staff=staff, body=data.body, files=files, actor=request.user
        )
    else:
        message = actions.answer(
            ticket,
            staff=staff,
            body=data.body,
            documentation_ref=data.documentation_ref,
            files=files,
            actor=request.user,
        )
    return Status(201, MessageOut.of(message))
