"""Issue 21, item 4 in the API: a buyer lists, accepts (one package, however often) and
declines the organisation's offers; staff list, make and withdraw them; errors name the
field; anyone else gets 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from opiekun.contracts.models import HourBank, TopUpOffer
from opiekun.testing.personas import Personas, make_personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(presets: None) -> Personas:
    return make_personas("KJM-CARE", "KJM-PACKAGE")


def post(client: Client, url: str, body: dict[str, object] | None = None) -> Any:
    return client.post(f"/api/v1{url}", json.dumps(body or {}), content_type="application/json")


def test_issue_21_item_4_staff_make_and_the_buyer_accepts_once(people: Personas) -> None:
    assert people.contract_b is not None
    staff = Client()
    verified_login(staff, people.account_manager.user)
    made = post(staff, f"/contracts/{people.contract_b.pk}/topup-offers")
    assert made.status_code == 201, made.content
    offer = made.json()
    assert (offer["status"], offer["packages"], offer["minutes"]) == ("open", 1, 180)
    assert "Wykorzystano 0 h w ostatnich 30 dniach" in offer["explanation"]
    again = post(staff, f"/contracts/{people.contract_b.pk}/topup-offers")
    assert (again.status_code, again.json()["field"]) == (400, "contract")
    assert [o["id"] for o in staff.get("/api/v1/topup-offers?status=open").json()] == [offer["id"]]
    assert staff.get("/api/v1/topup-offers?status=nonsense").status_code == 422

    buyer = Client()
    buyer.force_login(people.user("customer_b"))
    mine = buyer.get("/api/v1/my/topup-offers").json()
    assert [o["id"] for o in mine] == [offer["id"]]
    for _ in range(2):
        accepted = post(buyer, f"/my/topup-offers/{offer['id']}/accept")
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert HourBank.objects.filter(sale_key=f"topup-offer-{offer['id']}").count() == 1
    late = post(buyer, f"/my/topup-offers/{offer['id']}/decline", {"reason": "x"})
    assert (late.status_code, late.json()["field"]) == (400, "status")
    withdrawn = post(staff, f"/topup-offers/{offer['id']}/withdraw")
    assert (withdrawn.status_code, withdrawn.json()["field"]) == (400, "status")


def test_issue_21_item_4_the_buyer_declines_and_an_expired_offer_is_refused(
    people: Personas,
) -> None:
    assert people.contract_b is not None
    staff = Client()
    staff.force_login(people.user("agent"))
    first = post(staff, f"/contracts/{people.contract_b.pk}/topup-offers").json()
    buyer = Client()
    buyer.force_login(people.user("customer_b"))
    long = post(buyer, f"/my/topup-offers/{first['id']}/decline", {"reason": "x" * 501})
    assert long.status_code == 422
    declined = post(buyer, f"/my/topup-offers/{first['id']}/decline", {"reason": "za drogo"})
    assert (declined.json()["status"], declined.json()["reason"]) == ("declined", "za drogo")
    second = post(staff, f"/contracts/{people.contract_b.pk}/topup-offers").json()
    TopUpOffer.objects.filter(pk=second["id"]).update(expires_at="2026-01-01T00:00:00Z")
    late = post(buyer, f"/my/topup-offers/{second['id']}/accept")
    assert (late.status_code, late.json()["field"]) == (400, "expires_at")
    listed = {o["id"]: o["status"] for o in buyer.get("/api/v1/my/topup-offers").json()}
    assert listed == {first["id"]: "declined", second["id"]: "expired"}
    assert not HourBank.objects.exists()


def test_issue_21_item_4_nobody_else_reaches_the_offers(people: Personas) -> None:
    assert people.contract_b is not None
    staff = Client()
    staff.force_login(people.user("agent"))
    offer = post(staff, f"/contracts/{people.contract_b.pk}/topup-offers").json()
    for who in ("customer_a", "outsider", "agent"):
        client = Client()
        client.force_login(people.user(who))
        accepted = post(client, f"/my/topup-offers/{offer['id']}/accept")
        assert accepted.status_code == 404, who
        assert post(client, f"/my/topup-offers/{offer['id']}/decline").status_code == 404
    for who in ("customer_a", "customer_b", "outsider"):
        client = Client()
        client.force_login(people.user(who))
        assert client.get("/api/v1/topup-offers").status_code == 404, who
        assert post(client, f"/topup-offers/{offer['id']}/withdraw").status_code == 404
        made = post(client, f"/contracts/{people.contract_b.pk}/topup-offers")
        assert made.status_code == 404, who
    stranger = Client()
    stranger.force_login(people.user("customer_a"))
    assert stranger.get("/api/v1/my/topup-offers").json() == []
    assert TopUpOffer.objects.get().status == "open"
