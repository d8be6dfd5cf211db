"""The UPO (urzędowe poświadczenie odbioru), KSeF's receipt for an invoice, checked
before an invoice counts as accepted (issue 21, item 1): it must name the invoice's KSeF
number and the SHA-256 of the file as sent (SkrotDokumentu, Base64). A receipt for
another document, or for another version of this one, is a failure to look at, not an
acceptance. Read by local name, so a new UPO schema version (its namespace) still reads;
its XAdES signature is not verified here (ADR 0036)."""

from __future__ import annotations

from lxml import etree


def _texts(root: etree._Element, name: str) -> list[str]:
    return [
        (el.text or "").strip()
        for el in root.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname == name
    ]


def mismatch(upo: str, *, ksef_number: str, invoice_hash: str) -> str:
    """Why ``upo`` does not confirm this invoice (English, for the submission's error and
    the log); '' when it names both the KSeF number and the hash."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(upo.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return "UPO: the receipt is not XML"
    for doc in (el for el in root.iter() if isinstance(el.tag, str)):
        if etree.QName(doc).localname != "Dokument":
            continue
        numbers, hashes = _texts(doc, "NumerKSeFDokumentu"), _texts(doc, "SkrotDokumentu")
        if ksef_number in numbers:
            if invoice_hash in hashes:
                return ""
            return f"UPO: the receipt for {ksef_number} names another file hash {hashes[:1]}"
    return f"UPO: the receipt does not name the KSeF number {ksef_number}"
