"""Support managers set who new tickets go to, per vendor and per plan (issue 15), and
whether a portal question counts as the plan's e-mail channel (issue 16); anyone else
gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.catalog import assignment, portal_channel, seller
from opiekun.catalog.choices import AssignmentRule
from opiekun.catalog.models import Plan, Vendor
from opiekun.console.guards import staff_only
from opiekun.core.bounds import OutOfBounds
from opiekun.core.forms import sentence
from opiekun.staff.access import manager_for


@require_GET
@staff_only
def plans(request: HttpRequest) -> HttpResponse:
    manager_for(request.user)
    vendors = Vendor.objects.prefetch_related(
        Prefetch("plans", queryset=Plan.objects.order_by("code"))
    ).order_by("name")
    return render(
        request, "console/plans.html", {"vendors": vendors, "rules": AssignmentRule.choices}
    )


def _saved(request: HttpRequest, change: object) -> HttpResponse:
    messages.success(request, _("The assignment rule was saved."))
    return redirect("console:plans")


@require_POST
@staff_only
def plan_assignment(request: HttpRequest, plan_id: int) -> HttpResponse:
    manager_for(request.user)
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan")
    try:
        assignment.set_plan_rule(
            plan, request.POST.get("assignment_rule", "")[:20], actor=request.user
        )
    except assignment.RuleError:
        messages.error(request, _("Choose one of the rules listed."))
        return redirect("console:plans")
    return _saved(request, plan)


@require_POST
@staff_only
def vendor_assignment(request: HttpRequest, vendor_id: int) -> HttpResponse:
    manager_for(request.user)
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise Http404("No such vendor")
    try:
        assignment.set_vendor_rule(
            vendor, request.POST.get("assignment_rule", "")[:20], actor=request.user
        )
    except assignment.RuleError:
        messages.error(request, _("Choose one of the rules listed."))
        return redirect("console:plans")
    return _saved(request, vendor)


@require_POST
@staff_only
def vendor_pinning(request: HttpRequest, vendor_id: int) -> HttpResponse:
    manager_for(request.user)
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise Http404("No such vendor")
    # A checkbox: present means on, absent means off.
    assignment.set_vendor_pinning(
        vendor, bool(request.POST.get("pin_critical")), actor=request.user
    )
    messages.success(request, _("The queue order was saved."))
    return redirect("console:plans")


@require_POST
@staff_only
def vendor_seller(request: HttpRequest, vendor_id: int) -> HttpResponse:
    """The vendor's NIP, legal name and address for its invoices (gap 2)."""
    manager_for(request.user)
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise Http404("No such vendor")
    try:
        seller.set_seller(
            vendor,
            legal_name=request.POST.get("legal_name", ""),
            tax_id=request.POST.get("tax_id", ""),
            address=request.POST.get("address", ""),
            actor=request.user,
        )
    except OutOfBounds as exc:
        labels = {
            "tax_id": _("tax id (NIP)"),
            "legal_name": _("legal name"),
            "address": _("address"),
        }
        messages.error(request, sentence(exc, labels))
    else:
        messages.success(request, _("The seller's details were saved."))
    return redirect("console:plans")


@require_POST
@staff_only
def plan_portal_channel(request: HttpRequest, plan_id: int) -> HttpResponse:
    manager_for(request.user)
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan")
    counts = request.POST.get("portal_counts_as_email", "") in ("on", "true", "1")
    portal_channel.set_portal_counts_as_email(plan, counts, actor=request.user)
    messages.success(request, _("The portal setting was saved."))
    return redirect("console:plans")
