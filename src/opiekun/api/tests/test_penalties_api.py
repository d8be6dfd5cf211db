"""Penalty terms and force majeure in the API (issue 21, item 2): managers set them,
whoever sees the contract reads its terms; the walk in test_access_walk proves the 404s."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from opiekun.contracts.models import PenaltyTerms
from opiekun.core.models import AuditEvent
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import ForceMajeure

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(contracted_personas: Personas) -> Client:
    member = contracted_personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


def test_a_manager_sets_a_plans_default_and_a_contracts_own_terms(
    contracted_personas: Personas, manager: Client
) -> None:
    p = contracted_personas
    assert p.contract_b is not None
    url = f"/api/v1/contracts/{p.contract_b.pk}/penalty-terms"
    assert manager.get(url).json() == {
        "source": "none",
        "basis": None,
        "amount": None,
        "monthly_cap": None,
    }
    plan = send(
        manager,
        "put",
        "/api/v1/plans/SHIP-START/penalty-terms",
        {"basis": "per_started_hour", "amount": "50.00", "monthly_cap": "500.00"},
    )
    assert plan.status_code == 200 and plan.json()["source"] == "plan"
    assert manager.get(url).json()["amount"] == "50.00"
    own = send(manager, "put", url, {"basis": "per_breach", "amount": "120.00"})
    assert own.json() == {
        "source": "contract",
        "basis": "per_breach",
        "amount": "120.00",
        "monthly_cap": None,
    }
    assert PenaltyTerms.objects.get(contract=p.contract_b).amount == 120
    # The customer reads the terms of its own contract.
    customer = Client()
    customer.force_login(p.user("customer_b"))
    assert customer.get(url).json()["source"] == "contract"
    assert send(customer, "put", url, {"basis": "per_breach", "amount": "0"}).status_code == 404
    cleared = send(manager, "delete", url)
    assert cleared.json()["source"] == "plan"
    assert AuditEvent.objects.filter(kind="contract.penalty_terms_cleared").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"basis": "per_day", "amount": "1"}, "basis"),
        ({"basis": "per_breach", "amount": "-1"}, "amount"),
        ({"basis": "per_breach", "amount": "1", "monthly_cap": "1e12"}, "monthly_cap"),
    ],
)
def test_bad_terms_are_refused_naming_the_field(
    contracted_personas: Personas, manager: Client, body: dict[str, str], field: str
) -> None:
    url = f"/api/v1/contracts/{contracted_personas.contract_b.pk}/penalty-terms"  # type: ignore[union-attr]
    answer = send(manager, "put", url, body)
    assert answer.status_code == 422 and answer.json()["field"] == field
    assert not PenaltyTerms.objects.exists()


def test_a_manager_notes_and_withdraws_force_majeure_an_agent_may_not(
    contracted_personas: Personas, manager: Client
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_b, channel="email", subject="Awaria", contact=p.customer_b)
    url = f"/api/v1/tickets/{ticket.pk}/force-majeure"
    agent = Client()
    agent.force_login(p.user("agent"))
    refused = send(agent, "post", url, {"reason": "Burza"})
    assert refused.status_code == 404 and not ForceMajeure.objects.exists()
    noted = send(manager, "post", url, {"reason": "Burza nad serwerownią"})
    assert noted.status_code == 200 and noted.json()["reason"] == "Burza nad serwerownią"
    assert ForceMajeure.objects.get().ticket_id == ticket.pk
    empty = send(manager, "post", url, {"reason": ""})
    assert empty.status_code == 422 and empty.json()["field"] == "reason"
    assert send(manager, "delete", url).status_code == 204
    assert not ForceMajeure.objects.exists()
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"ticket.force_majeure_noted", "ticket.force_majeure_withdrawn"} <= kinds
