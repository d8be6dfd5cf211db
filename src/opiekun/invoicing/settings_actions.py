"""A vendor's invoicing settings (issue 21, item 1): whether an approved statement is
invoiced at once, and the vendor's KSeF token. Support managers change them in the
console or by the API; the token is stored encrypted and shown back only masked."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.catalog.models import Vendor
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.invoicing.models import VendorInvoicing

# A KSeF token is ~160 characters; anything far longer is not one.
TOKEN_MAX = 1000


class SettingsError(ValueError):
    """A setting cannot be saved; the message names the field, in the reader's language."""


def masked(token: str) -> str:
    """What a reader may see of a stored token: that there is one, and its last four
    characters when it is long enough to keep the rest secret."""
    if not token:
        return ""
    return "…" + token[-4:] if len(token) >= 16 else "…"


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


def set_ksef_token(vendor: Vendor, token: str, *, actor: Actor = None) -> VendorInvoicing:
    """Stores the vendor's KSeF token ('' removes it: the installation's, if any, is used
    again). The audit event says that it changed, never what it is."""
    token = token.strip()
    if len(token) > TOKEN_MAX or any(c.isspace() or not c.isprintable() for c in token):
        raise SettingsError(
            _("ksef_token: not a KSeF token (at most %(max)s characters, no spaces)")
            % {"max": TOKEN_MAX}
        )
    with transaction.atomic():
        VendorInvoicing.objects.get_or_create(vendor=vendor)
        row = VendorInvoicing.objects.select_for_update().get(vendor=vendor)
        had = bool(row.ksef_token)
        row.ksef_token = token
        row.ksef_token_set_at = timezone.now() if token else None
        row.save(update_fields=["ksef_token", "ksef_token_set_at"])
        audit.record(
            "vendor.ksef_token_set" if token else "vendor.ksef_token_removed",
            vendor,
            actor=actor,
            replaced=had,
            shown=masked(token),
        )
    return row


def ksef_token_for(nip: str) -> str:
    """The KSeF token of a seller NIP: its vendor's, else '' (the caller falls back to
    the installation's). Decrypted here, for the sender only."""
    for row in VendorInvoicing.objects.filter(vendor__tax_id=nip).order_by("vendor_id"):
        if row.ksef_token:
            return row.ksef_token
    return ""
