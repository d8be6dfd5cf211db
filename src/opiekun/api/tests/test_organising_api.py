"""The API's tags, canned responses, saved views, merge and split (issue 15, item 7):
the same actions as the console; customers and outsiders get 404; errors name the field."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.catalog.models import Vendor
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import CannedResponse, SavedView, Ticket

pytestmark = pytest.mark.django_db


def client_for(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def test_put_tags_sets_the_list_and_the_ticket_list_filters_by_tag(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Faktura")
    actions.open_ticket(p.org_a, channel="email", subject="Inne")
    agent = client_for(p, "agent")
    put = agent.put(
        f"/api/v1/tickets/{ticket.pk}/tags",
        {"tags": ["VAT", "pilne"]},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json() == ["pilne", "VAT"]
    listed = agent.get("/api/v1/tickets?tag=vat").json()["items"]
    assert [t["subject"] for t in listed] == ["Faktura"]
    again = agent.put(
        f"/api/v1/tickets/{ticket.pk}/tags", {"tags": ["pilne"]}, content_type="application/json"
    )
    assert again.json() == ["pilne"]
    too_long = agent.put(
        f"/api/v1/tickets/{ticket.pk}/tags", {"tags": ["x" * 51]}, content_type="application/json"
    )
    assert too_long.status_code == 422 and "tags" in str(too_long.json())
    assert agent.get("/api/v1/tags").json() == ["pilne", "VAT"]


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_outsiders_get_404_and_change_nothing(contracted_personas: Personas, who: str) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Faktura")
    twin = actions.open_ticket(p.org_a, channel="email", subject="Faktura 2")
    response = actions.save_response(None, vendor=None, title="T", body_pl="a", body_en="b")
    client = client_for(p, who)
    json = "application/json"
    assert (
        client.put(
            f"/api/v1/tickets/{ticket.pk}/tags", {"tags": ["x"]}, content_type=json
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/tickets/{ticket.pk}/merge", {"into_id": twin.pk}, content_type=json
        ).status_code
        == 404
    )
    assert client.get("/api/v1/canned-responses").status_code == 404
    assert (
        client.get(f"/api/v1/tickets/{ticket.pk}/canned-responses/{response.pk}").status_code == 404
    )
    assert client.get("/api/v1/saved-views").status_code == 404
    ticket.refresh_from_db()
    assert not ticket.tags.exists() and ticket.merged_into is None


def test_canned_responses_are_listed_for_a_ticket_and_rendered(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Druk", contact=p.customer_a)
    mine = actions.save_response(
        None,
        vendor=Vendor.objects.get(code="kjm"),
        title="Powitanie",
        body_pl="Dzień dobry {contact_name} ({reference})",
        body_en="Hello {contact_name}",
    )
    actions.save_response(
        None, vendor=Vendor.objects.get(code="ship"), title="SHIP", body_pl="a", body_en="b"
    )
    agent = client_for(p, "agent")
    listed = agent.get(f"/api/v1/canned-responses?ticket_id={ticket.pk}").json()
    assert [r["title"] for r in listed] == ["Powitanie"]
    rendered = agent.get(f"/api/v1/tickets/{ticket.pk}/canned-responses/{mine.pk}")
    assert rendered.json() == {
        "text": f"Dzień dobry Adam Klient ({ticket.reference})",
        "language": "pl",
    }
    # An agent uses responses; writing them is a support manager's.
    body = {"title": "X", "body_pl": "a", "body_en": "b"}
    assert (
        agent.post("/api/v1/canned-responses", body, content_type="application/json").status_code
        == 404
    )


def test_a_manager_writes_a_response_and_an_unknown_placeholder_names_its_field(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_manager=True)
    client = Client()
    verified_login(client, p.account_manager.user)
    bad = client.post(
        "/api/v1/canned-responses",
        {"title": "X", "body_pl": "{haslo}", "body_en": "b", "vendor": "kjm"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "body_pl"
    made = client.post(
        "/api/v1/canned-responses",
        {"title": "X", "body_pl": "{deadline}", "body_en": "b", "vendor": "kjm"},
        content_type="application/json",
    )
    assert made.status_code == 201 and CannedResponse.objects.get().vendor.code == "kjm"  # type: ignore[union-attr]


def test_merge_and_split_through_the_api(contracted_personas: Personas) -> None:
    p = contracted_personas
    survivor = actions.open_ticket(p.org_a, channel="portal", subject="A", contact=p.customer_a)
    merged = actions.open_ticket(
        p.org_a, channel="portal", subject="B", description="q", contact=p.customer_a
    )
    message = actions.customer_message(
        merged, contact=p.customer_a, body="Osobno", channel="portal"
    )
    agent = client_for(p, "agent")
    json = "application/json"
    split = agent.post(
        f"/api/v1/tickets/{merged.pk}/split",
        {"message_id": message.pk, "subject": "Nowe"},
        content_type=json,
    )
    assert split.status_code == 201 and split.json()["subject"] == "Nowe"
    assert Ticket.objects.get(pk=split.json()["id"]).messages.get() == message
    done = agent.post(
        f"/api/v1/tickets/{merged.pk}/merge", {"into_id": survivor.pk}, content_type=json
    )
    assert done.status_code == 200 and done.json()["id"] == survivor.pk
    again = agent.post(
        f"/api/v1/tickets/{merged.pk}/merge", {"into_id": survivor.pk}, content_type=json
    )
    assert again.status_code == 400 and again.json()["field"] == "into"


def test_saved_views_are_private_to_their_owner(contracted_personas: Personas) -> None:
    p = contracted_personas
    agent = client_for(p, "agent")
    made = agent.post(
        "/api/v1/saved-views",
        {"name": "Zamknięte", "filters": {"status": "closed", "unknown": "x"}},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["filters"] == {"status": "closed"}
    colleague = client_for(p, "account_manager")
    assert colleague.get("/api/v1/saved-views").json() == []
    assert colleague.delete(f"/api/v1/saved-views/{made.json()['id']}").status_code == 404
    assert agent.delete(f"/api/v1/saved-views/{made.json()['id']}").status_code == 204
    assert not SavedView.objects.exists()
