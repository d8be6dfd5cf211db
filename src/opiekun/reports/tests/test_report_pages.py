"""The reports in the console and the register in the portal: pages with their charts and
exports, downloads recorded as issued, approval closing the month, and 404 for anyone who
may not see them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from opiekun.reports.models import IssuedDocument, RegisterApproval
from opiekun.reports.tests.conftest import W
from opiekun.tariff import BillingError
from opiekun.testing.documents import NEEDS_PDFTOTEXT, pdftotext
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def test_each_report_page_has_its_chart_and_exports(office: Personas) -> None:
    agent = client_of(office, "agent")
    for key in ("sla", "hours", "backlog", "work"):
        page = agent.get(
            f"/console/reports/{key}/", {"from": "2026-09", "to": "2026-10", "period": "2026-10"}
        )
        assert page.status_code == 200 and b'data-chart="' in page.content, key
        exported = agent.get(f"/console/reports/{key}/", {"period": "2026-10", "format": "csv"})
        assert exported["Content-Disposition"].startswith("attachment;"), key
    sla = agent.get("/console/reports/sla/", {"from": "2026-10", "to": "2026-10", "format": "csv"})
    rows = list(csv.reader(io.StringIO(sla.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["Firma A", "Firma B"]
    assert agent.get("/console/reports/nonsense/").status_code == 404


@NEEDS_PDFTOTEXT
def test_a_report_as_pdf(office: Personas) -> None:
    agent = client_of(office, "agent")
    response = agent.get("/console/reports/work/", {"period": "2026-10", "format": "pdf"})
    assert response["Content-Disposition"] == 'attachment; filename="work-2026-10.pdf"'
    text = " ".join(pdftotext(response.content).split())
    assert "Alicja Agent" in text and "2026-10" in text and "Strona 1 / 1" in text


def test_the_register_page_previews_and_downloads_recorded_copies(
    office: Personas,
) -> None:
    agent = client_of(office, "agent")
    query: dict[str, str | int] = {"organisation": office.org_a.pk, "period": "2026-10"}
    page = agent.get("/console/reports/register", query).content.decode()
    assert "Gdzie jest rejestr decyzji?" in page and "Cudze" not in page
    csv_copy = agent.post("/console/reports/register", {**query, "format": "csv"})
    assert csv_copy["Content-Disposition"] == 'attachment; filename="register-firma-a-2026-10.csv"'
    issued = IssuedDocument.objects.get()
    assert (issued.organisation, issued.issued_by) == (office.org_a, office.agent.user)
    bad = agent.get("/console/reports/register", {**query, "period": "październik"}).content
    assert "nie jest miesiącem w postaci 2026-11" in bad.decode()


def test_a_customer_reads_downloads_and_approves_its_own_register(
    office: Personas,
) -> None:
    a = client_of(office, "customer_a")
    page = a.get("/portal/register/", {"period": "2026-10"}).content.decode()
    assert "Gdzie jest rejestr decyzji?" in page and "Cudze" not in page
    xlsx = a.post("/portal/register/", {"period": "2026-10", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert IssuedDocument.objects.get().issued_by == office.customer_a.user
    b_page = client_of(office, "customer_b").get("/portal/register/", {"period": "2026-10"})
    assert "Gdzie jest rejestr decyzji?" not in b_page.content.decode()  # B sees its own
    a.post("/portal/register/approve", {"period": "2026-10"})
    approval = RegisterApproval.objects.get()
    assert (approval.organisation, approval.approved_by) == (office.org_a, office.customer_a)
    ticket = Ticket.objects.get(subject="Gdzie jest rejestr decyzji?")
    with pytest.raises(BillingError, match="approved the register of 2026-10"):
        actions.log_work(
            ticket,
            staff=office.agent,
            kind="phone",
            raw_minutes=5,
            started_at=dt.datetime(2026, 10, 30, 10, tzinfo=W),
        )
    again = a.post("/portal/register/approve", {"period": "2026-10"}, follow=True)
    assert "is approved" in again.content.decode() and RegisterApproval.objects.count() == 1
    soon = a.post("/portal/register/approve", {"period": "2099-01"}, follow=True)
    assert "is not over yet" in soon.content.decode()


def test_a_get_of_the_register_issues_nothing(office: Personas) -> None:
    """Issue 13: every GET of `?format=pdf` recorded an issued document (a crawler or a
    prefetch made records); issuing is a POST, a GET only shows the page."""
    agent = client_of(office, "agent")
    query: dict[str, str | int] = {
        "organisation": office.org_a.pk,
        "period": "2026-10",
        "format": "csv",
    }
    shown = agent.get("/console/reports/register", query)
    assert shown.status_code == 200 and "Content-Disposition" not in shown
    portal = client_of(office, "customer_a").get(
        "/portal/register/", {"period": "2026-10", "format": "csv"}
    )
    assert portal.status_code == 200 and "Content-Disposition" not in portal
    assert not IssuedDocument.objects.exists()
    issued = agent.post("/console/reports/register", query)
    assert issued["Content-Disposition"].startswith("attachment;")
    assert IssuedDocument.objects.count() == 1


def test_outsiders_get_404_for_the_register_and_the_reports(office: Personas) -> None:
    for who in ("outsider", "agent"):
        client = client_of(office, who)
        assert client.get("/portal/register/").status_code == 404, who
        assert client.post("/portal/register/approve", {"period": "2026-10"}).status_code == 404
    download: dict[str, str | int] = {
        "organisation": office.org_a.pk,
        "period": "2026-10",
        "format": "csv",
    }
    for who in ("customer_a", "customer_b", "outsider"):
        client = client_of(office, who)
        assert client.post("/console/reports/register", download).status_code == 404, who
        assert client.get("/console/reports/sla/").status_code == 404, who
    assert not IssuedDocument.objects.exists() and not RegisterApproval.objects.exists()


def test_the_register_page_shows_a_page_of_rows_and_downloads_them_all(
    office: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opiekun.console import reports as console_reports

    agent = client_of(office, "agent")
    query: dict[str, str | int] = {"organisation": office.org_a.pk, "period": "2026-10"}
    whole = agent.get("/console/reports/register", query).content.decode()
    everything = whole.count("<tr><td>")
    assert everything >= 2
    monkeypatch.setattr(console_reports, "REGISTER_PAGE", 1)
    first = agent.get("/console/reports/register", query).content.decode()
    second = agent.get("/console/reports/register", {**query, "page": 2}).content.decode()
    assert first.count("<tr><td>") == second.count("<tr><td>") == 1
    assert first.split("<tbody>")[1] != second.split("<tbody>")[1]
    assert f"Strona 1 z {everything}" in first
    assert f"organisation={office.org_a.pk}&amp;period=2026-10&amp;page=2" in first
    # The totals and the file stay whole: the page only shows fewer rows.
    assert f"Pytania: {everything}," in first
    csv_copy = agent.post("/console/reports/register", {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(csv_copy.content.decode("utf-8-sig"))))
    assert sum(1 for r in rows if r and r[0].isdigit()) == everything
