"""FA(3) invoices of approved statements (issue 21, R-REG-2, R-PLN-1: prices net, VAT
added): every seed plan's invoice validates against the official XSD; a credit line
lowers the totals; a corrected statement gets a correcting invoice (KOR) naming the
first; dates are Warsaw dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from opiekun.catalog.models import Plan, Vendor
from opiekun.contracts.models import Contract, StatementLine
from opiekun.core.models import AppendOnlyError, AuditEvent
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions, fa3, schema
from opiekun.invoicing.models import Invoice, KsefSubmission
from opiekun.invoicing.tests.conftest import OCTOBER, Approve, october_of, receipt
from opiekun.reports import drafts
from opiekun.reports import statements as statement_actions
from opiekun.testing.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
NS = {"fa": schema.NAMESPACE}
SEED_PLANS = [
    "EKS-HOTLINE",
    "KJM-CARE",
    "KJM-PACKAGE",
    "MER-SOS",
    "MER-SOS-LICENCE",
    "PWSK-BASIC",
    "PWSK-SUPERVISION",
    "SHIP-COMMUNITY",
    "SHIP-EMAIL",
    "SHIP-START",
    "SHIP-STANDARD",
    "SHIP-PREMIUM",
]


def parsed(invoice: Invoice) -> Any:
    return etree.fromstring(invoice.xml.encode("utf-8"))


def test_the_shipped_schema_is_the_official_fa3_and_refuses_a_broken_invoice() -> None:
    checker = schema.schema()
    assert checker is schema.schema()  # loaded once
    assert schema.errors(b"<Faktura/>")  # no namespace: not an FA(3) invoice
    broken = b'<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/"><Naglowek/></Faktura>'
    assert any("KodFormularza" in e for e in schema.errors(broken))
    assert (schema.XSD_DIR / "LICENSES").read_text().count("ksef-client 0.20.0") == 1


@pytest.mark.parametrize("plan_code", SEED_PLANS)
def test_r_reg_2_every_seed_plans_statement_becomes_a_valid_fa3_invoice(
    plan_code: str, personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of(plan_code, personas, number=f"{plan_code}/1")
    statement = approve(statement_actions.issue(contract, OCTOBER))
    priced = statement.lines.exclude(net=None)
    if not priced.exists():
        with pytest.raises(actions.InvoiceError, match="lines: the statement has no line"):
            actions.issue(statement)
        return
    invoice = actions.issue(statement)
    assert schema.errors(invoice.xml.encode()) == []
    assert (invoice.net, invoice.vat, invoice.gross) == (
        statement.net,
        statement.vat,
        statement.gross,
    )
    root = parsed(invoice)
    assert root.findtext("fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP", namespaces=NS) == (
        contract.plan.vendor.tax_id
    )
    assert root.findtext("fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:NIP", namespaces=NS) == (
        "5261040828"
    )
    rows = root.findall("fa:Fa/fa:FaWiersz", NS)
    assert [r.findtext("fa:P_11", namespaces=NS) for r in rows] == [
        f"{line.net:.2f}" for line in priced.order_by("position")
    ]
    assert root.findtext("fa:Fa/fa:P_15", namespaces=NS) == f"{statement.gross:.2f}"
    assert root.findtext("fa:Fa/fa:P_6", namespaces=NS) == "2026-10-31"
    assert root.findtext("fa:Fa/fa:RodzajFaktury", namespaces=NS) == "VAT"
    assert invoice.ksef.state == KsefSubmission.State.PENDING


def test_overage_and_emergencies_are_lines_in_hours_at_the_rate(
    personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of("SHIP-START", personas, number="S/1")
    statement = approve(statement_actions.issue(contract, OCTOBER))
    invoice = actions.issue(statement)
    overage = statement.lines.get(kind=StatementLine.Kind.OVERAGE)
    row = next(
        r
        for r in parsed(invoice).findall("fa:Fa/fa:FaWiersz", NS)
        if r.findtext("fa:P_7", namespaces=NS) == overage.description
    )
    assert row.findtext("fa:P_8A", namespaces=NS) == "h"
    assert Decimal(row.findtext("fa:P_8B", namespaces=NS)) == overage.quantity
    assert Decimal(row.findtext("fa:P_9A", namespaces=NS)) == overage.unit_price
    assert row.findtext("fa:P_12", namespaces=NS) == "23"


def test_a_credit_line_on_the_statement_is_a_negative_invoice_line_without_code_of_its_own(
    personas: Personas, buyer: Organisation, approve: Approve, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An SLA penalty (issue 21, item 2) is a statement line with a negative net; the
    # invoice takes it like any other line.
    real = statement_actions.draft

    def with_penalty(contract: Contract, month: dt.date) -> drafts.Draft:
        d = real(contract, month)
        d.lines.append(
            drafts.Line(
                "penalty",
                "EKS/2026/00007: reaction due Mon 16:00, given Tue 10:00: 2 h late x 50 PLN",
                net=Decimal("-100.00"),
                quantity=Decimal(2),
                unit_price=Decimal("50.00"),
            )
        )
        return d

    monkeypatch.setattr(statement_actions, "draft", with_penalty)
    contract = october_of("EKS-HOTLINE", personas, number="E/1")
    statement = approve(statement_actions.issue(contract, OCTOBER))
    invoice = actions.issue(statement)
    assert schema.errors(invoice.xml.encode()) == []
    rows = parsed(invoice).findall("fa:Fa/fa:FaWiersz", NS)
    credit = rows[-1]
    assert credit.findtext("fa:P_11", namespaces=NS) == "-100.00"
    assert credit.findtext("fa:P_9A", namespaces=NS) == "-50.00"
    assert "2 h late" in credit.findtext("fa:P_7", namespaces=NS)
    assert invoice.net == statement.net
    assert invoice.net == sum(
        (line.net for line in statement.lines.exclude(net=None) if line.kind != "penalty"),
        Decimal(0),
    ) - Decimal("100.00")


def test_a_corrected_statement_gets_a_correcting_invoice_naming_the_first(
    personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of("SHIP-START", personas, number="S/2")
    first_statement = approve(statement_actions.issue(contract, OCTOBER))
    first = actions.issue(first_statement)
    Contract.objects.filter(pk=contract.pk).update(hourly_rate_net=Decimal("200.00"))
    corrected = approve(statement_actions.correct(first_statement, reason="stawka"))
    kor = actions.issue(corrected)
    assert schema.errors(kor.xml.encode()) == []
    assert (kor.kind, kor.corrects) == (Invoice.Kind.KOR, first)
    root = parsed(kor)
    assert root.findtext("fa:Fa/fa:RodzajFaktury", namespaces=NS) == "KOR"
    ref = root.find("fa:Fa/fa:DaneFaKorygowanej", NS)
    assert ref.findtext("fa:NrFaKorygowanej", namespaces=NS) == first.number
    assert ref.findtext("fa:DataWystFaKorygowanej", namespaces=NS) == first.issue_date.isoformat()
    assert ref.findtext("fa:NrKSeFN", namespaces=NS) == "1"  # the first never reached KSeF
    # The totals are the difference; the lines before are marked StanPrzed.
    assert kor.net == corrected.net - first_statement.net
    assert kor.gross == corrected.gross - first_statement.gross
    before = [
        r for r in root.findall("fa:Fa/fa:FaWiersz", NS) if r.find("fa:StanPrzed", NS) is not None
    ]
    assert len(before) == first_statement.lines.exclude(net=None).count()


def test_a_correction_of_an_invoice_kSeF_accepted_names_its_ksef_number(
    personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of("SHIP-START", personas, number="S/3")
    first_statement = approve(statement_actions.issue(contract, OCTOBER))
    first = actions.issue(first_statement)
    number = "5260250274-20261201-0A1B2C-3D4E5F-01"
    actions.claim(first.ksef.pk, stale_after=dt.timedelta(minutes=30))
    actions.record_outcome(
        first.ksef.pk, session_reference="S", ksef_number=number, upo=receipt(first, number)
    )
    Contract.objects.filter(pk=contract.pk).update(hourly_rate_net=Decimal("150.00"))
    kor = actions.issue(approve(statement_actions.correct(first_statement)))
    ref = parsed(kor).find("fa:Fa/fa:DaneFaKorygowanej", NS)
    assert ref.findtext("fa:NrKSeF", namespaces=NS) == "1"
    assert ref.findtext("fa:NrKSeFFaKorygowanej", namespaces=NS) == number
    assert schema.errors(kor.xml.encode()) == []


def test_only_an_approved_statement_is_invoiced_once_and_the_invoice_never_changes(
    personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of("SHIP-START", personas, number="S/4")
    statement = statement_actions.issue(contract, OCTOBER)
    with pytest.raises(actions.InvoiceError, match="is not approved"):
        actions.issue(statement)
    assert not Invoice.objects.exists()
    approve(statement)
    invoice = actions.issue(statement)
    assert actions.issue(statement) == invoice
    assert Invoice.objects.count() == 1
    assert invoice.number.startswith("FV/SHIP/2026/")
    assert AuditEvent.objects.filter(kind="invoice.issued", subject_id=str(invoice.pk)).count() == 1
    invoice.net = Decimal(0)
    with pytest.raises(AppendOnlyError):
        invoice.save()


def test_an_invoice_needs_the_sellers_nip_and_address_and_says_which(
    personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of("SHIP-START", personas, number="S/5")
    statement = approve(statement_actions.issue(contract, OCTOBER))
    Vendor.objects.filter(pk=contract.plan.vendor_id).update(tax_id="")
    with pytest.raises(actions.InvoiceError, match=r"seller: .* has no tax id"):
        actions.issue(statement)
    Vendor.objects.filter(pk=contract.plan.vendor_id).update(tax_id="5260250274", address=" ")
    with pytest.raises(actions.InvoiceError, match=r"seller: .* has no address"):
        actions.issue(statement)
    assert not Invoice.objects.exists()


def test_the_issue_date_is_the_date_in_warsaw(
    personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of("SHIP-START", personas, number="S/6")
    statement = approve(statement_actions.issue(contract, OCTOBER))
    # 23:30 UTC on 30 November is already 1 December in Warsaw (CET, UTC+1).
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    data = actions.document(statement, "FV/X/2026/00001", late, None)
    assert data.issue_date == dt.date(2026, 12, 1)
    # In summer (CEST, UTC+2) 22:30 UTC is the next day too.
    assert actions.document(
        statement, "N", dt.datetime(2026, 7, 31, 22, 30, tzinfo=dt.UTC), None
    ).issue_date == dt.date(2026, 8, 1)


def test_an_unsupported_vat_rate_is_refused_by_name() -> None:
    party = fa3.Party("S", "5260250274", "ul. A 1")
    inv = fa3.Invoice(
        "N",
        dt.date(2026, 11, 2),
        dt.date(2026, 10, 31),
        dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        party,
        party,
        Decimal("19"),
        items=[fa3.Item("x", Decimal("1.00"))],
    )
    with pytest.raises(fa3.StructureError, match="vat_rate: 19%"):
        fa3.build(inv)


def test_plans_are_the_seed_plans(presets: None) -> None:
    # The parametrised list above is every seed plan: a new seed plan must join it.
    assert sorted(Plan.objects.values_list("code", flat=True)) == sorted(SEED_PLANS)
