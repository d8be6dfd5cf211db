"""A statement's invoice in the console (issue 21): a support manager issues it once the
customer approved the statement; staff download its FA(3) XML; a manager chooses whether
a vendor's statements are invoiced on approval. Anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.catalog.models import Vendor
from opiekun.console.guards import staff_only
from opiekun.contracts.access import statement_for
from opiekun.contracts.models import Statement
from opiekun.invoicing import actions, queries, settings_actions
from opiekun.invoicing.models import Invoice
from opiekun.reports import statements
from opiekun.staff.access import manager_for


def context(request: HttpRequest, statement: Statement) -> dict[str, object]:
    """What the statement page needs for its invoice card."""
    newest = statements.latest(statement.contract, statement.period_start)
    member = getattr(request.user, "staff_member", None)
    return {
        "invoice_panel": queries.panel(statement),
        "xml_url": reverse("console:statement-invoice-xml", args=[statement.pk]),
        "issue_url": reverse("console:statement-invoice", args=[statement.pk]),
        "can_invoice": bool(member and member.is_manager)
        and hasattr(statement, "approval")
        and newest is not None
        and newest.pk == statement.pk,
    }


@require_POST
@staff_only
def issue(request: HttpRequest, statement_id: int) -> HttpResponse:
    manager_for(request.user)
    found = statement_for(request.user, statement_id)
    try:
        made = actions.issue(found, actor=request.user)
    except actions.InvoiceError as exc:
        messages.error(request, _("The invoice cannot be issued: %(why)s") % {"why": exc})
    else:
        messages.success(request, _("Invoice %(number)s was issued.") % {"number": made.number})
    return redirect("console:statement", statement_id=found.pk)


@require_GET
@staff_only
def xml(request: HttpRequest, statement_id: int) -> HttpResponse:
    found = statement_for(request.user, statement_id)
    invoice = Invoice.objects.filter(statement=found).first()
    if invoice is None:
        raise Http404("No invoice")
    response = HttpResponse(invoice.xml.encode("utf-8"), content_type="application/xml")
    name = invoice.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.xml"'
    return response


def _vendor(vendor_id: int) -> Vendor:
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise Http404("No such vendor")
    return vendor


@require_GET
@staff_only
def vendor_settings(request: HttpRequest, vendor_id: int) -> HttpResponse:
    """A vendor's invoicing (issue 21, item 1): support managers only."""
    manager_for(request.user)
    vendor = _vendor(vendor_id)
    row = settings_actions.of(vendor)
    return render(
        request,
        "console/vendor_invoicing.html",
        {
            "vendor": vendor,
            "settings": row,
            # Only a masked form of the token reaches the page (issue 21, item 1).
            "token_shown": settings_actions.masked(row.ksef_token),
        },
    )


@require_POST
@staff_only
def on_approval(request: HttpRequest, vendor_id: int) -> HttpResponse:
    manager_for(request.user)
    vendor = _vendor(vendor_id)
    # A checkbox: present means on, absent means off.
    on = request.POST.get("issue_on_approval", "") in ("on", "true", "1")
    settings_actions.set_issue_on_approval(vendor, on, actor=request.user)
    messages.success(request, _("The invoicing setting was saved."))
    return redirect("console:vendor-invoicing", vendor_id=vendor.pk)


@require_POST
@staff_only
def ksef_token(request: HttpRequest, vendor_id: int) -> HttpResponse:
    """Stores the vendor's KSeF token, or removes it ("remove"); it is never shown back."""
    manager_for(request.user)
    vendor = _vendor(vendor_id)
    token = "" if request.POST.get("remove") else request.POST.get("ksef_token", "")[:2000]
    if not token and not request.POST.get("remove"):
        messages.error(request, _("ksef_token: paste the token, or remove the stored one"))
        return redirect("console:vendor-invoicing", vendor_id=vendor.pk)
    try:
        settings_actions.set_ksef_token(vendor, token, actor=request.user)
    except settings_actions.SettingsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The KSeF token was saved."))
    return redirect("console:vendor-invoicing", vendor_id=vendor.pk)
