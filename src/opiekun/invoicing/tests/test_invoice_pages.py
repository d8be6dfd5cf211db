"""The statement pages (console and portal, read in Polish, the default language) show
the invoice; once KSeF accepted it, the KSeF number under the verification QR code
(issue 21). A support manager issues it from the console; the XML downloads only for
the organisation and staff: everyone else gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from opiekun.contracts.models import Statement
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions, qr
from opiekun.invoicing.models import Invoice
from opiekun.invoicing.tests.conftest import OCTOBER, Approve, october_of, receipt
from opiekun.reports import statements
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db
NUMBER = "5260250274-20261201-0A1B2C-3D4E5F-01"


@pytest.fixture
def statement(personas: Personas, buyer: Organisation, approve: Approve) -> Statement:
    contract = october_of("SHIP-START", personas, number="S/P")
    return approve(statements.issue(contract, OCTOBER))


def staff_client(personas: Personas, who: str, manager: bool = False) -> Client:
    member = getattr(personas, who)
    if manager:
        StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def customer_client(personas: Personas, who: str) -> Client:
    client = Client()
    client.force_login(personas.user(who))
    return client


def accept(invoice: Invoice) -> None:
    actions.claim(invoice.ksef.pk, stale_after=dt.timedelta(minutes=30))
    actions.record_outcome(
        invoice.ksef.pk, session_reference="S", ksef_number=NUMBER, upo=receipt(invoice, NUMBER)
    )


def test_a_manager_issues_the_invoice_from_the_console_and_both_sides_see_the_ksef_number(
    personas: Personas, statement: Statement
) -> None:
    manager = staff_client(personas, "account_manager", manager=True)
    page = manager.get(f"/console/statements/{statement.pk}/").content.decode()
    assert "Wystaw fakturę" in page
    response = manager.post(f"/console/statements/{statement.pk}/invoice")
    assert response.status_code == 302
    invoice = Invoice.objects.get(statement=statement)
    page = manager.get(f"/console/statements/{statement.pk}/").content.decode()
    assert invoice.number in page and "Czeka na wysłanie do KSeF." in page
    assert NUMBER not in page and "<svg" not in page
    accept(invoice)
    customer = customer_client(personas, "customer_a")
    for client, url in (
        (manager, f"/console/statements/{statement.pk}/"),
        (customer, f"/portal/statements/{statement.pk}/"),
    ):
        page = client.get(url).content.decode()
        assert f'<strong id="ksef-number">{NUMBER}</strong>' in page, url
        assert "<svg" in page and qr.verification_url(invoice) in page, url
    xml = customer.get(f"/portal/statements/{statement.pk}/invoice.xml")
    assert xml.status_code == 200 and xml.content == invoice.xml.encode()
    assert manager.get(f"/console/statements/{statement.pk}/invoice.xml").status_code == 200


def test_an_agent_cannot_issue_and_outsiders_get_404(
    personas: Personas, statement: Statement
) -> None:
    agent = staff_client(personas, "agent")
    assert agent.post(f"/console/statements/{statement.pk}/invoice").status_code == 404
    assert not Invoice.objects.exists()
    actions.issue(statement)
    for who in ("customer_b", "outsider"):
        client = customer_client(personas, who)
        assert client.get(f"/portal/statements/{statement.pk}/invoice.xml").status_code == 404
        assert client.get(f"/console/statements/{statement.pk}/invoice.xml").status_code == 404
        assert client.post(f"/console/statements/{statement.pk}/invoice").status_code == 404


def test_an_unapproved_statement_is_refused_in_the_readers_language(
    personas: Personas, buyer: Organisation
) -> None:
    contract = october_of("SHIP-START", personas, number="S/Q")
    statement = statements.issue(contract, OCTOBER)
    manager = staff_client(personas, "account_manager", manager=True)
    page = manager.get(f"/console/statements/{statement.pk}/").content.decode()
    assert "Wystaw fakturę" not in page
    response = manager.post(
        f"/console/statements/{statement.pk}/invoice", follow=True, HTTP_ACCEPT_LANGUAGE="pl"
    )
    assert not Invoice.objects.exists()
    assert "nie jest zatwierdzone" in response.content.decode()
