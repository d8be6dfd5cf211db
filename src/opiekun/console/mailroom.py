"""Mail operations in the console (issue 18), not only in the admin: the triage list
(assign to an organisation or a contact, registering the address; discard; retry), the
quarantine with its reasons and the raw message to download, outgoing mail that failed
or is stuck (resend), and each mailbox's last read and last error with a connection
test. Staff only; every change goes through mail/actions.py, as the API's routes do."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.console.guards import staff_only
from opiekun.customers.access import organisation_for, visible_organisations
from opiekun.customers.models import Contact
from opiekun.mail import actions, outbound, poll
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import parse
from opiekun.tickets.models import Message

LIST_SIZE = 200
# Which list a message in each state is shown on.
LISTS = {
    "triage": (InboundMail.State.TRIAGE,),
    "quarantine": (InboundMail.State.QUARANTINED, InboundMail.State.TOO_LARGE),
}


def refusal(exc: actions.MailError) -> str:
    """A refusal of a mail action in the reader's language, never its field name."""
    field = str(exc).partition(":")[0]
    return {
        "state": _("The message was already dealt with; the list is now up to date."),
        "reason": _("Say why the message is discarded."),
        "contact": _("The contact belongs to another organisation."),
        "register": _("The address cannot be registered: it is missing or another contact's."),
        "delivery": _("Only failed or stuck e-mail can be sent again."),
        "message": _("Only e-mail the desk sent can be sent again."),
    }.get(field, _("That change was refused."))


def _inbound(inbound_id: int) -> InboundMail:
    found = InboundMail.objects.select_related("mailbox", "ticket").filter(pk=inbound_id).first()
    if found is None:
        raise Http404("No such message")
    return found


def inbound_list(request: HttpRequest, which: str) -> HttpResponse:
    rows = (
        InboundMail.objects.filter(state__in=LISTS[which])
        .select_related("mailbox")
        .defer("raw")
        .order_by("-received_at")[:LIST_SIZE]
    )
    return render(request, "console/mail_inbound.html", {"which": which, "rows": rows})


@require_GET
@staff_only
def triage(request: HttpRequest) -> HttpResponse:
    return inbound_list(request, "triage")


@require_GET
@staff_only
def quarantine(request: HttpRequest) -> HttpResponse:
    return inbound_list(request, "quarantine")


@require_GET
@staff_only
def inbound(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """One message: who sent it, why it waits, its text; the forms that settle it."""
    row = _inbound(inbound_id)
    organisations = visible_organisations(request.user).filter(is_active=True).order_by("name")
    contacts = (
        Contact.objects.filter(organisation__in=organisations, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )
    return render(
        request,
        "console/mail_item.html",
        {
            "row": row,
            "text": _text(row),
            "organisations": organisations,
            "contacts": contacts,
        },
    )


def _text(row: InboundMail) -> str:
    """The message's text as the parser reads it; for a message the parser could not
    read (why it is in the quarantine), its raw start, so the reader still sees it."""
    try:
        return parse(bytes(row.raw)).text[:20_000]
    except Exception:
        return bytes(row.raw)[:20_000].decode("utf-8", "replace")


@require_GET
@staff_only
def raw(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """The message exactly as it came, to open in a mail program."""
    row = _inbound(inbound_id)
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{row.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _back(row: InboundMail) -> HttpResponse:
    which = "triage" if row.state == InboundMail.State.TRIAGE else "quarantine"
    return redirect(f"console:mail-{which}")


@require_POST
@staff_only
def assign(request: HttpRequest, inbound_id: int) -> HttpResponse:
    row = _inbound(inbound_id)
    text = request.POST.get("organisation", "")
    organisation = organisation_for(request.user, int(text)) if text.isdigit() else None
    if organisation is None:
        messages.error(request, _("Choose the organisation the message belongs to."))
        return redirect("console:mail-inbound", inbound_id=row.pk)
    text = request.POST.get("contact", "")
    contact = Contact.objects.filter(pk=int(text)).first() if text.isdigit() else None
    try:
        row = actions.assign(
            row,
            organisation,
            contact=contact,
            register=request.POST.get("register") == "on",
            actor=request.user,
        )
    except actions.MailError as exc:
        messages.error(request, refusal(exc))
        return redirect("console:mail-inbound", inbound_id=row.pk)
    if row.ticket is None:  # assign always opens one; kept safe all the same
        return _back(row)
    messages.success(
        request, _("Ticket %(reference)s was opened.") % {"reference": row.ticket.reference}
    )
    return redirect("console:ticket", ticket_id=row.ticket.pk)


@require_POST
@staff_only
def discard(request: HttpRequest, inbound_id: int) -> HttpResponse:
    row = _inbound(inbound_id)
    try:
        actions.discard(row, reason=request.POST.get("reason", "")[:500], actor=request.user)
    except actions.MailError as exc:
        messages.error(request, refusal(exc))
        return redirect("console:mail-inbound", inbound_id=row.pk)
    messages.success(request, _("The message was discarded."))
    return _back(row)


@require_POST
@staff_only
def retry(request: HttpRequest, inbound_id: int) -> HttpResponse:
    row = _inbound(inbound_id)
    try:
        done = actions.retry(row, actor=request.user)
    except actions.MailError as exc:
        messages.error(request, refusal(exc))
        return _back(row)
    if done.ticket is not None:
        messages.success(
            request,
            _("The message is on ticket %(reference)s.") % {"reference": done.ticket.reference},
        )
    else:
        messages.warning(
            request, _("Processed again: %(state)s.") % {"state": done.get_state_display()}
        )
    return _back(row)


def failing_mail() -> list[Message]:
    """Outbound e-mail that failed, and e-mail stuck pending (``outbound.stuck``)."""
    failed = Message.objects.filter(
        channel="email", direction=Message.Direction.OUTBOUND, delivery=Message.Delivery.FAILED
    )
    return list(
        (failed | outbound.stuck())
        .select_related("ticket__organisation")
        .order_by("-updated_at")[:LIST_SIZE]
    )


@require_GET
@staff_only
def outgoing(request: HttpRequest) -> HttpResponse:
    return render(request, "console/mail_outgoing.html", {"rows": failing_mail()})


@require_POST
@staff_only
def resend(request: HttpRequest, message_id: int) -> HttpResponse:
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message")
    try:
        actions.resend(message, actor=request.user)
    except actions.MailError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("The e-mail is queued to be sent again."))
    return redirect("console:mail-outgoing")


@require_GET
@staff_only
def mailboxes(request: HttpRequest) -> HttpResponse:
    return render(request, "console/mail_mailboxes.html", {"rows": Mailbox.objects.all()})


@require_POST
@staff_only
def test_mailbox(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    """Signs in and opens the folder now, without reading anything: whether a fixed
    password or server works, without waiting for the next poll."""
    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    if mailbox is None:
        raise Http404("No such mailbox")
    error = poll.check(mailbox)
    if error:
        messages.error(
            request,
            _("%(mailbox)s: the connection failed: %(error)s")
            % {"mailbox": mailbox.name, "error": error},
        )
    else:
        messages.success(
            request, _("%(mailbox)s: the connection works.") % {"mailbox": mailbox.name}
        )
    return redirect("console:mail-mailboxes")
