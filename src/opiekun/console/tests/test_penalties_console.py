"""Penalty terms on the contract desk and force majeure on the ticket page (issue 21,
item 2): a manager sets and notes them; an agent sees them and cannot (404); the walk of
test_console_access covers everyone else."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.contracts.models import PenaltyTerms
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


@pytest.fixture
def agent(contracted_personas: Personas) -> Client:
    client = Client()
    verified_login(client, contracted_personas.agent.user)
    return client


def test_a_manager_sets_a_contracts_penalty_terms_on_its_page(
    contracted_personas: Personas, manager: Client, agent: Client
) -> None:
    contract = contracted_personas.contract_b
    assert contract is not None
    page = f"/console/contracts/{contract.pk}/"
    assert "No penalties" in manager.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    url = f"/console/contracts/{contract.pk}/penalty"
    body = {"basis": "per_started_hour", "amount": "50,00", "monthly_cap": "1 000"}
    assert agent.post(url, body).status_code == 404
    assert not PenaltyTerms.objects.exists()
    assert manager.post(url, body).status_code == 302
    terms = PenaltyTerms.objects.get(contract=contract)
    assert (terms.basis, terms.amount, terms.monthly_cap) == ("per_started_hour", 50, 1000)
    shown = agent.get(page).content.decode()
    assert "50,00 PLN" in shown and "1000,00 PLN" in shown  # Polish by default
    refused = manager.post(url, {"basis": "per_breach", "amount": "abc"}, follow=True)
    assert "amount:" in refused.content.decode()
    assert PenaltyTerms.objects.get(contract=contract).amount == 50
    manager.post(url, {"basis": "plan"})
    assert not PenaltyTerms.objects.exists()


def test_a_manager_notes_force_majeure_on_the_ticket_page(
    contracted_personas: Personas, manager: Client, agent: Client
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_b, channel="email", subject="Awaria", contact=p.customer_b)
    url = f"/console/tickets/{ticket.pk}/force-majeure"
    assert 'id="force-majeure"' not in agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert agent.post(url, {"reason": "Burza"}).status_code == 404
    assert manager.post(url, {"reason": "Burza nad serwerownią"}).status_code == 302
    assert ForceMajeure.objects.get(ticket=ticket).noted_by == p.account_manager
    seen = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "Burza nad serwerownią" in seen
    manager.post(url, {"withdraw": "yes"})
    assert not ForceMajeure.objects.exists()
