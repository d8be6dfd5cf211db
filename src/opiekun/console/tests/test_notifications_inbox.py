"""The agent's inbox in the console and the API: the bell counts, marking read, the
settings page, the @ names; a notification is its recipient's alone (404 for anyone
else, a colleague too)."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.notifications.models import Kind, Notification, Preference
from opiekun.staff import actions as staff_actions
from opiekun.testing.personas import PASSWORD, Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(personas: Personas) -> list[Notification]:
    """Three new tickets told to the account manager, oldest first."""
    for subject in ("Pierwsze", "Drugie", "Trzecie"):
        actions.open_ticket(
            personas.org_a, channel="phone", subject=subject, actor=personas.agent.user
        )
    return list(Notification.objects.order_by("pk"))


def signed_in(personas: Personas, who: str) -> Client:
    client = Client()
    client.force_login(personas.user(who))
    return client


def test_the_bell_counts_my_unread_notifications(
    personas: Personas, told: list[Notification]
) -> None:
    manager = signed_in(personas, "account_manager")
    page = manager.get("/console/").content.decode()
    assert 'data-unread="3"' in page
    Notification.objects.filter(pk=told[0].pk).update(read_at=told[0].created_at)
    bell = manager.get("/console/notifications/bell").content.decode()
    assert 'data-unread="2"' in bell and 'hx-trigger="every 60s"' in bell
    # The agent was told nothing: a bell without a count.
    assert "data-unread" not in signed_in(personas, "agent").get("/console/").content.decode()


def test_the_inbox_lists_newest_first_with_links_to_the_tickets(
    personas: Personas, told: list[Notification]
) -> None:
    page = signed_in(personas, "account_manager").get("/console/notifications/")
    text = page.content.decode()
    assert text.index("Trzecie") < text.index("Drugie") < text.index("Pierwsze")
    assert f'href="/console/tickets/{told[0].ticket_id}/"' in text
    assert "Nowe zgłoszenie" in text  # rendered in the reader's language (Polish default)
    assert (
        "Nothing to tell you"
        not in signed_in(personas, "account_manager")
        .get("/console/notifications/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )


def test_the_inbox_is_paged(personas: Personas) -> None:
    for n in range(27):
        actions.open_ticket(personas.org_a, channel="phone", subject=f"Temat {n:02d}")
    manager = signed_in(personas, "account_manager")
    first = manager.get("/console/notifications/").content.decode()
    second = manager.get("/console/notifications/?page=2").content.decode()
    assert "Temat 26" in first and "Temat 02" in first and "Temat 01" not in first
    assert "Temat 01" in second and "Temat 00" in second and "Temat 26" not in second
    assert manager.get("/console/notifications/?page=x").status_code == 200


def test_marking_one_and_all_read(personas: Personas, told: list[Notification]) -> None:
    manager = signed_in(personas, "account_manager")
    response = manager.post(f"/console/notifications/{told[1].pk}/read", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/console/tickets/{told[1].ticket_id}/"
    assert [n.read_at is not None for n in Notification.objects.order_by("pk")] == [
        False,
        True,
        False,
    ]
    back = manager.post("/console/notifications/read-all", {"next": "https://evil.example/"})
    assert back["Location"] == "/console/notifications/"
    assert not Notification.objects.filter(read_at=None).exists()


def test_nobody_else_reads_or_marks_my_notifications(
    personas: Personas, told: list[Notification]
) -> None:
    mine = told[0]
    for who in ("agent", "customer_a", "outsider"):
        client = signed_in(personas, who)
        assert client.post(f"/console/notifications/{mine.pk}/read").status_code == 404, who
        api = client.post(f"/api/v1/notifications/{mine.pk}/read")
        assert api.status_code == 404 and api.json()["code"] == "not_found", who
        client.post("/console/notifications/read-all")
        client.post("/api/v1/notifications/read")
        listed = client.get("/api/v1/notifications")
        if who == "agent":  # a colleague sees their own (empty) inbox, not mine
            assert listed.status_code == 200 and listed.json()["items"] == []
            assert "Pierwsze" not in client.get("/console/notifications/").content.decode()
        else:
            assert listed.status_code == 404, who
            assert client.get("/console/notifications/").status_code == 404, who
    assert not Notification.objects.exclude(read_at=None).exists()


def test_the_api_lists_mine_and_marks_read(personas: Personas, told: list[Notification]) -> None:
    manager = signed_in(personas, "account_manager")
    page = manager.get("/api/v1/notifications?limit=2", HTTP_ACCEPT_LANGUAGE="en").json()
    assert page["count"] == 3
    assert [(n["ticket_subject"], n["kind"], n["text"]) for n in page["items"]] == [
        ("Trzecie", "new_ticket", "New ticket"),
        ("Drugie", "new_ticket", "New ticket"),
    ]
    one = manager.post(f"/api/v1/notifications/{told[2].pk}/read").json()
    assert one["id"] == told[2].pk and one["read_at"] is not None
    assert manager.post("/api/v1/notifications/read").json() == {"marked": 2}
    assert manager.post("/api/v1/notifications/read").json() == {"marked": 0}
    refused = manager.post("/api/v1/notifications/99999999999999999999/read")
    assert refused.status_code == 422


def test_the_settings_page_switches_kinds(personas: Personas) -> None:
    manager = signed_in(personas, "account_manager")
    page = manager.get("/console/notifications/settings").content.decode()
    assert 'name="in_app_new_ticket" id="in_app_new_ticket" checked' in page
    assert 'name="by_email_deadline"' not in page  # e-mailed by the sweep, always
    manager.post(
        "/console/notifications/settings",
        {f"in_app_{k}": "on" for k in Kind.values if k != Kind.MENTION}
        | {f"by_email_{k}": "on" for k in Kind.values if k != Kind.NEW_TICKET},
    )
    chosen = {p.kind: (p.in_app, p.by_email) for p in Preference.objects.all()}
    assert chosen[Kind.MENTION] == (False, True)
    assert chosen[Kind.NEW_TICKET] == (True, False)
    assert chosen[Kind.ASSIGNED] == (True, True)
    actions.open_ticket(personas.org_a, channel="phone", subject="Po zmianie")
    assert Notification.objects.get().shown is True


def test_the_note_box_gets_staff_names_for_an_at(personas: Personas) -> None:
    staff_actions.create_staff_member(
        "p-odszedl", full_name="Olek Odszedł", email="o@vendor.example", password=PASSWORD
    ).user.__class__.objects.filter(username="p-odszedl").update(is_active=False)
    agent = signed_in(personas, "agent")
    found = agent.get("/console/staff/mentions", {"q": "p-o"}).json()
    assert found == {"staff": [{"username": "p-opiekun", "name": "Olgierd Opiekun"}]}
    by_name = agent.get("/console/staff/mentions", {"q": "alic"}).json()
    assert by_name == {"staff": [{"username": "p-agent", "name": "Alicja Agent"}]}
    assert agent.get("/console/staff/mentions", {"q": "\x00" * 500}).status_code == 200
    for who in ("customer_a", "outsider"):
        assert signed_in(personas, who).get("/console/staff/mentions").status_code == 404
