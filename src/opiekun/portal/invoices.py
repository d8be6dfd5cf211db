"""A statement's invoice in the portal (issue 21): its number, the KSeF number under the
verification QR code once KSeF accepted it, and its FA(3) XML to download. Only the
organisation's contacts see it (access.statement_for: 404 for anyone else)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from opiekun.contracts import access
from opiekun.contracts.models import Statement
from opiekun.customers.models import Contact
from opiekun.invoicing import queries
from opiekun.invoicing.models import Invoice
from opiekun.portal.guards import contacts_only


def context(statement: Statement) -> dict[str, object]:
    return {
        "invoice_panel": queries.panel(statement),
        "xml_url": reverse("portal:statement-invoice-xml", args=[statement.pk]),
        "can_invoice": False,
    }


@require_GET
@contacts_only
def xml(request: HttpRequest, contact: Contact, statement_id: int) -> HttpResponse:
    found = access.statement_for(request.user, statement_id)
    invoice = Invoice.objects.filter(statement=found).first()
    if invoice is None:
        raise Http404("No invoice")
    response = HttpResponse(invoice.xml.encode("utf-8"), content_type="application/xml")
    name = invoice.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.xml"'
    return response
