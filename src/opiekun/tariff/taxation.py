"""Whether Polish VAT is charged, decided by the buyer's tax id (issue 21). Support is a
service; for a business buyer abroad its place of supply is the buyer's country (art. 28b
of the VAT act), so no Polish VAT is charged: "np II" (reverse charge) for an EU VAT
payer, "np I" outside the EU. A buyer with a NIP, or with no tax id (a consumer), pays
the Polish rate. The statement and the e-invoice made of it ask this one function, so
their totals agree to the grosz. Pure Python."""

from __future__ import annotations

DOMESTIC, NP_EU, NP_OUTSIDE = "domestic", "np II", "np I"

# FA(3)'s KodUE list without PL (Greece is EL; XI is Northern Ireland's traders). The
# invoicing app reads the same list from the official schema and a test keeps them equal.
# fmt: off
EU_VAT_PREFIXES = frozenset((
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "RO", "SE", "SI", "SK", "XI",
))
# fmt: on


def identity(tax_id: str, eu_prefixes: frozenset[str] = EU_VAT_PREFIXES) -> tuple[str, str, str]:
    """(kind, code, number) of a buyer's tax id: ("NIP", "", NIP), ("UE", "DE",
    "136695976"), ("ID", "GB", "GB980780684") or ("BRAK", "", "") for none."""
    if not tax_id:
        return "BRAK", "", ""
    if tax_id.isdigit():
        return "NIP", "", tax_id
    if tax_id[:2] in eu_prefixes:
        return "UE", tax_id[:2], tax_id[2:]
    return "ID", tax_id[:2], tax_id


def treatment(tax_id: str, eu_prefixes: frozenset[str] = EU_VAT_PREFIXES) -> str:
    """DOMESTIC (the Polish rate), NP_EU or NP_OUTSIDE (no Polish VAT)."""
    kind = identity(tax_id, eu_prefixes)[0]
    return {"UE": NP_EU, "ID": NP_OUTSIDE}.get(kind, DOMESTIC)
