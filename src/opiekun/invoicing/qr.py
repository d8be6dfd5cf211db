"""The KSeF verification link of an invoice (KOD I, kody-qr in the ministry's
documentation) and its QR code: {base}/invoice/{seller NIP}/{P_1 as DD-MM-YYYY}/{SHA-256
of the invoice file, Base64URL}. Under it goes the KSeF number once KSeF gave one."""

from __future__ import annotations

import base64
import hashlib

import segno
from django.conf import settings

from opiekun.invoicing.models import Invoice


def verification_url(invoice: Invoice) -> str:
    digest = hashlib.sha256(invoice.xml.encode("utf-8")).digest()
    hashed = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return (
        f"{settings.KSEF_QR_URL}/invoice/{invoice.seller_tax_id}/"
        f"{invoice.issue_date:%d-%m-%Y}/{hashed}"
    )


def svg(invoice: Invoice) -> str:
    """An inline SVG of the QR code (no image request, nothing for the CSP to allow)."""
    code = segno.make(verification_url(invoice), error="m")
    return str(code.svg_inline(scale=3, title=invoice.number))
