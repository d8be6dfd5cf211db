"""On the ticket page: its tags, the canned-response picker, merging it into another
ticket and splitting a message off. Each view parses, calls the action and goes back to
the ticket; refusals come back as a message naming the field."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opiekun.console.guards import staff_only
from opiekun.core.forms import sentence
from opiekun.tickets import access, actions, canned
from opiekun.tickets.models import Ticket


def _names(text: str) -> list[str]:
    return text[:2000].split(",")


# The fields an organising refusal names, as the page calls them.
FIELDS = {
    "tags": gettext_lazy("Tags"),
    "into": gettext_lazy("Merge into"),
    "message": gettext_lazy("Message to split off"),
}


def _done(
    request: HttpRequest, ticket: Ticket, change: Callable[[], object], success: str
) -> HttpResponse:
    try:
        result = change()
    except actions.IntakeError as error:
        messages.error(request, sentence(error, FIELDS))
        return redirect("console:ticket", ticket.pk)
    messages.success(request, success)
    if isinstance(result, Ticket) and result.pk != ticket.pk:
        return redirect("console:ticket", result.pk)
    return redirect("console:ticket", ticket.pk)


@require_POST
@staff_only
def add_tags(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    names = _names(request.POST.get("tags", ""))
    return _done(
        request,
        found,
        lambda: actions.add_tags(found, names, actor=request.user),
        _("The tags were saved."),
    )


@require_POST
@staff_only
def remove_tag(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    names = [request.POST.get("tag", "")]
    return _done(
        request,
        found,
        lambda: actions.remove_tags(found, names, actor=request.user),
        _("The tag was removed."),
    )


@require_GET
@staff_only
def canned_picker(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The picker's list, loaded by htmx into the ticket page (the page's view is not ours)."""
    found = access.ticket_for(request.user, ticket_id)
    return render(
        request,
        "console/_canned_picker.html",
        {
            "ticket": found,
            "responses": access.responses_for_ticket(found),
            "language": canned.language_for(found),
        },
    )


@require_GET
@staff_only
def canned_text(request: HttpRequest, ticket_id: int, response_id: int) -> HttpResponse:
    """The response filled in for this ticket, in its contact's language, as JSON."""
    found = access.ticket_for(request.user, ticket_id)
    response = access.response_for(request.user, response_id)
    if not access.responses_for_ticket(found).filter(pk=response.pk).exists():
        return JsonResponse({"error": "response: " + _("not for this ticket's vendor")}, status=400)
    language = canned.language_for(found)
    try:
        text = canned.render(response, found, language)
    except canned.TemplateError as error:
        return JsonResponse({"error": sentence(error)}, status=400)
    return JsonResponse({"text": text, "language": language})


@require_POST
@staff_only
def merge(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    reference = request.POST.get("into", "").strip()[:40]
    survivor = access.visible_tickets(request.user).filter(reference__iexact=reference).first()
    if survivor is None:
        messages.error(request, "into: " + _("no ticket with this reference"))
        return redirect("console:ticket", found.pk)
    return _done(
        request,
        found,
        lambda: actions.merge(found, survivor, actor=request.user),
        _("The ticket was merged into %(reference)s.") % {"reference": survivor.reference},
    )


@require_POST
@staff_only
def split(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    number = request.POST.get("message", "")
    message = (
        found.messages.filter(pk=int(number)).first()
        if number.isascii() and number.isdigit() and len(number) < 19
        else None
    )
    if message is None:
        messages.error(request, "message: " + _("no such message on this ticket"))
        return redirect("console:ticket", found.pk)
    subject = request.POST.get("subject", "")
    return _done(
        request,
        found,
        lambda: actions.split(message, subject=subject, actor=request.user),
        _("The message was split off into a new ticket."),
    )
