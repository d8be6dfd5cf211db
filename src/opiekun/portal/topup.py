"""Top-up offers on the portal (issue 21, item 4): the contacts who may buy hours see the
vendor's open offers on the hours page, with the figures they were made from, and accept
(the package is sold and waiting questions go ahead) or decline them. Anyone else gets
404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.contracts import topup, topup_sizing
from opiekun.contracts.access import offer_for_buyer, offers_for_buyer
from opiekun.contracts.models import TopUpOffer
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only


def open_offers(contact: Contact) -> list[TopUpOffer]:
    """The offers a buyer can still accept, each with its ``explanation`` in the
    reader's language; none for a contact who may not buy."""
    found = list(
        offers_for_buyer(contact)
        .filter(status=TopUpOffer.Status.OPEN, expires_at__gt=timezone.now())
        .select_related("plan")
    )
    for offer in found:
        offer.explanation = topup_sizing.explain(offer)  # type: ignore[attr-defined]
    return found


def answered_offers(contact: Contact) -> list[TopUpOffer]:
    return list(
        offers_for_buyer(contact).exclude(status=TopUpOffer.Status.OPEN).select_related("plan")[:20]
    )


def _message(exc: topup.OfferError) -> str:
    return str(exc).partition(": ")[2] or str(exc)


@require_POST
@contacts_only
def accept(request: HttpRequest, contact: Contact, offer_id: int) -> HttpResponse:
    offer = offer_for_buyer(contact, offer_id)
    try:
        done = topup.accept(offer, actor=request.user)
    except topup.OfferError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request,
            _("Thank you: %(hours)s h were added; questions waiting for a package go ahead.")
            % {"hours": topup_sizing.hours(done.minutes)},
        )
    return redirect("portal:hours")


@require_POST
@contacts_only
def decline(request: HttpRequest, contact: Contact, offer_id: int) -> HttpResponse:
    offer = offer_for_buyer(contact, offer_id)
    try:
        topup.decline(offer, reason=request.POST.get("reason", "")[:500], actor=request.user)
    except topup.OfferError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("The offer was declined."))
    return redirect("portal:hours")
