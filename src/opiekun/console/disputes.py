"""Customers' questions about a month, in the console (issue 21, item 3): the list, open
ones first, and each dispute's page where staff answer, accept (the work corrected, the
statement issued again) or reject with a reason. Staff only; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.console import typed
from opiekun.console.guards import staff_only
from opiekun.reports import access, disputes
from opiekun.reports.models import Dispute


@require_GET
@staff_only
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")[:10]
    found = access.visible_disputes(request.user).select_related(
        "organisation", "line", "work_log__ticket", "raised_by"
    )
    if status in Dispute.Status.values:
        found = found.filter(status=status)
    page = Paginator(found.order_by("-raised_at", "-pk"), 50).get_page(
        request.GET.get("page", "1")[:10]
    )
    rows = [(d, disputes.questioned(d)) for d in page]
    return render(
        request,
        "console/disputes.html",
        {"page": page, "rows": rows, "status": status, "statuses": Dispute.Status.choices},
    )


@require_GET
@staff_only
def dispute(request: HttpRequest, dispute_id: int) -> HttpResponse:
    found = access.dispute_for(request.user, dispute_id)
    return render(
        request,
        "console/dispute.html",
        {
            "dispute": found,
            "disputes": disputes.shown([found]),
            "raw_minutes": found.work_log.raw_minutes if found.work_log else None,
        },
    )


def _step(request: HttpRequest, dispute_id: int, done: str, take: object) -> HttpResponse:
    found = access.dispute_for(request.user, dispute_id)
    try:
        take(found)  # type: ignore[operator]
        messages.success(request, done)
    except disputes.DisputeError as exc:
        messages.error(request, str(exc))
    return redirect("console:dispute", dispute_id=found.pk)


@require_POST
@staff_only
def answer(request: HttpRequest, dispute_id: int) -> HttpResponse:
    staff = request.user.staff_member  # type: ignore[union-attr]
    body = request.POST.get("answer", "")[: disputes.MAX_TEXT + 1]
    return _step(
        request,
        dispute_id,
        _("The answer was sent to the customer."),
        lambda d: disputes.answer(d, staff=staff, body=body, actor=request.user),
    )


@require_POST
@staff_only
def accept(request: HttpRequest, dispute_id: int) -> HttpResponse:
    staff = request.user.staff_member  # type: ignore[union-attr]
    reason = request.POST.get("reason", "")[: disputes.MAX_TEXT + 1]
    try:
        minutes = typed.number(request, "raw_minutes", int, disputes.DisputeError)
    except disputes.DisputeError as exc:
        messages.error(request, str(exc))
        return redirect("console:dispute", dispute_id=dispute_id)
    return _step(
        request,
        dispute_id,
        _("The dispute was accepted; the statement was issued again."),
        lambda d: disputes.accept(
            d,
            staff=staff,
            reason=reason,
            raw_minutes=None if minutes is None else int(minutes),
            actor=request.user,
        ),
    )


@require_POST
@staff_only
def reject(request: HttpRequest, dispute_id: int) -> HttpResponse:
    staff = request.user.staff_member  # type: ignore[union-attr]
    reason = request.POST.get("reason", "")[: disputes.MAX_TEXT + 1]
    return _step(
        request,
        dispute_id,
        _("The dispute was rejected."),
        lambda d: disputes.reject(d, staff=staff, reason=reason, actor=request.user),
    )
