from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from opiekun.staff.models import StaffMember
from opiekun.tickets import ical
from opiekun.tickets.models import Appointment


@require_GET
def appointments_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A staff member's remote sessions as iCal (R-SLA-7). Calendar apps cannot sign in,
    so the address carries a secret; an unknown or renewed one is 404."""
    member = (
        StaffMember.objects.filter(calendar_token=token, is_active=True)
        .select_related("user")
        .first()
    )
    if member is None or not token:
        raise Http404("No such calendar")
    since = timezone.now() - dt.timedelta(days=30)
    appointments = (
        Appointment.objects.filter(staff=member, ends_at__gte=since)
        .select_related("ticket__organisation")
        .order_by("starts_at")
    )
    body = ical.feed(f"opiekun: {member}", appointments, request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
