"""Tags, canned responses, bulk actions, merge and split from the console (issue 15,
item 7): each through its action and audited; outsiders get 404 and change nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from opiekun.catalog.models import Vendor
from opiekun.core.models import AuditEvent
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions, canned
from opiekun.tickets.models import CannedResponse, Tag, Ticket

pytestmark = pytest.mark.django_db


def client_for(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def told(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


# Tags


def test_tags_are_added_once_whatever_their_case_and_removed_with_an_audit_event(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Faktura")
    agent = client_for(p, "agent")
    agent.post(f"/console/tickets/{ticket.pk}/tags/add", {"tags": "Faktury, pilne,PILNE, "})
    assert sorted(t.name for t in ticket.tags.all()) == ["Faktury", "pilne"]
    other = actions.open_ticket(p.org_a, channel="email", subject="Inna")
    agent.post(f"/console/tickets/{other.pk}/tags/add", {"tags": "faktury"})
    assert [t.name for t in other.tags.all()] == ["Faktury"] and Tag.objects.count() == 2
    agent.post(f"/console/tickets/{ticket.pk}/tags/remove", {"tag": "PILNE"})
    assert [t.name for t in ticket.tags.all()] == ["Faktury"]
    events = AuditEvent.objects.filter(subject_id=str(ticket.pk), kind__startswith="ticket.tags")
    assert [e.data["added"] for e in events.order_by("pk")] == [["Faktury", "pilne"], []]
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert ">Faktury</a>" in page


def test_a_tag_too_long_is_refused_with_its_field_named(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Faktura")
    response = client_for(p, "agent").post(
        f"/console/tickets/{ticket.pk}/tags/add", {"tags": "x" * 51}
    )
    # Named in words, never by its identifier (issue 16, item 7).
    assert told(response)[-1].startswith("Etykiety: ") and not ticket.tags.exists()


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_outsiders_cannot_tag_merge_or_split(contracted_personas: Personas, who: str) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Faktura")
    twin = actions.open_ticket(p.org_a, channel="email", subject="Faktura 2")
    client = client_for(p, who)
    assert client.post(f"/console/tickets/{ticket.pk}/tags/add", {"tags": "x"}).status_code == 404
    merge = client.post(f"/console/tickets/{ticket.pk}/merge", {"into": twin.reference})
    assert merge.status_code == 404
    assert client.post(f"/console/tickets/{ticket.pk}/split", {"message": "1"}).status_code == 404
    bulk = client.post("/console/queue/bulk/tag", {"tickets": [ticket.pk], "tag": "x"})
    assert bulk.status_code == 404
    ticket.refresh_from_db()
    assert not Tag.objects.exists() and ticket.merged_into is None


# Canned responses


@pytest.fixture
def manager(contracted_personas: Personas) -> StaffMember:
    member = contracted_personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    member.refresh_from_db()
    return member


def test_a_manager_writes_a_response_and_an_unknown_placeholder_is_refused_on_its_field(
    contracted_personas: Personas, manager: StaffMember
) -> None:
    client = Client()
    verified_login(client, manager.user)  # a manager's pages want the second factor
    kjm = Vendor.objects.get(code="kjm")
    bad = client.post(
        "/console/canned/new",
        {
            "vendor": kjm.pk,
            "title": "Powitanie",
            "body_pl": "Dzień dobry {contact_name.user.password}",
            "body_en": "Hello {contact_name}",
        },
    )
    assert bad.status_code == 200 and not CannedResponse.objects.exists()
    assert "{contact_name.user.password}" in bad.context["form"].errors["body_pl"][0]
    assert "Dzień dobry {contact_name.user.password}" in bad.content.decode()  # kept as typed
    client.post(
        "/console/canned/new",
        {
            "vendor": kjm.pk,
            "title": "Powitanie",
            "body_pl": "Dzień dobry {contact_name}, zgłoszenie {reference}.",
            "body_en": "Hello {contact_name}, ticket {reference}.",
        },
    )
    made = CannedResponse.objects.get()
    assert made.vendor == kjm and AuditEvent.objects.filter(kind="canned_response.created").exists()
    client.post(f"/console/canned/{made.pk}/delete")
    assert not CannedResponse.objects.exists()


def test_an_agent_uses_responses_but_cannot_write_them(contracted_personas: Personas) -> None:
    made = actions.save_response(
        None, vendor=None, title="Powitanie", body_pl="Dzień dobry", body_en="Hello"
    )
    agent = client_for(contracted_personas, "agent")
    assert "Powitanie" in agent.get("/console/canned/").content.decode()
    assert agent.get("/console/canned/new").status_code == 404
    assert agent.post(f"/console/canned/{made.pk}/", {"title": "X"}).status_code == 404
    assert agent.post(f"/console/canned/{made.pk}/delete").status_code == 404
    made.refresh_from_db()
    assert made.title == "Powitanie"


def test_the_picker_fills_in_the_response_in_the_contacts_language(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Druk", contact=p.customer_a)
    greeting = actions.save_response(
        None,
        vendor=Vendor.objects.get(code="kjm"),
        title="Powitanie",
        body_pl="Dzień dobry {contact_name}, zgłoszenie {reference} ({{pilne}}).",
        body_en="Hello {contact_name}, ticket {reference}.",
    )
    foreign = actions.save_response(
        None, vendor=Vendor.objects.get(code="ship"), title="SHIP", body_pl="a", body_en="b"
    )
    agent = client_for(p, "agent")
    picker = agent.get(f"/console/tickets/{ticket.pk}/canned/").content.decode()
    assert "Powitanie" in picker and "SHIP" not in picker  # KJM-CARE: KJM's responses only
    text = agent.get(f"/console/tickets/{ticket.pk}/canned/{greeting.pk}").json()
    assert text == {
        "text": f"Dzień dobry Adam Klient, zgłoszenie {ticket.reference} ({{pilne}}).",
        "language": "pl",
    }
    p.customer_a.language = "en"
    p.customer_a.save()
    text = agent.get(f"/console/tickets/{ticket.pk}/canned/{greeting.pk}").json()
    assert text["text"] == f"Hello Adam Klient, ticket {ticket.reference}."
    refused = agent.get(f"/console/tickets/{ticket.pk}/canned/{foreign.pk}")
    assert refused.status_code == 400 and refused.json()["error"].startswith("response: ")
    outsider = client_for(p, "customer_a")
    assert outsider.get(f"/console/tickets/{ticket.pk}/canned/{greeting.pk}").status_code == 404


def test_placeholders_never_reach_attributes() -> None:
    for text in ("{reference.__class__}", "{reference[0]}", "{reference!r}", "{x}", "{"):
        with pytest.raises(canned.TemplateError):
            canned.check("body_pl", text)


# Bulk actions


def test_bulk_status_changes_every_ticket_or_none_and_names_the_one_that_refused(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    first = actions.open_ticket(p.org_a, channel="email", subject="Pierwszy")
    second = actions.open_ticket(p.org_b, channel="email", subject="Drugi")
    actions.close(second)
    agent = client_for(p, "agent")
    response = agent.post(
        "/console/queue/bulk/status",
        {"tickets": [first.pk, second.pk], "status": "resolve", "next": "status=open&page=2"},
    )
    assert response["Location"] == "/console/?status=open&page=2"
    assert second.reference in told(response)[-1]
    first.refresh_from_db()
    assert first.status == "new"  # rolled back with the refusal
    assert not AuditEvent.objects.filter(kind="ticket.resolved").exists()
    third = actions.open_ticket(p.org_a, channel="email", subject="Trzeci")
    agent.post("/console/queue/bulk/status", {"tickets": [first.pk, third.pk], "status": "resolve"})
    assert set(Ticket.objects.filter(status="resolved").values_list("pk", flat=True)) == {
        first.pk,
        third.pk,
    }
    assert AuditEvent.objects.filter(kind="ticket.resolved").count() == 2


def test_bulk_tag_tags_every_chosen_ticket(contracted_personas: Personas) -> None:
    p = contracted_personas
    tickets = [actions.open_ticket(p.org_a, channel="email", subject=f"T{n}") for n in range(3)]
    client_for(p, "agent").post(
        "/console/queue/bulk/tag", {"tickets": [t.pk for t in tickets[:2]], "tag": "Zbiorcze"}
    )
    assert [t.tags.count() for t in tickets] == [1, 1, 0]


def test_bulk_assign_goes_through_the_assignment_action(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    first = actions.open_ticket(p.org_a, channel="email", subject="Pierwszy")
    second = actions.open_ticket(p.org_b, channel="email", subject="Drugi")
    agent = client_for(p, "agent")
    agent.post(
        "/console/queue/bulk/assign", {"tickets": [first.pk, second.pk], "assignee": p.agent.pk}
    )
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {p.agent.pk}
    bad = agent.post("/console/queue/bulk/assign", {"tickets": ["x"], "assignee": p.agent.pk})
    assert told(bad)[-1].startswith("tickets: ")
    missing = agent.post("/console/queue/bulk/assign", {"tickets": [10**9], "assignee": p.agent.pk})
    assert missing.status_code == 404


# Merge and split from the ticket page


def test_merge_and_split_from_the_ticket_page(contracted_personas: Personas) -> None:
    p = contracted_personas
    survivor = actions.open_ticket(p.org_a, channel="portal", subject="A", contact=p.customer_a)
    merged = actions.open_ticket(
        p.org_a, channel="portal", subject="B", description="pytanie", contact=p.customer_a
    )
    extra = actions.customer_message(
        merged, contact=p.customer_a, body="Osobna sprawa", channel="portal"
    )
    agent = client_for(p, "agent")
    page = agent.get(f"/console/tickets/{merged.pk}/").content.decode()
    assert f'action="/console/tickets/{merged.pk}/merge"' in page
    split = agent.post(f"/console/tickets/{merged.pk}/split", {"message": extra.pk, "subject": ""})
    created = Ticket.objects.latest("pk")
    assert split["Location"] == f"/console/tickets/{created.pk}/"
    assert created.messages.get() == extra and created.subject == f"B ({merged.reference})"
    other = actions.open_ticket(p.org_b, channel="email", subject="Obcy")
    refused = agent.post(f"/console/tickets/{merged.pk}/merge", {"into": other.reference})
    assert told(refused)[-1].startswith("Scal ze zgłoszeniem: ")
    agent.post(f"/console/tickets/{merged.pk}/merge", {"into": survivor.reference.lower()})
    merged.refresh_from_db()
    assert merged.merged_into == survivor
    assert survivor.reference in agent.get(f"/console/tickets/{merged.pk}/").content.decode()
