"""Top-up offers in the console (issue 21, item 4): the list by status, an offer made by
hand for a contract (sized from the forecast like the beat's), and withdrawing an open
one. Staff only (account managers and agents make them); anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.console.guards import staff_only
from opiekun.contracts import queries, topup, topup_sizing
from opiekun.contracts.access import offer_for_staff
from opiekun.contracts.models import Contract, TopUpOffer

PAGE = 200


def offerable_contracts() -> list[Contract]:
    """Contracts in force whose plan sells packages: the form's choices."""
    today = timezone.localdate()
    found = Contract.objects.filter(
        status__in=queries.IN_FORCE,
        starts_on__lte=today,
        plan__package_validity_months__isnull=False,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return list(found.select_related("organisation", "plan").order_by("organisation__name", "pk"))


@require_GET
@staff_only
def offers(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")[:10]
    found = TopUpOffer.objects.select_related("organisation", "plan", "contract")
    if status in TopUpOffer.Status.values:
        found = found.filter(status=status)
    else:
        status = ""
    rows = list(found[:PAGE])
    for offer in rows:
        offer.explanation = topup_sizing.explain(offer)  # type: ignore[attr-defined]
    return render(
        request,
        "console/topup_offers.html",
        {
            "offers": rows,
            "status": status,
            "statuses": TopUpOffer.Status.choices,
            "contracts": offerable_contracts(),
            "now": timezone.now(),
        },
    )


@require_POST
@staff_only
def make(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("contract", "").strip()[:12]
    contract = Contract.objects.filter(pk=int(text)).first() if text.isdigit() else None
    try:
        if contract is None:
            raise topup.OfferError("contract: " + _("choose a contract"))
        topup.offer_by_hand(contract, actor=request.user)
    except topup.OfferError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The offer was made and the customer told."))
    return redirect("console:topup-offers")


@require_POST
@staff_only
def withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = offer_for_staff(request.user, offer_id)
    try:
        topup.withdraw(offer, reason=request.POST.get("reason", "")[:500], actor=request.user)
    except topup.OfferError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The offer was withdrawn."))
    return redirect("console:topup-offers")
