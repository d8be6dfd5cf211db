"""Customers' requests for hours on the customer page (issue 17): a manager accepts (the
package is sold) or declines with a reason; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.console.guards import staff_only
from opiekun.contracts import hour_requests
from opiekun.contracts.models import HourRequest
from opiekun.staff.access import manager_for


def _request(request_id: int) -> HourRequest:
    found = HourRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise Http404("No such request")
    return found


@require_POST
@staff_only
def accept(request: HttpRequest, request_id: int) -> HttpResponse:
    manager_for(request.user)
    found = _request(request_id)
    try:
        hour_requests.accept(found, actor=request.user)
    except hour_requests.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request was accepted and the hours sold."))
    return redirect("console:customer", organisation_id=found.organisation_id)


@require_POST
@staff_only
def decline(request: HttpRequest, request_id: int) -> HttpResponse:
    manager_for(request.user)
    found = _request(request_id)
    try:
        hour_requests.decline(
            found, reason=request.POST.get("reason", "")[:500], actor=request.user
        )
    except hour_requests.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request was declined."))
    return redirect("console:customer", organisation_id=found.organisation_id)
