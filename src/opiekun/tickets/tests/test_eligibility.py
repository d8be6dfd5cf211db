"""R-PLN-5, R-CON-5: PWSK's free basic support lasts 12 months from the licence purchase
or the last update. A ticket from a customer out of it is marked at intake, for the
agent and the customer; recording a newer update (console, API) clears the mark."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import licences
from opiekun.contracts.models import Contract, LicenceEvent
from opiekun.staff.models import StaffMember
from opiekun.tariff.periods import add_months
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def pwsk(personas: Personas, presets: None) -> Contract:
    contract = contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="PWSK-BASIC"),
        number="P/1",
        starts_on=dt.date(2024, 1, 1),
    )
    bought = add_months(timezone.localdate(), -14)
    licences.record(contract, "purchase", bought, note="faktura 12/2024")
    contract.refresh_from_db()
    return contract


@pytest.fixture
def manager(personas: Personas) -> StaffMember:
    member = personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    member.refresh_from_db()
    return member


def _ticket(p: Personas) -> Ticket:
    return actions.open_ticket(
        p.org_a, channel="email", subject="Nie drukuje", contact=p.customer_a
    )


def test_r_con_5_a_ticket_out_of_free_support_is_marked_at_intake(
    personas: Personas, pwsk: Contract
) -> None:
    assert pwsk.licence_purchased_on is not None
    ended = add_months(pwsk.licence_purchased_on, 12)
    ticket = _ticket(personas)
    assert ticket.free_support_ended_on == ended

    agent = Client()
    agent.force_login(personas.agent.user)
    page = agent.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Not eligible for free support since {ended:%Y-%m-%d}: offer supervision" in page
    agent.cookies["django_language"] = "pl"
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert f"Brak prawa do bezpłatnej pomocy od {ended:%Y-%m-%d}" in page

    customer = Client()
    customer.force_login(personas.user("customer_a"))
    seen = customer.get(f"/api/v1/tickets/{ticket.pk}").json()
    assert seen["free_support_ended_on"] == ended.isoformat()


def test_r_pln_5_an_update_recorded_in_the_console_makes_the_ticket_eligible(
    personas: Personas, pwsk: Contract, manager: StaffMember
) -> None:
    ticket = _ticket(personas)
    assert ticket.free_support_ended_on is not None
    client = Client()
    verified_login(client, manager.user)
    today = timezone.localdate()
    response = client.post(
        f"/console/contracts/{pwsk.pk}/licence",
        {"kind": "update", "on": today.isoformat(), "note": "wersja 2026.2"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.free_support_ended_on is None
    pwsk.refresh_from_db()
    assert pwsk.last_update_on == today
    history = list(pwsk.licence_events.values_list("kind", "note"))
    assert history == [("update", "wersja 2026.2"), ("purchase", "faktura 12/2024")]
    page = client.get(f"/console/customers/{personas.org_a.pk}/").content.decode()
    until = add_months(today, 12)
    assert f"{until:%Y-%m-%d}" in page and "wersja 2026.2" in page
    # A new ticket is eligible too.
    assert _ticket(personas).free_support_ended_on is None


def test_an_older_update_recorded_late_is_history_not_the_date_in_force(
    pwsk: Contract,
) -> None:
    licences.record(pwsk, "update", timezone.localdate() - dt.timedelta(days=10))
    newest = pwsk.__class__.objects.get(pk=pwsk.pk).last_update_on
    licences.record(pwsk, "update", timezone.localdate() - dt.timedelta(days=200))
    pwsk.refresh_from_db()
    assert pwsk.last_update_on == newest
    assert LicenceEvent.objects.filter(contract=pwsk).count() == 3


@pytest.mark.parametrize("who", ["agent", "customer_a", "customer_b", "outsider"])
def test_only_a_manager_records_a_licence_date(
    personas: Personas, pwsk: Contract, who: str
) -> None:
    client = Client()
    client.force_login(personas.user(who))
    body = {"kind": "update", "on": timezone.localdate().isoformat()}
    assert client.post(f"/console/contracts/{pwsk.pk}/licence", body).status_code == 404
    api = client.post(
        f"/api/v1/contracts/{pwsk.pk}/licence", json.dumps(body), content_type="application/json"
    )
    assert api.status_code == 404
    seen = client.get(f"/api/v1/contracts/{pwsk.pk}/licence").status_code
    assert seen == (200 if who in ("agent", "customer_a") else 404)
    assert not LicenceEvent.objects.filter(kind="update").exists()


def test_the_api_records_and_refuses_by_field(
    personas: Personas, pwsk: Contract, manager: StaffMember
) -> None:
    client = Client()
    verified_login(client, manager.user)

    def post(body: dict[str, str], contract: Contract = pwsk):
        return client.post(
            f"/api/v1/contracts/{contract.pk}/licence",
            json.dumps(body),
            content_type="application/json",
        )

    today = timezone.localdate()
    done = post({"kind": "update", "on": today.isoformat()})
    assert done.status_code == 201, done.content
    assert done.json()["eligible_today"] is True
    assert done.json()["free_support_until"] == add_months(today, 12).isoformat()
    assert [e["source"] for e in done.json()["history"]] == ["api", "console"]
    future = post({"kind": "update", "on": (today + dt.timedelta(days=3)).isoformat()})
    assert (future.status_code, future.json()["field"]) == (400, "on")
    wrong = post({"kind": "rent", "on": today.isoformat()})
    assert (wrong.status_code, wrong.json()["field"]) == (422, "kind")
    care = contract_actions.record_active_contract(
        personas.org_b, Plan.objects.get(code="KJM-CARE"), number="K/1", starts_on=today
    )
    refused = post({"kind": "update", "on": today.isoformat()}, care)
    assert (refused.status_code, refused.json()["field"]) == (400, "contract")
