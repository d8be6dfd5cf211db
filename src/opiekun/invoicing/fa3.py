"""An invoice as the FA(3) structure (the KSeF e-invoice, schema 1-0E), built from plain
data with lxml: no Django here, so the structure is tested on its own and against the
official XSD (``schema``).

A line is whatever carries an amount: a subscription, a package, hours beyond the banks,
an out-of-hours intervention, or a credit (an SLA penalty) with a negative net. A credit
needs no code of its own: its negative net and unit price go into P_9A/P_11 and lower
the totals, which the schema allows (TKwotowy is signed).

The buyer is identified as its tax id says (issue 21, item 1): a NIP (Podmiot2/NIP), an
EU VAT number (KodUE + NrVatUE), another country's number (KodKraju + NrID), or none
(BrakID). The buyer also decides the VAT: support is a service, so for a business buyer
abroad its place of supply is the buyer's country (art. 28b of the VAT act) and no Polish
VAT is charged: "np II" (P_13_9, and "odwrotne obciążenie", P_18 = 1) for an EU VAT payer,
"np I" (P_13_8) outside the EU. A buyer with a NIP or with no tax id pays the statement's
rate."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from opiekun.invoicing.schema import NAMESPACE, eu_prefixes
from opiekun.tariff import quantise, taxation, vat

# The KodKraju of an address: the same codes but Greece's (EL is a VAT prefix, not a
# country code) and Northern Ireland's (in the United Kingdom).
ADDRESS_COUNTRY = {"EL": "GR", "XI": "GB"}
DOMESTIC, NP_EU, NP_OUTSIDE = taxation.DOMESTIC, taxation.NP_EU, taxation.NP_OUTSIDE
# Where a not-taxed-in-Poland sale is summed: outside the country (np I), services of art.
# 100 ust. 1 pkt 4, i.e. to an EU VAT payer (np II).
NP_FIELDS = {NP_OUTSIDE: "8", NP_EU: "9"}
_VAT_UE = re.compile(r"[0-9A-Z+*]{1,12}")

# P_12 (TStawkaPodatku) takes these percentages; each has its pair of total fields
# (P_13_x net, P_14_x VAT). Other rates (0 KR, zw, np) are not billed here.
RATE_FIELDS: dict[Decimal, str] = {
    Decimal(23): "1",
    Decimal(22): "1",
    Decimal(8): "2",
    Decimal(7): "2",
    Decimal(5): "3",
}


class StructureError(ValueError):
    """The data cannot be written as an FA(3) invoice; the message names the field.
    ``code`` and ``value`` let a caller say it again in the reader's language."""

    def __init__(self, message: str, *, field: str, code: str, value: str = "") -> None:
        super().__init__(message)
        self.field, self.code, self.value = field, code, value


@dataclass(frozen=True)
class Party:
    name: str
    tax_id: str
    address: str
    country: str = "PL"

    @property
    def identity(self) -> tuple[str, str, str]:
        """(kind, code, number) of the buyer's tax id as FA(3) writes it: ("NIP", "",
        NIP), ("UE", "DE", "136695976"), ("ID", "GB", "GB980780684"), ("BRAK", "", "")."""
        return taxation.identity(self.tax_id, eu_prefixes())

    @property
    def address_country(self) -> str:
        kind, code, _number = self.identity
        if kind in ("UE", "ID"):
            return ADDRESS_COUNTRY.get(code, code)
        return self.country


@dataclass(frozen=True)
class Item:
    description: str
    net: Decimal
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    unit: str = "usł."


@dataclass(frozen=True)
class Corrected:
    """The invoice a correction refers to (DaneFaKorygowanej)."""

    number: str
    issue_date: dt.date
    ksef_number: str = ""


