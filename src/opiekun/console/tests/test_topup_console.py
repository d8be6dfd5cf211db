"""Issue 21, item 4 in the console: staff list the top-up offers by status, make one by
hand for a contract (sized as the beat sizes it) and withdraw an open one; the list
costs the same queries for 1 or many offers; customers and outsiders get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import topup
from opiekun.contracts.models import Contract, TopUpOffer
from opiekun.customers import actions as customer_actions
from opiekun.testing.personas import Personas, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(presets: None) -> Personas:
    return make_personas("KJM-CARE", "KJM-PACKAGE")


def test_issue_21_item_4_an_agent_makes_and_withdraws_an_offer(people: Personas) -> None:
    assert people.contract_a is not None and people.contract_b is not None
    client = Client()
    client.force_login(people.user("agent"))
    page = client.get("/console/topup-offers/").content.decode()
    assert f'<option value="{people.contract_b.pk}">' in page
    assert f'<option value="{people.contract_a.pk}">' not in page  # care sells no packages
    client.post("/console/topup-offers/make", {"contract": people.contract_b.pk})
    offer = TopUpOffer.objects.get()
    assert (offer.origin, offer.made_by, offer.status) == ("staff", people.user("agent"), "open")
    twice = client.post(
        "/console/topup-offers/make", {"contract": people.contract_b.pk}, follow=True
    ).content.decode()
    assert "ta umowa ma już otwartą propozycję" in twice
    bad = client.post("/console/topup-offers/make", {"contract": "x"}, follow=True)
    assert "wybierz umowę" in bad.content.decode()
    listed = client.get("/console/topup-offers/?status=open").content.decode()
    assert f'id="topup-offer-{offer.pk}"' in listed and "Firma B" in listed
    client.post(f"/console/topup-offers/{offer.pk}/withdraw", {"reason": "nowy cennik"})
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("withdrawn", "nowy cennik")
    opened = client.get("/console/topup-offers/?status=open").content.decode()
    assert f'id="topup-offer-{offer.pk}"' not in opened
    assert TopUpOffer.objects.count() == 1


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_issue_21_item_4_only_staff_reach_the_offers(people: Personas, who: str) -> None:
    assert people.contract_b is not None
    offer = topup.offer_by_hand(people.contract_b, actor=people.agent.user)
    client = Client()
    client.force_login(people.user(who))
    assert client.get("/console/topup-offers/").status_code == 404
    made = client.post("/console/topup-offers/make", {"contract": people.contract_b.pk})
    assert made.status_code == 404
    gone = client.post(f"/console/topup-offers/{offer.pk}/withdraw")
    assert gone.status_code == 404
    assert TopUpOffer.objects.get().status == "open"


def test_issue_21_item_4_the_list_costs_the_same_for_one_or_many(people: Personas) -> None:
    assert people.contract_b is not None
    topup.offer_by_hand(people.contract_b)
    client = Client()
    client.force_login(people.user("agent"))
    with CaptureQueriesContext(connection) as one:
        client.get("/console/topup-offers/")
    plan = Plan.objects.get(code="KJM-PACKAGE")
    for n in range(3):
        org = customer_actions.create_organisation(f"Firma {n}", f"firma-{n}")
        contract = contract_actions.record_active_contract(
            org, plan, number=f"N/{n}", starts_on=dt.date(2026, 1, 1)
        )
        topup.offer_by_hand(contract)
    assert Contract.objects.count() == 5
    with CaptureQueriesContext(connection) as four:
        client.get("/console/topup-offers/")
    assert len(four.captured_queries) == len(one.captured_queries)
