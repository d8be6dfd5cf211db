"""The contracts area of the console (issue 17): every contract with its dates, and
the steps of its life (quote, acceptance, notice, renegotiation; R-CON-1, R-CON-2).
Agents read; support managers act; anyone else gets 404."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.catalog.models import Plan
from opiekun.console import typed
from opiekun.console.guards import staff_only
from opiekun.contracts import actions, desk, penalties, queries
from opiekun.contracts.access import contract_for
from opiekun.contracts.models import Contract
from opiekun.core.audit import events_for
from opiekun.customers.access import organisation_for
from opiekun.staff.access import manager_for
from opiekun.tariff.periods import next_month_start


@require_GET
@staff_only
def contracts(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")[:20]
    found = Contract.objects.select_related("organisation", "plan").order_by(
        "organisation__name", "-starts_on", "-pk"
    )
    if status in Contract.Status.values:
        found = found.filter(status=status)
    page = Paginator(found, 50).get_page(request.GET.get("page", "1")[:10])
    return render(
        request,
        "console/contracts.html",
        {"page": page, "status": status, "statuses": Contract.Status.choices},
    )


@require_GET
@staff_only
def contract(request: HttpRequest, contract_id: int) -> HttpResponse:
    found = contract_for(request.user, contract_id)
    return render(
        request,
        "console/contract.html",
        {
            "contract": found,
            "earliest_end": actions.minimum_end(found),
            "free_support_until": queries.free_support_until(found),
            "history": events_for(found).select_related("actor")[:50],
            "today": timezone.localdate(),
            "notice_by": Contract.NoticeBy.choices,
            "plans": Plan.objects.filter(vendor=found.plan.vendor_id).exclude(pk=found.plan_id),
            "next_month": next_month_start(timezone.localdate()),
            "penalty": penalties.terms_for(found),
        },
    )


def _done(request: HttpRequest, found: Contract, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("console:contract", contract_id=found.pk)


@require_POST
@staff_only
def quote(request: HttpRequest, organisation_id: int) -> HttpResponse:
    manager_for(request.user)
    organisation = organisation_for(request.user, organisation_id)
    plan = Plan.objects.filter(code=request.POST.get("plan", "")[:40]).first()
    try:
        if plan is None:
            raise desk.DeskError("plan: " + _("choose a plan"))
        seats = typed.number(request, "seats", int, desk.DeskError)
        price = typed.number(request, "price_net", Decimal, desk.DeskError)
        made = desk.quote(
            organisation,
            plan,
            number=request.POST.get("number", "")[:40],
            price_net=Decimal(price) if price is not None else None,
            seats=int(seats) if seats is not None else 1,
            actor=request.user,
        )
    except desk.DeskError as exc:
        messages.error(request, str(exc))
        return redirect("console:customer", organisation_id=organisation.pk)
    return _done(request, made, _("The quote was recorded."))


@require_POST
@staff_only
def accept(request: HttpRequest, contract_id: int) -> HttpResponse:
    manager_for(request.user)
    found = contract_for(request.user, contract_id)
    try:
        found = desk.accept(
            found, accepted_on=typed.day(request, "accepted_on", desk.DeskError), actor=request.user
        )
    except desk.DeskError as exc:
        messages.error(request, str(exc))
        return redirect("console:contract", contract_id=found.pk)
    return _done(request, found, _("The quote was accepted."))


@require_POST
@staff_only
def notice(request: HttpRequest, contract_id: int) -> HttpResponse:
    manager_for(request.user)
    found = contract_for(request.user, contract_id)
    try:
        found = desk.notice(
            found,
            by=request.POST.get("by", "")[:10],
            given_on=typed.day(request, "given_on", desk.DeskError),
            reason=request.POST.get("reason", "")[:500],
            actor=request.user,
        )
    except desk.DeskError as exc:
        messages.error(request, str(exc))
        return redirect("console:contract", contract_id=found.pk)
    return _done(request, found, _("The notice was recorded."))


@require_POST
@staff_only
def renegotiate(request: HttpRequest, contract_id: int) -> HttpResponse:
    manager_for(request.user)
    found = contract_for(request.user, contract_id)
    try:
        price = typed.number(request, "proposed_price_net", Decimal, desk.DeskError)
        if price is None:
            raise desk.DeskError("proposed_price_net: " + _("give the proposed price"))
        found = desk.renegotiate(
            found,
            reason=request.POST.get("reason", "")[:500],
            proposed_price_net=Decimal(price),
            agreed=request.POST.get("agreed") == "yes",
            decided_on=typed.day(request, "decided_on", desk.DeskError),
            actor=request.user,
        )
    except desk.DeskError as exc:
        messages.error(request, str(exc))
        return redirect("console:contract", contract_id=found.pk)
    return _done(request, found, _("The renegotiation was recorded."))


@require_POST
@staff_only
def change_plan(request: HttpRequest, contract_id: int) -> HttpResponse:
    manager_for(request.user)
    found = contract_for(request.user, contract_id)
    plan = Plan.objects.filter(code=request.POST.get("plan", "")[:40]).first()
    try:
        if plan is None:
            raise desk.DeskError("plan: " + _("choose a plan"))
        price = typed.number(request, "price_net", Decimal, desk.DeskError)
        new = desk.change_plan(
            found,
            plan,
            starts_on=typed.day(request, "starts_on", desk.DeskError),
            price_net=Decimal(price) if price is not None else None,
            actor=request.user,
        )
    except desk.DeskError as exc:
        messages.error(request, str(exc))
        return redirect("console:contract", contract_id=found.pk)
    return _done(request, new, _("The plan was changed."))