@dataclass
class Invoice:
    number: str
    issue_date: dt.date  # P_1: the date in Warsaw when it was issued
    service_end: dt.date  # P_6: the last day of the month billed
    created_at: dt.datetime  # DataWytworzeniaFa, aware
    seller: Party
    buyer: Party
    vat_rate: Decimal
    currency: str = "PLN"
    items: list[Item] = field(default_factory=list)
    corrected: Corrected | None = None
    correction_reason: str = ""
    # A correction lists the corrected invoice's lines as they were (StanPrzed) and its
    # own as they are; its totals are the difference.
    items_before: list[Item] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return quantise(sum((i.net for i in self.items), Decimal(0)))

    @property
    def net_before(self) -> Decimal:
        return quantise(sum((i.net for i in self.items_before), Decimal(0)))

    @property
    def treatment(self) -> str:
        """DOMESTIC (the statement's rate), NP_EU or NP_OUTSIDE (no Polish VAT)."""
        return taxation.treatment(self.buyer.tax_id, eu_prefixes())

    def vat_of(self, net: Decimal) -> Decimal:
        if self.treatment != DOMESTIC:
            return Decimal("0.00")
        # The tariff module's VAT, as on the statement: so the totals agree to the grosz.
        return vat(net, self.vat_rate)[0]

    @property
    def totals(self) -> tuple[Decimal, Decimal, Decimal]:
        """(net, VAT, gross) the document states: the difference, on a correction.
        VAT is computed on the total net (as the statement does), not per line."""
        net = self.net - self.net_before
        tax = self.vat_of(self.net) - self.vat_of(self.net_before)
        return net, tax, net + tax


def _amount(value: Decimal) -> str:
    return f"{quantise(value):f}"


def _rate(value: Decimal) -> str:
    return f"{value.normalize():f}"


