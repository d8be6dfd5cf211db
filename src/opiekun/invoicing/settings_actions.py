"""A vendor's invoicing settings (issue 21, item 1): whether an approved statement is
invoiced at once. Support managers change them in the console or by the API."""

from __future__ import annotations

from django.db import transaction

from opiekun.catalog.models import Vendor
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.invoicing.models import VendorInvoicing


def of(vendor: Vendor) -> VendorInvoicing:
    """The vendor's settings, or the defaults (unsaved) when it never set any."""
    found = VendorInvoicing.objects.filter(vendor=vendor).first()
    return found if found is not None else VendorInvoicing(vendor=vendor)


def issues_on_approval(vendor_id: int) -> bool:
    return VendorInvoicing.objects.filter(vendor_id=vendor_id, issue_on_approval=True).exists()


def set_issue_on_approval(vendor: Vendor, on: bool, *, actor: Actor = None) -> VendorInvoicing:
    with transaction.atomic():
        VendorInvoicing.objects.get_or_create(vendor=vendor)
        row = VendorInvoicing.objects.select_for_update().get(vendor=vendor)
        before = row.issue_on_approval
        if before == on:
            return row
        row.issue_on_approval = on
        row.save(update_fields=["issue_on_approval"])
        audit.record("vendor.invoice_on_approval_set", vendor, actor=actor, before=before, after=on)
    return row
