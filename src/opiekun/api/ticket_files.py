"""An answer or an internal note with files, in one request and one transaction (the
console's answer and note forms, for integrations): a refused file leaves no message,
and an e-mail answer leaves with its files. Staff only; anyone else gets 404."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from opiekun.api.schemas import MessageOut
from opiekun.api.types import Id, Text
from opiekun.staff.access import staff_for
from opiekun.tickets import access, actions
from opiekun.tickets.models import Message

router = Router(tags=["tickets"])


class WithFilesIn(Schema):
    kind: Literal["answer", "note"] = "answer"
    body: Annotated[str, Text()]
    documentation_ref: Annotated[str, Text.of(Message, "documentation_ref")] = ""


@router.post(
    "/tickets/{ticket_id}/messages/with-attachments",
    response={201: MessageOut},
    summary="An answer or a note with files (multipart: 'file' once per file)",
)
def post_with_files(
    request: HttpRequest,
    ticket_id: Id,
    data: Form[WithFilesIn],
    file: File[list[UploadedFile]],
) -> Status[MessageOut]:
    staff = staff_for(request.user)
    ticket = access.ticket_for(request.user, ticket_id)
    files = [(f.name or "attachment", f.read()) for f in file]
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
