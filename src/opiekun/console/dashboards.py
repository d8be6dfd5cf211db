"""Dashboards: reaction-SLA compliance per plan and month, hours used against included
per customer, the backlog by age. Each chart is drawn from the table under it."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from opiekun.console.guards import staff_only
from opiekun.core import bounds
from opiekun.core.forms import sentence
from opiekun.reports import alerts, queries
from opiekun.staff.access import staff_for
from opiekun.tickets.models import Ticket


def _month(request: HttpRequest) -> dt.date:
    """The month of ``?month=``; this month, with the reason, when it is none the
    dashboards cover."""
    text = request.GET.get("month", "")
    try:
        return bounds.month("month", text) if text else timezone.localdate().replace(day=1)
    except bounds.OutOfBounds as exc:
        messages.error(request, sentence(exc))
        return timezone.localdate().replace(day=1)


@require_GET
@staff_only
def dashboard(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    statuses, backlog = queries.backlog_by_age()
    labels = dict(Ticket.Status.choices)
    member = staff_for(request.user)
    # The badge is the managers' (they act on contracts); five queries, not a loop.
    alert_count = alerts.collect().count if member.is_manager else None
    return render(
        request,
        "console/dashboard.html",
        {
            "month": month,
            "compliance": queries.sla_compliance(),
            "satisfaction": queries.satisfaction(),
            "hours": queries.hours_by_customer(month, limit=20),
            "statuses": [(s, labels[s]) for s in statuses],
            "backlog": backlog,
            "alert_count": alert_count,
        },
    )
