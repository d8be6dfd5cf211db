"""The accounting export: one row per invoice line, read from the invoices as issued
(their FA(3) XML), for a Polish accounting office to import. Columns: docs/invoicing.md.

VAT is computed on each invoice's total net (as the statement does); a line's VAT is its
share, with the rounding difference on the invoice's last line, so the lines of an
invoice add up to the VAT the invoice states. A correcting invoice's lines are the
difference: the lines before (StanPrzed) with their sign turned, then the lines after."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from lxml import etree

from opiekun.core import exports
from opiekun.invoicing.models import Invoice, KsefSubmission
from opiekun.invoicing.schema import NAMESPACE
from opiekun.tariff import quantise

HEADER = [
    "seller NIP",
    "buyer NIP",
    "buyer",
    "document",
    "kind",
    "corrects",
    "issue date",
    "KSeF number",
    "line",
    "description",
    "net",
    "VAT rate",
    "VAT",
    "gross",
    "currency",
]


def lines(invoice: Invoice) -> list[tuple[str, Decimal, str]]:
    """(description, net, P_12) of each line as it counts: before-lines negated."""
    root = etree.fromstring(invoice.xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    ns = {"fa": NAMESPACE}
    out = []
    for row in root.iterfind("fa:Fa/fa:FaWiersz", ns):
        net = Decimal(row.findtext("fa:P_11", "0", ns))
        if row.findtext("fa:StanPrzed", "", ns) == "1":
            net = -net
        out.append((row.findtext("fa:P_7", "", ns), net, row.findtext("fa:P_12", "", ns)))
    return out


def rows(invoices: Iterable[Invoice]) -> list[list[exports.Cell]]:
    out: list[list[exports.Cell]] = []
    for invoice in invoices:
        sub = KsefSubmission.objects.filter(invoice=invoice).first()
        ksef_number = sub.ksef_number if sub else ""
        items = lines(invoice)
        vat_left = invoice.vat
        for n, (description, net, rate) in enumerate(items, start=1):
            tax = vat_left if n == len(items) else quantise(net * invoice.vat_rate / 100)
            vat_left -= tax
            out.append(
                [
                    invoice.seller_tax_id,
                    invoice.buyer_tax_id,
                    invoice.buyer_name,
                    invoice.number,
                    invoice.kind,
                    invoice.corrects.number if invoice.corrects else "",
                    invoice.issue_date,
                    ksef_number,
                    n,
                    description,
                    net,
                    # "np I"/"np II" (not taxed in Poland) as the invoice says it.
                    invoice.vat_rate if rate[:1].isdigit() else rate,
                    tax,
                    net + tax,
                    invoice.currency,
                ]
            )
    return out


def export(invoices: Iterable[Invoice], fmt: str, title: str = "invoices") -> bytes:
    if fmt == "csv":
        return exports.to_csv(HEADER, rows(invoices))
    if fmt == "xlsx":
        return exports.to_xlsx(title, HEADER, rows(invoices))
    raise ValueError(f"format: {fmt!r} is not csv or xlsx")
