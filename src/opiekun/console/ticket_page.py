"""The console's ticket page: the thread, one form per action, the status buttons that
apply now (each with its rule), the history, and previews of images and PDFs."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from opiekun.catalog.choices import Channel
from opiekun.console.guards import staff_only
from opiekun.console.ticket_forms import (
    AnswerForm,
    NoteForm,
    PromiseForm,
    ScopeForm,
    StatusForm,
    TicketForm,
    WorkForm,
)
from opiekun.contracts import banks
from opiekun.tickets import access
from opiekun.tickets.actions import ANSWER_CHANNELS
from opiekun.tickets.history import timeline
from opiekun.tickets.models import Attachment, Rating, Ticket

S = Ticket.Status
# Shown inline on the page; anything else (SVG, HTML, TIFF, office files) stays a download.
IMAGES = ("image/png", "image/jpeg", "image/gif")
PREVIEWABLE = (*IMAGES, "application/pdf")


@dataclass(frozen=True)
class Button:
    name: str  # the last segment of its URL: tickets/<id>/<name>
    label: str
    rule: str
    primary: bool = False

    @property
    def url_name(self) -> str:
        return f"console:ticket-{self.name}"


def buttons(ticket: Ticket) -> list[Button]:
    """The status changes that apply to the ticket as it is now, each with its rule."""
    status = ticket.status
    found: list[Button] = []
    # Not while awaiting a package: the customer buys one before work starts (R-HRS-3).
    if status in (S.NEW, S.ACKNOWLEDGED, S.REOPENED):
        found.append(
            Button(
                "start",
                _("Start work"),
                _("Starting is the reaction the plan guarantees (R-SLA-1): it stops the clock."),
                primary=True,
            )
        )
    if ticket.is_open and ticket.acknowledged_at is None:
        channel = ticket.return_channel or ANSWER_CHANNELS[Channel(ticket.channel)]
        rule = _("Sends the confirmation by %(channel)s%(address)s, as the form asks (R-SLA-6).")
        rule %= {
            "channel": Channel(channel).label,
            "address": f" ({ticket.return_address})" if ticket.return_address else "",
        }
        if ticket.ack_due_at:
            due = formats.date_format(
                timezone.localtime(ticket.ack_due_at), "SHORT_DATETIME_FORMAT"
            )
            rule += " " + _("The plan wants it by %(due)s.") % {"due": due}
        found.append(Button("acknowledge", _("Confirm receipt"), rule))
    if ticket.is_open and ticket.paused_since is None:
        found.append(
            Button(
                "wait",
                _("Wait for the customer"),
                _("Pauses the clock until the customer writes (R-SLA-9)."),
            )
        )
    if ticket.paused_since is not None:
        found.append(
            Button(
                "resume",
                _("The customer answered"),
                _("The clock runs again; the paused working time moves the deadline (R-SLA-9)."),
            )
        )
    if ticket.is_open:
        found.append(
            Button(
                "resolve",
                _("Resolve"),
                _("The answer is given; a resolved ticket can be closed, or reopened."),
            )
        )
    if status == S.RESOLVED:
        found.append(
            Button(
                "close",
                _("Close"),
                _("Closes a resolved ticket; a message from the customer reopens it."),
            )
        )
    if status in (S.RESOLVED, S.CLOSED):
        found.append(
            Button("reopen", _("Reopen"), _("Back in the queue; the deadlines stay as they were."))
        )
    return found


def render_page(
    request: HttpRequest,
    ticket: Ticket,
    bound: tuple[TicketForm, ...] = (),
    *,
    status: int = 200,
) -> HttpResponse:
    """The page, with blank forms except ``bound`` ones (a refused post, with its text
    and errors kept)."""
    blank: tuple[type[TicketForm], ...] = (
        AnswerForm,
        NoteForm,
        WorkForm,
        ScopeForm,
        PromiseForm,
        StatusForm,
    )
    page_forms: dict[str, TicketForm] = {f"{form.name}_form": form(ticket=ticket) for form in blank}
    page_forms.update({f"{form.name}_form": form for form in bound})
    thread = ticket.messages.select_related("author_staff__user", "author_contact")
    files = ticket.attachments.select_related("message").order_by("pk")
    return render(
        request,
        "console/ticket.html",
        {
            **page_forms,
            "ticket": ticket,
            "thread": thread.prefetch_related("attachments"),
            "files": files,
            "previews": [a for a in files if a.content_type in PREVIEWABLE],
            "banks": banks.open_banks(ticket.contract.banks.all()) if ticket.contract else [],
            "appointments": ticket.appointments.select_related("staff__user"),
            "buttons": buttons(ticket),
            "history": timeline(ticket),
            "rating": Rating.objects.filter(ticket=ticket).select_related("contact").first(),
        },
        status=status,
    )


@require_GET
@staff_only
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return render_page(request, access.ticket_for(request.user, ticket_id))


def _previewable(request: HttpRequest, ticket_id: int, attachment_id: int) -> Attachment:
    found = access.ticket_for(request.user, ticket_id)
    attachment = access.attachment_for(request.user, attachment_id)
    if attachment.ticket_id != found.pk or attachment.content_type not in PREVIEWABLE:
        raise Http404("No preview")
    return attachment


@require_GET
@staff_only
@xframe_options_sameorigin  # a PDF is shown in a frame of the ticket page, nowhere else
def preview(request: HttpRequest, ticket_id: int, attachment_id: int) -> FileResponse:
    """An image or a PDF shown in the page, typed by its sniffed bytes (never by the name
    or what the sender declared); the same checks as the API's download."""
    attachment = _previewable(request, ticket_id, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=False,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if attachment.content_type in IMAGES:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    else:
        # Chromium's PDF viewer refuses a sandboxed document; scripts stay off, and
        # only the desk's own pages may frame it.
        response["Content-Security-Policy"] = (
            "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
        )
    return response
