"""Disputes in the API (issue 21, item 3): a contact questions a statement line, staff
answer and accept it with the minutes the work took; the statement is issued again. The
walk in test_access_walk proves the 404s."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from opiekun.contracts.models import Statement
from opiekun.reports import statements
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_contact_questions_a_line_and_an_agent_accepts_it_with_the_real_minutes(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    assert p.contract_b is not None
    ticket = actions.open_ticket(
        p.org_b,
        channel="phone",
        subject="Etykiety",
        received_at=dt.datetime(2026, 10, 5, 9, tzinfo=W),
    )
    actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=30,
        started_at=dt.datetime(2026, 10, 5, 10, tzinfo=W),
    )
    statement = statements.issue(p.contract_b, dt.date(2026, 10, 1))
    line = statement.lines.get(kind="work")
    customer = Client()
    customer.force_login(p.user("customer_b"))
    refused = post(customer, "/api/v1/disputes", {"line_id": line.pk, "reason": "   "})
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    made = post(customer, "/api/v1/disputes", {"line_id": line.pk, "reason": "Było 15 minut"})
    assert made.status_code == 201
    dispute = made.json()
    assert (dispute["status"], dispute["month"], dispute["statement_id"]) == (
        "open",
        "2026-10",
        statement.pk,
    )
    assert customer.get("/api/v1/disputes").json()["count"] == 1
    agent = Client()
    verified_login(agent, p.agent.user)
    # A customer cannot decide their own dispute.
    assert (
        post(customer, f"/api/v1/disputes/{dispute['id']}/accept", {"reason": "x"}).status_code
        == 404
    )
    answered = post(agent, f"/api/v1/disputes/{dispute['id']}/answer", {"answer": "Sprawdzamy"})
    assert answered.json()["answer"] == "Sprawdzamy"
    accepted = post(
        agent,
        f"/api/v1/disputes/{dispute['id']}/accept",
        {"reason": "Nagranie: 15 minut", "raw_minutes": 15},
    ).json()
    assert accepted["status"] == "accepted" and accepted["correction_id"] is not None
    reissued = Statement.objects.get(pk=accepted["reissued_statement_id"])
    assert reissued.corrects_id == statement.pk
    assert [s["kind"] for s in accepted["history"]] == [
        "dispute.raised",
        "dispute.answered",
        "dispute.accepted",
    ]
    again = post(agent, f"/api/v1/disputes/{dispute['id']}/reject", {"reason": "x"})
    assert again.status_code == 400 and again.json()["field"] == "status"
    seen = customer.get(f"/api/v1/disputes/{dispute['id']}").json()
    assert seen["decision_reason"] == "Nagranie: 15 minut"


def test_a_contact_finds_the_line_to_question_through_the_api(
    contracted_personas: Personas,
) -> None:
    """Helper FRESH's pass: POST /disputes takes a line_id, but no route gave a contact
    (or staff) a line's id: statements were staff-only and their lines had no id."""
    p = contracted_personas
    assert p.contract_b is not None
    ticket = actions.open_ticket(
        p.org_b,
        channel="phone",
        subject="Kurier",
        received_at=dt.datetime(2026, 10, 6, 9, tzinfo=W),
    )
    actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=20,
        started_at=dt.datetime(2026, 10, 6, 10, tzinfo=W),
    )
    statement = statements.issue(p.contract_b, dt.date(2026, 10, 1))
    customer = Client()
    customer.force_login(p.user("customer_b"))
    read = customer.get(f"/api/v1/statements/{statement.pk}").json()
    work = next(line for line in read["lines"] if line["kind"] == "work")
    assert work["id"] == statement.lines.get(kind="work").pk
    made = post(customer, "/api/v1/disputes", {"line_id": work["id"], "reason": "20 minut?"})
    assert made.status_code == 201 and made.json()["line_id"] == work["id"]
    # Another customer's contact, and a login with no contact, still get 404.
    for who in ("customer_a", "outsider"):
        other = Client()
        other.force_login(p.user(who))
        refused = other.get(f"/api/v1/statements/{statement.pk}")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found"