def build(inv: Invoice) -> bytes:
    """The FA(3) XML of ``inv`` (UTF-8). Raises StructureError for data the structure
    cannot carry (a missing NIP, an unsupported VAT rate, no lines)."""
    treatment = inv.treatment
    group = RATE_FIELDS.get(inv.vat_rate.normalize())
    if treatment == DOMESTIC and group is None:
        raise StructureError(
            f"vat_rate: {inv.vat_rate}% has no FA(3) field",
            field="vat_rate",
            code="rate",
            value=str(inv.vat_rate),
        )
    if not inv.seller.tax_id:
        raise StructureError(
            f"seller: {inv.seller.name} has no tax id (NIP)",
            field="seller",
            code="no_nip",
            value=inv.seller.name,
        )
    if not (inv.seller.tax_id.isdigit() and len(inv.seller.tax_id) == 10):
        raise StructureError(
            f"seller: {inv.seller.tax_id} is not a Polish NIP",
            field="seller",
            code="not_nip",
            value=inv.seller.tax_id,
        )
    # A buyer's NIP is ten digits, a VAT UE number as NrVatUE allows (letters, digits, +
    # and *, up to 12), any other id up to 50 characters (TNrIdentyfikacjiPodatkowej).
    kind, _code, number = inv.buyer.identity
    fits = {
        "NIP": len(number) == 10,
        "UE": _VAT_UE.fullmatch(number) is not None,
        "ID": len(number) <= 50,
    }
    if not fits.get(kind, True):
        raise StructureError(
            f"buyer: {inv.buyer.tax_id} cannot be written as an FA(3) buyer's tax id",
            field="buyer",
            code="bad_id",
            value=inv.buyer.tax_id,
        )
    if not inv.seller.address.strip():
        raise StructureError(
            f"seller: {inv.seller.name} has no address",
            field="seller",
            code="no_address",
            value=inv.seller.name,
        )
    if not inv.items and not inv.items_before:
        raise StructureError(
            "lines: the statement has no line with an amount", field="lines", code="no_lines"
        )

    ns = NAMESPACE
    root = etree.Element(f"{{{ns}}}Faktura", nsmap={None: ns})

    def sub(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        el = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    head = sub(root, "Naglowek")
    sub(head, "KodFormularza", "FA", kodSystemowy="FA (3)", wersjaSchemy="1-0E")
    sub(head, "WariantFormularza", "3")
    sub(head, "DataWytworzeniaFa", inv.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    sub(head, "SystemInfo", "opiekun")

    for tag, party in (("Podmiot1", inv.seller), ("Podmiot2", inv.buyer)):
        p = sub(root, tag)
        ids = sub(p, "DaneIdentyfikacyjne")
        kind, code, number = party.identity
        if kind == "NIP":
            sub(ids, "NIP", number)
        elif kind == "UE":
            sub(ids, "KodUE", code)
            sub(ids, "NrVatUE", number)
        elif kind == "ID":
            sub(ids, "KodKraju", code)
            sub(ids, "NrID", number)
        else:
            sub(ids, "BrakID", "1")
        sub(ids, "Nazwa", party.name[:512])
        if party.address.strip():
            lines = [x.strip() for x in party.address.splitlines() if x.strip()]
            adr = sub(p, "Adres")
            sub(adr, "KodKraju", party.address_country)
            sub(adr, "AdresL1", lines[0][:512])
            if len(lines) > 1:
                sub(adr, "AdresL2", ", ".join(lines[1:])[:512])
        if tag == "Podmiot2":
            # Not a unit of local government, not a member of a VAT group (FA(3) asks both).
            sub(p, "JST", "2")
            sub(p, "GV", "2")

    fa = sub(root, "Fa")
    sub(fa, "KodWaluty", inv.currency)
    sub(fa, "P_1", inv.issue_date.isoformat())
    sub(fa, "P_2", inv.number)
    sub(fa, "P_6", inv.service_end.isoformat())
    net, tax, gross = inv.totals
    if treatment == DOMESTIC:
        sub(fa, f"P_13_{group}", _amount(net))
        sub(fa, f"P_14_{group}", _amount(tax))
    else:
        # Not taxed in Poland: the net alone, in its own field, and no VAT field.
        sub(fa, f"P_13_{NP_FIELDS[treatment]}", _amount(net))
    sub(fa, "P_15", _amount(gross))
    notes = sub(fa, "Adnotacje")
    # P_18: "odwrotne obciążenie" where the buyer settles the tax, which the act requires
    # on the invoice for an EU buyer (art. 106e ust. 1 pkt 18); outside the EU the
    # buyer's own law decides, so the invoice does not claim it.
    marks = {"P_16": "2", "P_17": "2", "P_18": "1" if treatment == NP_EU else "2", "P_18A": "2"}
    for tag, value in marks.items():
        sub(notes, tag, value)
    sub(sub(notes, "Zwolnienie"), "P_19N", "1")
    sub(sub(notes, "NoweSrodkiTransportu"), "P_22N", "1")
    sub(notes, "P_23", "2")
    sub(sub(notes, "PMarzy"), "P_PMarzyN", "1")
    if inv.corrected is None:
        sub(fa, "RodzajFaktury", "VAT")
    else:
        sub(fa, "RodzajFaktury", "KOR")
        if inv.correction_reason:
            sub(fa, "PrzyczynaKorekty", inv.correction_reason[:256])
        # 2: the correction takes effect on its own issue date (a later finding, not an
        # error in the first document's date).
        sub(fa, "TypKorekty", "2")
        ref = sub(fa, "DaneFaKorygowanej")
        sub(ref, "DataWystFaKorygowanej", inv.corrected.issue_date.isoformat())
        sub(ref, "NrFaKorygowanej", inv.corrected.number)
        if inv.corrected.ksef_number:
            sub(ref, "NrKSeF", "1")
            sub(ref, "NrKSeFFaKorygowanej", inv.corrected.ksef_number)
        else:
            # The first invoice has no KSeF number (issued outside KSeF or not yet sent).
            sub(ref, "NrKSeFN", "1")

    position = 0
    for before, items in ((True, inv.items_before), (False, inv.items)):
        for item in items:
            position += 1
            row = sub(fa, "FaWiersz")
            sub(row, "NrWierszaFa", str(position))
            sub(row, "P_7", item.description[:512])
            sub(row, "P_8A", item.unit)
            sub(row, "P_8B", f"{item.quantity.normalize():f}")
            unit_price = item.unit_price if item.unit_price is not None else item.net
            if item.unit_price is not None and item.net < 0 < unit_price:
                # A credit line priced by a positive rate: the credit is in the price.
                unit_price = -unit_price
            sub(row, "P_9A", _amount(unit_price))
            sub(row, "P_11", _amount(item.net))
            sub(row, "P_12", _rate(inv.vat_rate) if treatment == DOMESTIC else treatment)
            if before:
                sub(row, "StanPrzed", "1")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
