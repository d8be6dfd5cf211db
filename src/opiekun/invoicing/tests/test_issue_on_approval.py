"""Issue 21, item 1 (a gap of ADR 0030): invoices issued on approval when the vendor
chooses so (data per vendor, default off), by the same action, once; set by a support
manager in the console and by the API; anyone else gets 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opiekun.catalog.models import Vendor
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Organisation
from opiekun.invoicing import settings_actions, tasks
from opiekun.invoicing.models import Invoice, VendorInvoicing
from opiekun.invoicing.tests.conftest import OCTOBER, Approve, october_of
from opiekun.reports import statements as statement_actions
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_of(personas: Personas, who: str) -> Client:
    """'manager' is the account manager made a support manager; staff sign in verified."""
    client = Client()
    if who == "manager":
        member = personas.account_manager
        StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
        verified_login(client, member.user)
    elif who == "agent":
        verified_login(client, personas.agent.user)
    else:
        client.force_login(personas.user(who))
    return client


OTHERS = ("agent", "customer_a", "outsider")


@pytest.fixture
def run_tasks_now(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The task runs in this process when the approval commits; the ids it was given."""
    given: list[int] = []

    def now(statement_id: int) -> None:
        given.append(statement_id)
        tasks.issue_approved(statement_id)

    monkeypatch.setattr(tasks.issue_approved, "delay", now)
    return given


def test_issue_21_item_1_by_default_approval_issues_no_invoice(
    personas: Personas,
    buyer: Organisation,
    approve: Approve,
    run_tasks_now: list[int],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    contract = october_of("SHIP-START", personas, number="A/1")
    statement = statement_actions.issue(contract, OCTOBER)
    with django_capture_on_commit_callbacks(execute=True):
        approve(statement)
    assert run_tasks_now == [] and not Invoice.objects.exists()
    assert not settings_actions.of(contract.plan.vendor).issue_on_approval


def test_issue_21_item_1_a_vendor_that_chose_it_gets_one_invoice_on_approval(
    personas: Personas,
    buyer: Organisation,
    approve: Approve,
    run_tasks_now: list[int],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    contract = october_of("SHIP-START", personas, number="A/2")
    settings_actions.set_issue_on_approval(contract.plan.vendor, True)
    statement = statement_actions.issue(contract, OCTOBER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approve(statement)
    assert len(callbacks) == 1 and run_tasks_now == [statement.pk]
    invoice = Invoice.objects.get()
    assert invoice.statement == statement
    # The task delivered twice (or a manager quicker than it) makes no second invoice.
    assert tasks.issue_approved(statement.pk) == invoice.number
    assert Invoice.objects.count() == 1
    assert AuditEvent.objects.filter(kind="invoice.issued").count() == 1


def test_issue_21_item_1_an_invoice_that_cannot_be_issued_keeps_the_approval_and_says_why(
    personas: Personas,
    buyer: Organisation,
    approve: Approve,
    run_tasks_now: list[int],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    contract = october_of("SHIP-START", personas, number="A/3")
    vendor = contract.plan.vendor
    settings_actions.set_issue_on_approval(vendor, True)
    type(vendor).objects.filter(pk=vendor.pk).update(tax_id="")
    statement = statement_actions.issue(contract, OCTOBER)
    with django_capture_on_commit_callbacks(execute=True):
        approve(statement)
    statement.refresh_from_db()
    assert hasattr(statement, "approval") and not Invoice.objects.exists()
    failed = AuditEvent.objects.get(kind="invoice.issue_failed")
    assert "seller" in json.dumps(failed.data, ensure_ascii=False)


def test_issue_21_item_1_a_manager_sets_it_in_the_console_others_get_404(
    personas: Personas, sellers: None
) -> None:
    vendor = Vendor.objects.get(code="ship")
    page = f"/console/vendors/{vendor.pk}/invoicing"
    post = f"{page}/on-approval"
    for who in OTHERS:
        client = client_of(personas, who)
        assert client.get(page).status_code == 404, who
        assert client.post(post, {"issue_on_approval": "1"}).status_code == 404, who
    assert not VendorInvoicing.objects.exists()
    client = client_of(personas, "manager")
    shown = client.get(page)
    assert shown.status_code == 200 and 'name="issue_on_approval"' in shown.content.decode()
    assert client.post(post, {"issue_on_approval": "1"}).status_code == 302
    assert settings_actions.of(vendor).issue_on_approval
    client.post(post, {})
    assert not settings_actions.of(vendor).issue_on_approval
    assert AuditEvent.objects.filter(kind="vendor.invoice_on_approval_set").count() == 2


def test_issue_21_item_1_a_manager_sets_it_by_the_api_others_get_404(
    personas: Personas, sellers: None
) -> None:
    url = "/api/v1/vendors/ship/invoicing"
    body = json.dumps({"issue_on_approval": True})
    for who in OTHERS:
        client = client_of(personas, who)
        assert client.get(url).status_code == 404, who
        assert client.put(url, body, content_type="application/json").status_code == 404, who
    client = client_of(personas, "manager")
    assert client.get(url).json()["issue_on_approval"] is False
    answer = client.put(url, body, content_type="application/json")
    assert answer.json()["code"] == "ship" and answer.json()["issue_on_approval"] is True
    assert client.put(url, "{}", content_type="application/json").status_code == 422


def test_issue_21_item_1_a_manager_issues_by_the_api_once_and_a_refusal_names_the_field(
    personas: Personas, buyer: Organisation, approve: Approve
) -> None:
    contract = october_of("SHIP-START", personas, number="A/4")
    statement = statement_actions.issue(contract, OCTOBER)
    url = f"/api/v1/statements/{statement.pk}/invoice"
    client = client_of(personas, "manager")
    refused = client.post(url)
    assert refused.status_code == 400
    # Said in Polish by default, naming the statement.
    assert "nie jest zatwierdzone" in refused.json()["detail"]
    assert statement.number in refused.json()["detail"]
    approve(statement)
    first = client.post(url).json()
    assert client.post(url).json() == first
    assert Invoice.objects.count() == 1 and first["number"].startswith("FV/SHIP/")
    for who in OTHERS:
        other = client_of(personas, who)
        assert other.post(url).status_code == 404, who
