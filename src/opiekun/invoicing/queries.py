"""What a statement's page shows of its invoice: the number, KSeF's state, and once KSeF
accepted it, the KSeF number under the verification QR code (KOD I)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from opiekun.contracts.models import Statement
from opiekun.invoicing import qr
from opiekun.invoicing.models import Invoice, KsefSubmission


@dataclass(frozen=True)
class Panel:
    invoice: Invoice
    submission: KsefSubmission | None
    verification_url: str = ""
    qr_svg: SafeString | None = None

    @property
    def accepted(self) -> bool:
        return self.submission is not None and self.submission.state == "accepted"


def panel(statement: Statement) -> Panel | None:
    invoice = Invoice.objects.filter(statement=statement).select_related("corrects").first()
    if invoice is None:
        return None
    submission = KsefSubmission.objects.filter(invoice=invoice).first()
    if submission is None or submission.state != KsefSubmission.State.ACCEPTED:
        return Panel(invoice, submission)
    # segno writes the SVG from our own link (no customer text in it): safe to inline.
    svg = mark_safe(qr.svg(invoice))  # noqa: S308
    return Panel(invoice, submission, qr.verification_url(invoice), svg)
