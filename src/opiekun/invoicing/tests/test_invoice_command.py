"""`opiekun invoice ORG PERIOD --format fa3|csv|xlsx -o FILE` and `opiekun invoice_export`
(issue 21): the exit status says why no invoice was written; the accounting rows add up
to each invoice's totals."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from opiekun.catalog.models import Vendor
from opiekun.contracts.models import Contract
from opiekun.customers.models import Organisation
from opiekun.invoicing import schema
from opiekun.invoicing.models import Invoice
from opiekun.invoicing.tests.conftest import OCTOBER, Approve, october_of
from opiekun.reports import statements
from opiekun.testing.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def exit_status(*args: str) -> tuple[int, str]:
    with pytest.raises(CommandError) as caught:
        call_command("invoice", *args)
    return caught.value.returncode, str(caught.value)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_it_writes_the_fa3_of_the_approved_statement(
    personas: Personas, buyer: Organisation, approve: Approve, tmp_path: Path
) -> None:
    contract = october_of("SHIP-START", personas, number="S/C")
    statement = approve(statements.issue(contract, OCTOBER))
    out = tmp_path / "fv.xml"
    call_command("invoice", buyer.short_name, "2026-10", "--format", "fa3", "-o", str(out))
    assert schema.errors(out.read_bytes()) == []
    invoice = Invoice.objects.get(statement=statement)
    assert out.read_text(encoding="utf-8") == invoice.xml
    # Again: the same invoice, not a second one.
    call_command("invoice", buyer.short_name, "2026-10", "-o", str(tmp_path / "again.xml"))
    assert Invoice.objects.count() == 1


def test_the_exit_status_says_why_there_is_no_invoice(
    personas: Personas, buyer: Organisation, approve: Approve, tmp_path: Path
) -> None:
    out = str(tmp_path / "x.xml")
    assert exit_status("nobody", "2026-10", "-o", out)[0] == 2
    code, message = exit_status(buyer.short_name, "2026-13", "-o", out)
    assert code == 2 and "period" in message
    code, message = exit_status(buyer.short_name, "2026-10", "-o", out)
    assert code == 3 and "no statement for 2026-10" in message
    contract = october_of("SHIP-START", personas, number="S/D")
    statement = statements.issue(contract, OCTOBER)
    code, message = exit_status(buyer.short_name, "2026-10", "-o", out)
    assert code == 4 and f"{statement.number} for 2026-10 is not approved" in message
    approve(statement)
    Organisation.objects.filter(pk=buyer.pk).update(tax_id="")
    # The statement copied the buyer's NIP when it was issued: the seller's is missing now.
    Vendor.objects.filter(pk=contract.plan.vendor_id).update(tax_id="")
    code, message = exit_status(buyer.short_name, "2026-10", "-o", out)
    assert code == 5 and "seller:" in message and "tax id" in message
    assert not Path(out).exists()


def test_a_later_unapproved_correction_stops_the_invoice(
    personas: Personas, buyer: Organisation, approve: Approve, tmp_path: Path
) -> None:
    contract = october_of("SHIP-START", personas, number="S/E")
    first = approve(statements.issue(contract, OCTOBER))
    correction = statements.correct(first)
    code, message = exit_status(buyer.short_name, "2026-10", "-o", str(tmp_path / "x"))
    assert code == 4 and correction.number in message


def test_the_accounting_rows_add_up_to_each_invoice(
    personas: Personas, buyer: Organisation, approve: Approve, tmp_path: Path
) -> None:
    contract = october_of("SHIP-START", personas, number="S/F")
    first_statement = approve(statements.issue(contract, OCTOBER))
    call_command("invoice", buyer.short_name, "2026-10", "-o", str(tmp_path / "a.xml"))
    Contract.objects.filter(pk=contract.pk).update(hourly_rate_net=Decimal("333.33"))
    approve(statements.correct(first_statement))
    call_command("invoice", buyer.short_name, "2026-10", "-o", str(tmp_path / "b.xml"))
    out = tmp_path / "month.csv"
    call_command("invoice_export", "2026-10", "--format", "csv", "-o", str(out))
    rows = read_csv(out)
    assert list(rows[0])[:8] == [
        "seller NIP",
        "buyer NIP",
        "buyer",
        "document",
        "kind",
        "corrects",
        "issue date",
        "KSeF number",
    ]
    for invoice in Invoice.objects.all():
        mine = [r for r in rows if r["document"] == invoice.number]
        assert mine and all(r["buyer NIP"] == "5261040828" for r in mine)
        assert sum(Decimal(r["net"]) for r in mine) == invoice.net
        assert sum(Decimal(r["VAT"]) for r in mine) == invoice.vat
        assert sum(Decimal(r["gross"]) for r in mine) == invoice.gross
        assert {r["VAT rate"] for r in mine} == {"23.00"}
    kor = Invoice.objects.get(kind="KOR")
    kor_rows = [r for r in rows if r["document"] == kor.number]
    assert kor.corrects is not None
    assert kor_rows[0]["corrects"] == kor.corrects.number
    assert Decimal(kor_rows[0]["net"]) < 0  # the lines before the correction, turned
    xlsx = tmp_path / "month.xlsx"
    call_command("invoice_export", "2026-10", "--format", "xlsx", "-o", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == len(rows)
    assert sum(Decimal(str(v[12])) for v in values) == sum(i.vat for i in Invoice.objects.all())


def test_gap_4_a_contract_number_nobody_has_is_a_wrong_argument_in_the_readers_language(
    personas: Personas, buyer: Organisation, tmp_path: Path
) -> None:
    from django.utils import translation

    out = str(tmp_path / "x.xml")
    october_of("SHIP-START", personas, number="S/G")
    code, message = exit_status(buyer.short_name, "2026-10", "--contract", "9" * 23, "-o", out)
    assert code == 2 and message.startswith("--contract:")
    with translation.override("pl"):
        code, message = exit_status(buyer.short_name, "2026-09", "-o", out)
    assert code == 3 and message == f"period: {buyer.short_name} nie ma zestawienia za 2026-09"
