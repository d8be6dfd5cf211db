"""The mail operations' API (issue 18): triage, quarantine, outgoing mail, mailboxes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.customers.models import ContactEmail
from opiekun.mail import actions
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.testing.mailservers import free_port
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message

pytestmark = pytest.mark.django_db
UNKNOWN = (
    b"From: Nieznany <attacker@evil.example>\r\n"
    b"To: pomoc@kjm.example\r\nSubject: Zmiana konta\r\nMessage-ID: <s1@evil.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nProsze zmienic numer konta.\r\n"
)


@pytest.fixture
def box(db: None) -> Mailbox:
    return Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=free_port(),
        security=Mailbox.Security.PLAIN,
        username="u",
        password="p",
    )


def staff(p: Personas) -> Client:
    client = Client()
    client.force_login(p.user("agent"))
    return client


def post(client: Client, url: str, body: dict[str, object]) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_triage_lists_downloads_and_assigns_with_the_address_registered(
    contracted_personas: Personas, box: Mailbox
) -> None:
    p = contracted_personas
    row, _ = actions.receive(box, UNKNOWN)
    row = actions.process(row.pk, counted=True)
    assert row.state == InboundMail.State.TRIAGE and row.ticket is None
    client = staff(p)
    [listed] = client.get("/api/v1/mail/inbound", {"state": "triage"}).json()
    assert listed["id"] == row.pk and listed["sender"] == "attacker@evil.example"
    assert client.get(listed["raw_url"]).content == UNKNOWN
    assert client.get("/api/v1/mail/inbound", {"state": "ingested"}).status_code == 422

    refused = post(client, f"/api/v1/mail/inbound/{row.pk}/discard", {"reason": ""})
    assert refused.status_code in (400, 422)  # type: ignore[attr-defined]
    done = post(
        client,
        f"/api/v1/mail/inbound/{row.pk}/assign",
        {"organisation_id": p.org_b.pk, "contact_id": p.customer_b.pk, "register_address": True},
    )
    assert done.status_code == 200, done.content  # type: ignore[attr-defined]
    assert done.json()["state"] == "ingested" and done.json()["ticket_id"]  # type: ignore[attr-defined]
    assert ContactEmail.objects.get(address="attacker@evil.example").contact == p.customer_b
    again = post(client, f"/api/v1/mail/inbound/{row.pk}/retry", {})
    assert again.status_code == 400 and again.json()["field"] == "state"  # type: ignore[attr-defined]


def test_discard_says_why_and_another_organisations_contact_is_refused(
    contracted_personas: Personas, box: Mailbox
) -> None:
    p = contracted_personas
    row = actions.process(actions.receive(box, UNKNOWN)[0].pk, counted=True)
    client = staff(p)
    wrong = post(
        client,
        f"/api/v1/mail/inbound/{row.pk}/assign",
        {"organisation_id": p.org_a.pk, "contact_id": p.customer_b.pk},
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "contact"  # type: ignore[attr-defined]
    gone = post(client, f"/api/v1/mail/inbound/{row.pk}/discard", {"reason": "phishing"})
    assert gone.json()["state"] == "discarded"  # type: ignore[attr-defined]
    assert client.get("/api/v1/mail/inbound").json() == []


def test_outgoing_lists_failed_and_stuck_mail_and_resends_it(
    contracted_personas: Personas, django_capture_on_commit_callbacks
) -> None:
    p = contracted_personas
    ticket = ticket_actions.open_ticket(p.org_a, channel="email", subject="X", contact=p.customer_a)
    failed = ticket_actions.answer(ticket, staff=p.agent, body="A")
    stuck = ticket_actions.answer(ticket, staff=p.agent, body="B")
    ticket_actions.answer(ticket, staff=p.agent, body="C")  # on its way: not listed
    Message.objects.filter(pk=failed.pk).update(delivery="failed", delivery_error="refused: 550")
    Message.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - dt.timedelta(hours=2))
    client = staff(p)
    rows = {r["id"]: r for r in client.get("/api/v1/mail/outgoing").json()}
    assert set(rows) == {failed.pk, stuck.pk}
    assert rows[stuck.pk]["stuck"] and not rows[failed.pk]["stuck"]
    assert rows[failed.pk]["error"] == "refused: 550"
    with django_capture_on_commit_callbacks() as queued:
        sent = post(client, f"/api/v1/mail/outgoing/{stuck.pk}/resend", {})
    assert sent.json()["delivery"] == "pending" and len(queued) == 1  # type: ignore[attr-defined]


def test_mailboxes_show_their_state_and_test_the_connection(
    contracted_personas: Personas, box: Mailbox
) -> None:
    Mailbox.objects.filter(pk=box.pk).update(
        last_error="IMAP: refused", last_error_at=timezone.now()
    )
    client = staff(contracted_personas)
    [shown] = client.get("/api/v1/mail/mailboxes").json()
    assert shown["last_error"] == "IMAP: refused" and shown["last_read_at"] is None
    tested = post(client, f"/api/v1/mail/mailboxes/{box.pk}/test", {}).json()  # type: ignore[attr-defined]
    assert tested["ok"] is False and tested["error"]
