"""Remote sessions (R-SLA-7): booked for a slot both sides agreed, listed per agent, with
each agent's iCal feed for their own calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.console.guards import staff_only
from opiekun.core import bounds
from opiekun.tickets import access, actions
from opiekun.tickets.models import Appointment

UPCOMING = (Appointment.Status.PROPOSED, Appointment.Status.CONFIRMED)


@require_GET
@staff_only
def index(request: HttpRequest) -> HttpResponse:
    staff = request.user.staff_member  # type: ignore[union-attr]
    mine = request.GET.get("view") != "all"
    found = Appointment.objects.filter(
        ends_at__gte=timezone.now(), status__in=UPCOMING
    ).select_related("ticket__organisation", "staff__user")
    if mine:
        found = found.filter(staff=staff)
    return render(
        request,
        "console/appointments.html",
        {"appointments": found[:200], "mine": mine, "staff": staff},
    )


def _when(text: str) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError:
        raise actions.IntakeError("starts_at: a date and time, e.g. 2026-11-23T10:00") from None
    # Bounded before the length is added to it: the year 9999 plus a few hours overflows.
    return bounds.moment("starts_at", naive, error=actions.IntakeError)


@require_POST
@staff_only
def book(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    try:
        starts_at = _when(request.POST.get("starts_at", ""))
        try:
            minutes = int(request.POST.get("minutes", ""))
        except ValueError:
            raise actions.IntakeError("minutes: a whole number of minutes") from None
        if not 5 <= minutes <= 480:
            raise actions.IntakeError("minutes: between 5 and 480")
        actions.book_remote_session(
            found,
            staff=request.user.staff_member,  # type: ignore[union-attr]
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=minutes),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(request, _("The remote session is booked."))
    except actions.IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("console:ticket", ticket_id=found.pk)


@require_POST
@staff_only
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    found = access.appointment_for(request.user, appointment_id)
    try:
        actions.cancel_session(found, reason=request.POST.get("reason", ""), actor=request.user)
    except actions.IntakeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The remote session is cancelled."))
    return redirect("console:appointments")
