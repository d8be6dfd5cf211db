"""Licence purchase and update dates on the customer page (R-PLN-5, R-CON-5): managers
record them, agents read them with the free-support end; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.console.guards import staff_only
from opiekun.contracts import licences
from opiekun.contracts.access import contract_for
from opiekun.core import bounds
from opiekun.staff.access import manager_for


@require_POST
@staff_only
def record(request: HttpRequest, contract_id: int) -> HttpResponse:
    manager_for(request.user)
    contract = contract_for(request.user, contract_id)
    try:
        on = bounds.parse_day("on", request.POST.get("on", "")[:40], error=licences.LicenceError)
        licences.record(
            contract,
            request.POST.get("kind", "")[:20],
            on,
            note=request.POST.get("note", "")[:300],
            actor=request.user,
        )
    except licences.LicenceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The licence date was recorded."))
    return redirect("console:customer", organisation_id=contract.organisation_id)
