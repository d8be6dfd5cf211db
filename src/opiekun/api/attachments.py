"""Attachments and fax intake. Files are served only here, after the permission check,
always as downloads (Content-Disposition: attachment) with sniffing turned off."""

from typing import Annotated

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from opiekun.api.schemas import TicketOut
from opiekun.api.types import Id, OneOf, OptionalDay, Text
from opiekun.catalog.choices import Severity
from opiekun.customers.access import organisation_for
from opiekun.staff.access import staff_for
from opiekun.tickets import access, actions, attachments
from opiekun.tickets.models import Attachment, Ticket

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    message_id: int | None
    url: str

    @staticmethod
    def of(a: Attachment) -> "AttachmentOut":
        return AttachmentOut(
            id=a.pk,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            message_id=a.message_id,
            url=f"/api/v1/attachments/{a.pk}",
        )


@router.get("/tickets/{ticket_id}/attachments", response=list[AttachmentOut])
def list_attachments(request: HttpRequest, ticket_id: Id) -> list[AttachmentOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    readable = access.visible_attachments(request.user).filter(ticket=ticket)
    return [AttachmentOut.of(a) for a in readable.order_by("pk")]


@router.post("/tickets/{ticket_id}/attachments", response={201: AttachmentOut})
def add_attachment(
    request: HttpRequest, ticket_id: Id, file: File[UploadedFile]
) -> Status[AttachmentOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    stored = attachments.store(ticket, file.name or "attachment", file.read(), actor=request.user)
    return Status(201, AttachmentOut.of(stored))


@router.get(
    "/attachments/{attachment_id}",
    response={200: None},
    summary="Download (always as an attachment)",
)
def download(request: HttpRequest, attachment_id: Id) -> FileResponse:
    attachment = access.attachment_for(request.user, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def column(name: str) -> Text:
    return Text.of(Ticket, name)


class FaxIn(Schema):
    organisation_id: Id
    subject: Annotated[str, column("subject")]
    severity: Annotated[str, OneOf.of(Severity)] = "normal"
    form_date: OptionalDay = None
    form_sign: Annotated[str, column("form_sign")] = ""
    requester_name: Annotated[str, column("requester_name")] = ""
    office_name: Annotated[str, column("office_name")] = ""
    return_channel: Annotated[str, column("return_channel")] = ""
    return_address: Annotated[str, column("return_address")] = ""


@router.post(
    "/faxes",
    response={201: TicketOut},
    summary="A faxed question: the scan, with the HOT-01 fields typed in (R-CH-5)",
)
def fax(request: HttpRequest, data: Form[FaxIn], scan: File[UploadedFile]) -> Status[TicketOut]:
    staff_for(request.user)
    organisation = organisation_for(request.user, data.organisation_id)
    form = {
        k: v for k, v in data.dict(include=set(actions.HOT01_FIELDS)).items() if v not in ("", None)
    }
    ticket = actions.open_fax_ticket(
        organisation,
        subject=data.subject,
        severity=data.severity,
        scan_name=scan.name or "fax.pdf",
        scan=scan.read(),
        form=form,
        actor=request.user,
    )
    return Status(201, TicketOut.of(ticket))
