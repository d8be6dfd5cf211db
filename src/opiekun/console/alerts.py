"""Alerts to the vendor (issue 17, item 9): contracts ending or entering the customer's
notice period, banks nearly used up or overdrawn, customers writing more than usual.
Support managers only; anyone else gets 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from opiekun.console.guards import staff_only
from opiekun.reports import alerts as vendor_alerts
from opiekun.staff.access import manager_for


@require_GET
@staff_only
def alerts(request: HttpRequest) -> HttpResponse:
    manager_for(request.user)
    return render(
        request,
        "console/alerts.html",
        {
            "alerts": vendor_alerts.collect(),
            "horizon": vendor_alerts.HORIZON_DAYS,
            "used_percent": vendor_alerts.USED_PERCENT,
            "volume_percent": vendor_alerts.VOLUME_PERCENT,
            "volume_floor": vendor_alerts.VOLUME_FLOOR,
        },
    )
