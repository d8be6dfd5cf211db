"""The portal through the API (R-CH-4), caller ID for unknown numbers (R-PPL-3), CSRF on
session writes, and the queue read through its index (R-Q-1, R-Q-2)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from opiekun.testing.personas import Personas
from opiekun.tickets import actions, queries
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_r_ch_4_register_follow_and_read_the_answer_on_the_portal(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    customer = Client()
    customer.force_login(p.user("customer_a"))
    created = customer.post(
        "/api/v1/tickets",
        data=json.dumps({"subject": "Jak zamknąć rok?"}),
        content_type="application/json",
    ).json()
    assert created["status"] == "new"
    actions.answer(Ticket.objects.get(pk=created["id"]), staff=p.agent, body="Menu Rok > Zamknij.")
    followed = customer.get(f"/api/v1/tickets/{created['id']}").json()
    assert followed["status"] == "in_progress"
    thread = customer.get(f"/api/v1/tickets/{created['id']}/messages").json()
    assert [(m["direction"], m["channel"], m["body"]) for m in thread] == [
        ("out", "portal", "Menu Rok > Zamknij.")
    ]  # answered on the portal (R-CH-2)
    mine = customer.get("/api/v1/tickets").json()
    assert [t["id"] for t in mine["items"]] == [created["id"]]


def test_r_ppl_3_an_unknown_number_is_said_to_be_unknown(contracted_personas: Personas) -> None:
    agent = Client()
    agent.force_login(contracted_personas.agent.user)
    unknown = agent.get("/api/v1/callers/+48 22 555 01 99").json()
    assert unknown == {
        "number": "+48225550199",
        "known": False,
        "contacts": [],
        "organisation": None,
        "plan": None,
        "account_manager": None,
        "account_manager_mobile": None,
        "open_tickets": [],
    }
    known = agent.get("/api/v1/callers/601000001").json()  # typed without the country code
    assert known["known"] is True and known["contacts"][0]["full_name"] == "Adam Klient"


def test_a_session_write_needs_the_csrf_token(contracted_personas: Personas) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(contracted_personas.user("customer_a"))
    refused = browser.post(
        "/api/v1/tickets", data=json.dumps({"subject": "x"}), content_type="application/json"
    )
    assert refused.status_code == 403
    assert not Ticket.objects.exists()
    assert browser.get("/api/v1/tickets").status_code == 200  # reads need no token


def test_the_queue_is_read_through_its_index(contracted_personas: Personas) -> None:
    actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    page = queries.queue(contracted_personas.agent)[:50]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With a handful of rows the planner would rather scan; forbid that to see
            # that the ticket_queue index serves the queue's filter and order.
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = page.explain()
    assert "ticket_queue" in plan, plan
