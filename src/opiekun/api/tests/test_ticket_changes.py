"""PATCH /api/v1/tickets/{id}, work corrections and plan assignment rules over the API
(issue 15): each field through its action, one transaction, errors naming the field,
404 for anyone but staff (managers for the rules)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from opiekun.catalog.models import Plan, Vendor
from opiekun.core.models import AuditEvent
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(
        f"/api/v1{url}", data=json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def ticket(contracted_personas: Personas) -> Ticket:
    p = contracted_personas
    return actions.open_ticket(p.org_a, channel="email", subject="Awaria", contact=p.customer_a)


def signed_in(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def test_patch_assigns_raises_severity_and_moves_status_through_the_actions(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    from opiekun.catalog import assignment
    from opiekun.catalog.models import Vendor

    # KJM puts critical outages first here, so raising the severity pins the ticket.
    assignment.set_vendor_pinning(Vendor.objects.get(code="kjm"), True)
    due_before = ticket.reaction_due_at
    response = send(
        signed_in(p, "agent"),
        "patch",
        f"/tickets/{ticket.pk}",
        {"assignee_id": p.agent.pk, "severity": "critical", "status": "in_progress"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assignee_id"] == p.agent.pk and body["status"] == "in_progress"
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.severity, ticket.pinned) == (p.agent, "critical", True)
    assert ticket.reaction_due_at != due_before  # R-SLA-4: the critical clock
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"ticket.assigned", "ticket.severity_changed", "ticket.deadlines_recomputed"} <= kinds
    assert "ticket.started" in kinds or ticket.reacted_at is not None

    unassigned = send(
        signed_in(p, "agent"), "patch", f"/tickets/{ticket.pk}", {"assignee_id": None}
    )
    assert unassigned.status_code == 200 and unassigned.json()["assignee_id"] is None
    ticket.refresh_from_db()
    assert ticket.assignee is None and ticket.severity == "critical"  # untouched


def test_patch_closes_and_reopens_by_the_status_rules(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    client = signed_in(contracted_personas, "agent")
    assert send(client, "patch", f"/tickets/{ticket.pk}", {"status": "closed"}).status_code == 200
    refused = send(client, "patch", f"/tickets/{ticket.pk}", {"status": "waiting_customer"})
    assert refused.status_code == 400 and refused.json()["field"] == "status"
    again = send(client, "patch", f"/tickets/{ticket.pk}", {"status": "reopened"})
    assert again.json()["status"] == "reopened"


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"severity": "apocalyptic"}, "severity", 422),
        ({"status": "lost"}, "status", 422),
        ({"status": "awaiting_package"}, "status", 400),
        ({"status": None}, "status", 400),
        ({"assignee_id": 0}, "assignee_id", 422),
        ({"assignee_id": 2**70}, "assignee_id", 422),
        ({"assignee_id": "Alicja"}, "assignee_id", 422),
        ({"assignee_id": 999999}, "assignee_id", 400),
    ],
)
def test_patch_with_a_bad_value_names_the_field_and_changes_nothing(
    contracted_personas: Personas, ticket: Ticket, body: dict[str, Any], field: str, status: int
) -> None:
    p = contracted_personas
    # The severity comes first and would succeed: the refusal of the rest undoes it.
    response = send(
        signed_in(p, "agent"), "patch", f"/tickets/{ticket.pk}", {"severity": "critical", **body}
    )
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    ticket.refresh_from_db()
    assert ticket.severity == "normal" and ticket.assignee == p.account_manager
    assert not AuditEvent.objects.filter(kind="ticket.severity_changed").exists()


def test_patch_refuses_an_inactive_assignee_by_name(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    StaffMember.objects.filter(pk=p.agent.pk).update(is_active=False)
    response = send(
        signed_in(p, "account_manager"),
        "patch",
        f"/tickets/{ticket.pk}",
        {"assignee_id": p.agent.pk},
    )
    assert response.status_code == 400 and response.json()["field"] == "assignee_id"


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_patch_is_staff_only_everyone_else_gets_404(
    contracted_personas: Personas, ticket: Ticket, who: str
) -> None:
    response = send(
        signed_in(contracted_personas, who), "patch", f"/tickets/{ticket.pk}", {"status": "closed"}
    )
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_a_correction_over_the_api_is_a_new_entry(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    work = actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=20)
    url = f"/tickets/{ticket.pk}/work-logs/{work.pk}/corrections"
    client = signed_in(p, "agent")
    missing = send(client, "post", url, {"raw_minutes": 10, "reason": " "})
    assert missing.status_code == 400 and missing.json()["field"] == "reason"
    negative = send(client, "post", url, {"raw_minutes": -1, "reason": "x"})
    assert negative.status_code == 422 and negative.json()["field"] == "raw_minutes"
    done = send(client, "post", url, {"raw_minutes": 10, "reason": "Krócej"})
    assert done.status_code == 201, done.content
    assert done.json()["corrects_id"] == work.pk and done.json()["raw_minutes"] == -10
    listed = client.get(f"/api/v1/tickets/{ticket.pk}/work-logs").json()
    assert [w["raw_minutes"] for w in listed] == [20, -10]
    other = actions.open_ticket(p.org_a, channel="email", subject="Inny")
    wrong = send(
        client,
        "post",
        f"/tickets/{other.pk}/work-logs/{work.pk}/corrections",
        {"raw_minutes": 5, "reason": "x"},
    )
    assert wrong.status_code == 404
    customer = send(signed_in(p, "customer_a"), "post", url, {"raw_minutes": 1, "reason": "x"})
    assert customer.status_code == 404
    assert ticket.work_logs.count() == 2


def test_managers_set_assignment_rules_agents_get_404(contracted_personas: Personas) -> None:
    p = contracted_personas
    agent = signed_in(p, "agent")
    body = {"assignment_rule": "round_robin"}
    assert send(agent, "put", "/plans/KJM-CARE/assignment", body).status_code == 404
    assert agent.get("/api/v1/plans/KJM-CARE/assignment").status_code == 404
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_manager=True)
    manager = Client()
    verified_login(manager, p.user("account_manager"))  # managers sign in with a second step
    done = send(manager, "put", "/plans/KJM-CARE/assignment", body)
    assert done.status_code == 200 and done.json()["effective_rule"] == "round_robin"
    assert Plan.objects.get(code="KJM-CARE").assignment_rule == "round_robin"
    bad = send(manager, "put", "/plans/KJM-CARE/assignment", {"assignment_rule": "dice"})
    assert bad.status_code == 422 and bad.json()["field"] == "assignment_rule"
    vendor = send(manager, "put", "/vendors/ship/assignment", {"assignment_rule": "none"})
    assert vendor.status_code == 200
    assert Vendor.objects.get(code="ship").assignment_rule == "none"
    shown = manager.get("/api/v1/plans/SHIP-START/assignment").json()
    assert shown == {"code": "SHIP-START", "assignment_rule": "", "effective_rule": "none"}
    assert AuditEvent.objects.filter(kind="plan.assignment_rule_set").count() == 1
    assert send(manager, "put", "/plans/NOPE/assignment", body).status_code == 404


def test_patch_sets_tags_with_the_rest_in_one_transaction(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    agent = signed_in(p, "agent")
    done = send(
        agent,
        "patch",
        f"/tickets/{ticket.pk}",
        {"tags": ["drukarka", "Faktury"], "status": "in_progress"},
    )
    assert done.status_code == 200, done.content
    assert sorted(t.name for t in ticket.tags.all()) == ["Faktury", "drukarka"]
    # A refused status rolls the tags back with it: one transaction.
    refused = send(agent, "patch", f"/tickets/{ticket.pk}", {"tags": ["inne"], "status": "new"})
    assert refused.status_code == 400 and refused.json()["field"] == "status"
    assert sorted(t.name for t in ticket.tags.all()) == ["Faktury", "drukarka"]
    null = send(agent, "patch", f"/tickets/{ticket.pk}", {"tags": None})
    assert null.status_code == 400 and null.json()["field"] == "tags"
    customer = send(signed_in(p, "customer_a"), "patch", f"/tickets/{ticket.pk}", {"tags": []})
    assert customer.status_code == 404
