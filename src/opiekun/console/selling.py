"""Selling hours on the customer page (issue 17): a package or a top-up, and a bank's
correction. Support managers only; anyone else gets 404."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.catalog.models import Plan
from opiekun.console import typed
from opiekun.console.guards import staff_only
from opiekun.contracts import selling
from opiekun.contracts.models import HourBank
from opiekun.customers.access import organisation_for
from opiekun.staff.access import manager_for


@require_POST
@staff_only
def sell(request: HttpRequest, organisation_id: int) -> HttpResponse:
    manager_for(request.user)
    organisation = organisation_for(request.user, organisation_id)
    plan = Plan.objects.filter(code=request.POST.get("plan", "")[:40]).first()
    try:
        if plan is None:
            raise selling.SaleError("plan: " + _("choose a plan that sells packages"))
        minutes = typed.number(request, "minutes", int, selling.SaleError)
        price = typed.number(request, "price_net", Decimal, selling.SaleError)
        bank = selling.sell_package(
            organisation,
            plan,
            purchased_on=typed.day(request, "purchased_on", selling.SaleError),
            minutes=int(minutes) if minutes is not None else None,
            price_net=Decimal(price) if price is not None else None,
            sale_key=request.POST.get("sale_key", ""),
            actor=request.user,
        )
    except selling.SaleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Sold: %(minutes)s min valid until %(day)s.")
            % {"minutes": selling.banks.balance(bank), "day": f"{bank.expires_at:%Y-%m-%d}"},
        )
    return redirect("console:customer", organisation_id=organisation.pk)


@require_POST
@staff_only
def correct(request: HttpRequest, bank_id: int) -> HttpResponse:
    manager_for(request.user)
    bank = HourBank.objects.select_related("contract").filter(pk=bank_id).first()
    if bank is None:
        raise Http404("No such bank")
    try:
        minutes = typed.number(request, "minutes", int, selling.SaleError)
        if minutes is None:
            raise selling.SaleError("minutes: " + _("say by how many minutes"))
        selling.correct_bank(
            bank, int(minutes), reason=request.POST.get("reason", "")[:300], actor=request.user
        )
    except selling.SaleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The bank was corrected."))
    return redirect("console:customer", organisation_id=bank.contract.organisation_id)
