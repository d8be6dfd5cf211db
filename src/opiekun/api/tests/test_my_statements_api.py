"""Gap 3: a contact lists their organisation's statements, approves one, and approves a
month's register through the API, through the portal's actions; anyone else gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from opiekun.contracts.models import StatementApproval
from opiekun.reports import statements
from opiekun.reports.models import RegisterApproval
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


def _client(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def test_gap_3_a_contact_lists_and_approves_their_statement(contracted_personas: Personas) -> None:
    p = contracted_personas
    statement = statements.issue(p.contract_a, dt.date(2026, 10, 1))  # type: ignore[arg-type]
    a = _client(p, "customer_a")
    listed = a.get("/api/v1/my/statements")
    assert listed.status_code == 200
    assert [s["number"] for s in listed.json()["items"]] == [statement.number]
    assert a.get("/api/v1/my/statements?month=2026-09").json()["items"] == []
    approved = a.post(f"/api/v1/my/statements/{statement.pk}/approve")
    assert approved.status_code == 200, approved.content
    approval = StatementApproval.objects.get(statement=statement)
    assert approval.approved_by == p.customer_a
    # Approving twice is refused by the action, naming why.
    again = a.post(f"/api/v1/my/statements/{statement.pk}/approve")
    assert again.status_code == 400 and again.json()["code"] == "rejected"


def test_gap_3_another_customer_staff_and_an_outsider_get_404(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    statement = statements.issue(p.contract_a, dt.date(2026, 10, 1))  # type: ignore[arg-type]
    for who in ("customer_b", "outsider", "agent"):
        client = _client(p, who)
        gone = client.post(f"/api/v1/my/statements/{statement.pk}/approve")
        assert gone.status_code == 404 and gone.json()["code"] == "not_found", who
        if who != "customer_b":
            assert client.get("/api/v1/my/statements").status_code == 404, who
            made = client.post(
                "/api/v1/my/register/approve", {"month": "2026-10"}, content_type="application/json"
            )
            assert made.status_code == 404, who
    assert _client(p, "customer_b").get("/api/v1/my/statements").json()["items"] == []
    assert not StatementApproval.objects.exists()
    assert not RegisterApproval.objects.exists()


def test_gap_3_a_contact_approves_the_register_of_a_month_that_is_over(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    a = _client(p, "customer_a")
    made = a.post(
        "/api/v1/my/register/approve", {"month": "2026-10"}, content_type="application/json"
    )
    assert made.status_code == 200, made.content
    approval = RegisterApproval.objects.get()
    assert approval.organisation == p.org_a and approval.period_start == dt.date(2026, 10, 1)
    bad = a.post(
        "/api/v1/my/register/approve", {"month": "2026-13"}, content_type="application/json"
    )
    assert bad.status_code in (400, 422) and bad.json()["field"] == "month"
    future = a.post(
        "/api/v1/my/register/approve", {"month": "2099-01"}, content_type="application/json"
    )
    assert future.status_code == 400 and future.json()["field"] == "period"
