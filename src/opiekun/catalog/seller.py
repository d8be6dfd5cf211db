"""The vendor as the seller on its invoices (gap 2): legal name, NIP and address, set by
a support manager in the console or the API, not only in the admin. A preset reload
keeps what is set here (catalog.actions fills only blanks)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from opiekun.catalog.models import Vendor
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.core.bounds import OutOfBounds
from opiekun.core.taxids import normalise_tax_id

LEGAL_NAME_MAX = 200
ADDRESS_MAX = 500


def set_seller(
    vendor: Vendor, *, legal_name: str, tax_id: str, address: str, actor: Actor = None
) -> Vendor:
    # The shared bound also refuses what the database cannot store (a NUL byte).
    legal_name = bounds.text("legal_name", legal_name.strip(), max_length=LEGAL_NAME_MAX)
    address = bounds.text("address", address.strip(), max_length=ADDRESS_MAX)
    try:
        tax_id = normalise_tax_id(tax_id[:40])
    except ValidationError as exc:
        raise OutOfBounds("tax_id: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        before = {
            "legal_name": vendor.legal_name,
            "tax_id": vendor.tax_id,
            "address": vendor.address,
        }
        after = {"legal_name": legal_name, "tax_id": tax_id, "address": address}
        if before == after:
            return vendor
        for field, value in after.items():
            setattr(vendor, field, value)
        vendor.save(update_fields=[*after, "updated_at"])
        audit.record("vendor.seller_set", vendor, actor=actor, before=before, after=after)
    return vendor
