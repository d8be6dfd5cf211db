"""Who else is looking at this ticket: the ticket page beats every ~20 s (htmx) and
shows the colleagues seen in the last 45 s (issue 15, item 9)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from opiekun.console.guards import staff_only
from opiekun.notifications import presence
from opiekun.staff.access import staff_for
from opiekun.tickets import access


@staff_only
@require_POST
def beat(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, ticket_id)
    viewers = presence.beat(ticket.pk, staff_for(request.user))
    return render(
        request,
        "console/_presence_list.html",
        {"viewers": viewers},
    )
