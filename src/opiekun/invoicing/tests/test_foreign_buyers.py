"""Issue 21, item 1 (the gap of ADR 0030): buyers who are not Polish taxpayers. An EU
VAT payer (KodUE + NrVatUE, "np II", odwrotne obciążenie), a buyer outside the EU
(KodKraju + NrID, "np I"), a buyer with no tax id (BrakID, the statement's VAT); tax ids
checked with python-stdnum. Every variant validates against the official XSD."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from lxml import etree

from opiekun.contracts.models import Contract
from opiekun.core.taxids import normalise_tax_id
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions, exports, fa3, schema
from opiekun.invoicing.models import Invoice
from opiekun.invoicing.tests.conftest import OCTOBER, Approve, october_of
from opiekun.reports import statements as statement_actions
from opiekun.testing.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
NS = {"fa": schema.NAMESPACE}
IDS = "fa:Podmiot2/fa:DaneIdentyfikacyjne"


def root_of(invoice: Invoice) -> Any:
    return etree.fromstring(invoice.xml.encode("utf-8"))


def text(root: Any, path: str) -> str | None:
    return root.findtext(path, namespaces=NS)


def invoiced(personas: Personas, approve: Approve, tax_id: str, address: str) -> Invoice:
    Organisation.objects.filter(pk=personas.org_a.pk).update(tax_id=tax_id, address=address)
    contract = october_of("SHIP-START", personas, number=f"F/{tax_id or 'none'}")
    return actions.issue(approve(statement_actions.issue(contract, OCTOBER)))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("526-025-02-74", "5260250274"),
        ("de 136 695 976", "DE136695976"),
        ("EL094259216", "EL094259216"),
        ("GB 980 7806 84", "GB980780684"),
        ("CHE-116.281.710 MWST", "CHE116281710MWST"),
        ("NO 974760673 MVA", "NO974760673MVA"),
    ],
)
def test_issue_21_item_1_tax_ids_are_checked_by_stdnum(typed: str, stored: str) -> None:
    assert normalise_tax_id(typed) == stored


@pytest.mark.parametrize("typed", ["DE136695977", "GB980780685", "US12-3456789", "CHE-113.552.604"])
def test_issue_21_item_1_a_wrong_or_uncheckable_tax_id_is_refused_naming_it(typed: str) -> None:
    for lang, words in (("en", "is not a valid tax number"), ("pl", "nie jest poprawnym")):
        with translation.override(lang):
            with pytest.raises(ValidationError) as refused:
                normalise_tax_id(typed)
            # The message is lazy: read it in the language it is asked in.
            assert typed in str(refused.value)
            assert words in str(refused.value)


def test_issue_21_item_1_an_eu_vat_payer_gets_kodue_nrvatue_and_reverse_charge(
    personas: Personas, sellers: None, approve: Approve
) -> None:
    invoice = invoiced(personas, approve, "DE136695976", "Unter den Linden 1\n10117 Berlin")
    assert schema.errors(invoice.xml.encode()) == []
    root = root_of(invoice)
    assert text(root, f"{IDS}/fa:KodUE") == "DE"
    assert text(root, f"{IDS}/fa:NrVatUE") == "136695976"
    assert root.find(f"{IDS}/fa:NIP", NS) is None
    assert text(root, "fa:Podmiot2/fa:Adres/fa:KodKraju") == "DE"
    statement = invoice.statement
    # Not taxed in Poland: the statement's net in P_13_9, no VAT, the words in P_18.
    assert text(root, "fa:Fa/fa:P_13_9") == f"{statement.net:.2f}"
    assert root.find("fa:Fa/fa:P_14_1", NS) is None
    assert root.find("fa:Fa/fa:P_13_1", NS) is None
    assert text(root, "fa:Fa/fa:P_15") == f"{statement.net:.2f}"
    assert text(root, "fa:Fa/fa:Adnotacje/fa:P_18") == "1"
    rates = {r.findtext("fa:P_12", namespaces=NS) for r in root.findall("fa:Fa/fa:FaWiersz", NS)}
    assert rates == {"np II"}
    assert (invoice.net, invoice.vat, invoice.gross, invoice.vat_rate) == (
        statement.net,
        Decimal("0.00"),
        statement.net,
        Decimal(0),
    )
    rows = exports.rows([invoice])
    assert {row[11] for row in rows} == {"np II"}
    assert sum(row[12] for row in rows) == 0  # type: ignore[misc]


def test_issue_21_item_1_greece_writes_el_and_its_address_gr(
    personas: Personas, sellers: None, approve: Approve
) -> None:
    invoice = invoiced(personas, approve, "EL094259216", "Odos 1\n10558 Athina")
    assert schema.errors(invoice.xml.encode()) == []
    root = root_of(invoice)
    assert text(root, f"{IDS}/fa:KodUE") == "EL"
    assert text(root, "fa:Podmiot2/fa:Adres/fa:KodKraju") == "GR"


def test_issue_21_item_1_a_buyer_outside_the_eu_gets_kodkraju_nrid_and_np_i(
    personas: Personas, sellers: None, approve: Approve
) -> None:
    invoice = invoiced(personas, approve, "CHE116281710MWST", "Bahnhofstrasse 1\n8001 Zürich")
    assert schema.errors(invoice.xml.encode()) == []
    root = root_of(invoice)
    assert text(root, f"{IDS}/fa:KodKraju") == "CH"
    assert text(root, f"{IDS}/fa:NrID") == "CHE116281710MWST"
    assert text(root, "fa:Podmiot2/fa:Adres/fa:KodKraju") == "CH"
    assert text(root, "fa:Fa/fa:P_13_8") == f"{invoice.statement.net:.2f}"
    assert root.find("fa:Fa/fa:P_13_9", NS) is None
    assert text(root, "fa:Fa/fa:Adnotacje/fa:P_18") == "2"
    rows = root.findall("fa:Fa/fa:FaWiersz", NS)
    assert {r.findtext("fa:P_12", namespaces=NS) for r in rows} == {"np I"}
    assert invoice.vat == 0


def test_issue_21_item_1_a_buyer_with_no_tax_id_is_brakid_and_pays_the_vat(
    personas: Personas, sellers: None, approve: Approve
) -> None:
    invoice = invoiced(personas, approve, "", "ul. Długa 5\n00-238 Warszawa")
    assert schema.errors(invoice.xml.encode()) == []
    root = root_of(invoice)
    assert text(root, f"{IDS}/fa:BrakID") == "1"
    statement = invoice.statement
    assert text(root, "fa:Fa/fa:P_13_1") == f"{statement.net:.2f}"
    assert (invoice.vat, invoice.gross) == (statement.vat, statement.gross)
    assert text(root, "fa:Fa/fa:Adnotacje/fa:P_18") == "2"


def test_issue_21_item_1_a_correction_for_an_eu_buyer_is_a_valid_kor_without_vat(
    personas: Personas, sellers: None, approve: Approve
) -> None:
    first = invoiced(personas, approve, "DE136695976", "Unter den Linden 1\n10117 Berlin")
    contract = first.statement.contract
    Contract.objects.filter(pk=contract.pk).update(hourly_rate_net=Decimal("200.00"))
    corrected = approve(statement_actions.correct(first.statement, reason="stawka"))
    kor = actions.issue(corrected)
    assert schema.errors(kor.xml.encode()) == []
    assert kor.kind == Invoice.Kind.KOR
    assert kor.net == corrected.net - first.statement.net
    assert (kor.vat, kor.gross) == (Decimal("0.00"), kor.net)
    rows = root_of(kor).findall("fa:Fa/fa:FaWiersz", NS)
    assert {r.findtext("fa:P_12", namespaces=NS) for r in rows} == {"np II"}


def test_issue_21_item_1_an_id_fa3_cannot_carry_is_refused_by_name_in_both_languages() -> None:
    seller = fa3.Party("S", "5260250274", "ul. A 1")
    inv = fa3.Invoice(
        "N",
        dt.date(2026, 11, 2),
        dt.date(2026, 10, 31),
        dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        seller,
        fa3.Party("B", "DE1234567890123", "Berlin"),  # NrVatUE takes 12 at most
        Decimal("23"),
        items=[fa3.Item("x", Decimal("1.00"))],
    )
    with pytest.raises(fa3.StructureError, match="buyer: DE1234567890123") as refused:
        fa3.build(inv)
    with translation.override("pl"):
        said = actions._said(refused.value)
    assert "DE1234567890123" in said
    assert "nabywcy" in said
