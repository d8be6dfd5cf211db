"""The customers' portal (R-CH-4): a ticket's page and the customer's reply. The home
page is portal/home.py, the question form portal/asking.py. Only a signed-in contact may
use it; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only
from opiekun.tickets import access, actions
from opiekun.tickets.models import Message


@require_GET
@contacts_only
def ticket(request: HttpRequest, contact: Contact, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    thread = found.messages.exclude(direction=Message.Direction.NOTE).select_related(
        "author_staff__user", "author_contact"
    )
    return render(request, "portal/ticket.html", {"ticket": found, "thread": thread})


@require_POST
@contacts_only
def reply(request: HttpRequest, contact: Contact, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    try:
        actions.customer_message(
            found,
            contact=contact,
            body=request.POST.get("body", ""),
            channel="portal",
            actor=request.user,
        )
        messages.success(request, _("Your message was added."))
    except actions.IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("portal:ticket", ticket_id=found.pk)
