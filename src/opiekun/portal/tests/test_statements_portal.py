"""Statements in the portal (R-REG-2): read, download, approve; approval closes the
month; another customer and an outsider get 404."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from opiekun.contracts.models import Statement, StatementApproval
from opiekun.core.models import AuditEvent
from opiekun.reports import statements
from opiekun.tariff import BillingError
from opiekun.testing.documents import NEEDS_PDFTOTEXT, pdftotext
from opiekun.testing.history import OCTOBER, october_statement
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def october(contracted_personas: Personas) -> Statement:
    # B on SHIP START: per started 15 min by phone (R-HRS-2)
    return october_statement(contracted_personas, subject="Etykiety", note="=cmd|' /C calc'!A0")


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def test_r_reg_2_the_customer_reads_and_downloads_its_statement(
    contracted_personas: Personas, october: Statement
) -> None:
    b = client_of(contracted_personas, "customer_b")
    assert october.number in b.get("/portal/statements/").content.decode()
    page = b.get(f"/portal/statements/{october.pk}/").content.decode()
    assert "=cmd|" in page  # each piece of work is a line
    assert f"{october.gross:.2f}".replace(".", ",") + " PLN" in page  # Polish number format
    rows = list(
        csv.reader(
            io.StringIO(
                b.get(f"/portal/statements/{october.pk}/download.csv").content.decode("utf-8-sig")
            )
        )
    )
    work = [r for r in rows if r[1] == "work"]
    assert work and work[0][5:7] == ["17", "30"]  # raw 17, billable 30 (R-HRS-2 + 5 min)
    assert work[0][8].startswith("'=")  # the formula is neutralised
    xlsx = b.get(f"/portal/statements/{october.pk}/download.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.cell(row=1, column=1).value == "#"
    assert b.get(f"/portal/statements/{october.pk}/download.ods").status_code == 404


@NEEDS_PDFTOTEXT
def test_the_statement_as_pdf(contracted_personas: Personas, october: Statement) -> None:
    b = client_of(contracted_personas, "customer_b")
    response = b.get(f"/portal/statements/{october.pk}/download.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdftotext(response.content).split())
    assert october.number in text and "Firma B" in text and "=cmd|" in text
    assert f"{october.gross:.2f}".replace(".", ",") in text


def test_another_customer_or_an_outsider_gets_404(
    contracted_personas: Personas, october: Statement
) -> None:
    for who in ("customer_a", "outsider", "agent"):
        client = client_of(contracted_personas, who)
        for url in ("", "download.csv", "download.xlsx"):
            assert client.get(f"/portal/statements/{october.pk}/{url}").status_code == 404, who
        assert client.post(f"/portal/statements/{october.pk}/approve").status_code == 404
        assert october.number not in client.get("/portal/statements/").content.decode()
    assert not StatementApproval.objects.exists()


def test_r_reg_2_approval_closes_the_month_and_a_correction_is_a_new_document(
    contracted_personas: Personas, october: Statement
) -> None:
    p = contracted_personas
    b = client_of(p, "customer_b")
    response = b.post(f"/portal/statements/{october.pk}/approve")
    assert response.status_code == 302
    approval = StatementApproval.objects.get()
    assert (approval.statement, approval.approved_by) == (october, p.customer_b)
    assert AuditEvent.objects.filter(kind="statement.approved").count() == 1
    ticket = p.org_b.tickets.get()
    with pytest.raises(BillingError, match="2026-10; that month is closed"):
        actions.log_work(
            ticket,
            staff=p.agent,
            kind="phone",
            raw_minutes=5,
            started_at=dt.datetime(2026, 10, 20, 11, tzinfo=W),
        )
    assert ticket.work_logs.count() == 1
    with pytest.raises(statements.StatementError, match="already approved"):
        statements.approve(october, contact=p.customer_b)
    assert p.contract_b is not None
    correction = statements.issue(p.contract_b, OCTOBER, corrects=october)
    page = b.get(f"/portal/statements/{correction.pk}/").content.decode()
    assert "Approve" in page or "Zatwierdź" in page
    statements.issue(p.contract_b, OCTOBER, corrects=correction)
    with pytest.raises(statements.StatementError, match="was corrected by"):
        statements.approve(correction, contact=p.customer_b)
    assert StatementApproval.objects.count() == 1
