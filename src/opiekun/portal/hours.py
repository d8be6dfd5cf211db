"""Asking for hours on the portal (issue 17, item 2): a package or a top-up of a plan
that sells them, which the vendor's manager accepts or declines. Contacts only; anyone
else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opiekun.catalog.models import Plan
from opiekun.contracts import hour_requests
from opiekun.contracts.models import HourRequest
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only
from opiekun.portal.topup import answered_offers, open_offers


def _plans(contact: Contact) -> list[Plan]:
    """Packages of the vendors the organisation has contracts with (all if none)."""
    plans = Plan.objects.filter(package_validity_months__isnull=False).select_related("vendor")
    vendors = contact.organisation.contracts.values_list("plan__vendor", flat=True)
    ours = plans.filter(vendor__in=vendors)
    return list((ours if ours.exists() else plans).order_by("vendor__name", "code"))


@require_http_methods(["GET", "POST"])
@contacts_only
def hours(request: HttpRequest, contact: Contact) -> HttpResponse:
    plans = _plans(contact)
    if request.method == "POST":
        plan = next((p for p in plans if p.code == request.POST.get("plan", "")[:40]), None)
        text = request.POST.get("minutes", "").strip()[:10]
        try:
            if plan is None:
                raise hour_requests.RequestError("plan: " + _("choose a package"))
            if not contact.is_authorised:
                raise hour_requests.RequestError(
                    "contact: " + _("only a contact authorised by the organisation may ask")
                )
            minutes = int(text) if text.isdigit() else None
            if text and minutes is None:
                raise hour_requests.RequestError(
                    "minutes: " + _("%(value)s is not a number") % {"value": text}
                )
            hour_requests.ask(
                contact, plan, minutes=minutes, note=request.POST.get("note", "")[:500]
            )
        except hour_requests.RequestError as exc:
            messages.error(request, str(exc).partition(": ")[2] or str(exc))
        else:
            messages.success(request, _("Your request was sent to the vendor."))
            return redirect("portal:hours")
    asked = HourRequest.objects.filter(organisation=contact.organisation_id).select_related(
        "plan", "contact"
    )[:50]
    return render(
        request,
        "portal/hours.html",
        {
            "plans": plans,
            "asked": asked,
            "offers": open_offers(contact),
            "answered_offers": answered_offers(contact),
        },
    )
