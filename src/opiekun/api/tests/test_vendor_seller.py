"""Gap 2: a support manager sets the vendor's legal name, NIP and address (the seller on
its invoices) in the console and the API, not only in the admin; a preset reload keeps
them; anyone else gets 404."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.catalog import actions
from opiekun.catalog.models import Vendor
from opiekun.core.models import AuditEvent
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(contracted_personas: Personas) -> Client:
    member = contracted_personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def test_gap_2_a_manager_sets_the_seller_in_the_console_and_a_reload_keeps_it(
    contracted_personas: Personas, manager: Client
) -> None:
    ship = Vendor.objects.get(code="ship")
    page = manager.post(
        f"/console/vendors/{ship.pk}/seller",
        {"legal_name": "SHIP sp. z o.o.", "tax_id": "526-025-02-74", "address": "ul. Morska 1"},
    )
    assert page.status_code == 302
    ship.refresh_from_db()
    assert (ship.legal_name, ship.tax_id, ship.address) == (
        "SHIP sp. z o.o.",
        "5260250274",
        "ul. Morska 1",
    )
    assert AuditEvent.objects.filter(kind="vendor.seller_set").count() == 1
    actions.load_presets(["ship"])
    ship.refresh_from_db()
    assert ship.tax_id == "5260250274" and ship.address == "ul. Morska 1"
    assert "5260250274" in manager.get("/console/plans/").content.decode()


def test_gap_2_a_wrong_nip_is_refused_naming_the_field(manager: Client) -> None:
    ship = Vendor.objects.get(code="ship")
    before = ship.tax_id
    page = manager.post(f"/console/vendors/{ship.pk}/seller", {"tax_id": "1234567890"}, follow=True)
    assert "1234567890" in page.content.decode()
    api = manager.put(
        "/api/v1/vendors/ship/seller", {"tax_id": "1234567890"}, content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["field"] == "tax_id"
    ship.refresh_from_db()
    assert ship.tax_id == before


def test_gap_2_the_api_sets_the_seller(manager: Client) -> None:
    answer = manager.put(
        "/api/v1/vendors/kjm/seller",
        {"legal_name": "KJM S.A.", "tax_id": "PL5260250274", "address": "ul. Długa 2"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["tax_id"] == "5260250274"
    assert Vendor.objects.get(code="kjm").legal_name == "KJM S.A."


def test_gap_2_a_nul_in_the_seller_is_refused_naming_the_field(manager: Client) -> None:
    answer = manager.put(
        "/api/v1/vendors/kjm/seller",
        {"legal_name": "KJM\u0000", "tax_id": "5260250274", "address": ""},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["field"] == "legal_name"
    assert Vendor.objects.get(code="kjm").legal_name != "KJM\x00"


@pytest.mark.parametrize("who", ["agent", "customer_a", "outsider"])
def test_gap_2_nobody_but_a_manager_sets_the_seller(
    contracted_personas: Personas, who: str
) -> None:
    client = Client()
    client.force_login(contracted_personas.user(who))
    ship = Vendor.objects.get(code="ship")
    before = ship.tax_id
    assert client.post(f"/console/vendors/{ship.pk}/seller", {"tax_id": ""}).status_code == 404
    api = client.put("/api/v1/vendors/ship/seller", {}, content_type="application/json")
    assert api.status_code == 404
    ship.refresh_from_db()
    assert ship.tax_id == before
