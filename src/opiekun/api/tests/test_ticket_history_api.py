"""GET /api/v1/tickets/{id}/history and the resend of a failed e-mail: the console's
timeline for integrations, staff only (issue 15, item 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opiekun.core.audit import events_for
from opiekun.mail import outbound
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str, **headers: Any) -> Client:
    client = Client(**headers)
    client.force_login(p.user(who))
    return client


@pytest.fixture
def ticket(contracted_personas: Personas) -> Ticket:
    p = contracted_personas
    return actions.open_ticket(p.org_a, channel="email", subject="Raport", contact=p.customer_a)


def test_the_history_lists_events_and_mail_newest_first(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    actions.log_work(ticket, staff=p.agent, kind="email", raw_minutes=12, actor=p.user("agent"))
    answer = actions.answer(ticket, staff=p.agent, body="Gotowe", actor=p.user("agent"))
    outbound.fail(answer.pk, "refused: 550 no such user")
    rows = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/tickets/{ticket.pk}/history"
    )
    assert rows.status_code == 200
    kinds = [r["event"] for r in rows.json()]
    assert set(kinds) >= {"ticket.opened", "ticket.work_logged", "ticket.answered", "mail.failed"}
    assert kinds[-1] == "ticket.opened"
    work = next(r for r in rows.json() if r["event"] == "ticket.work_logged")
    assert work["who"] == "Alicja Agent" and work["label"] == "Work logged"
    failed = next(r for r in rows.json() if r["event"] == "mail.failed")
    assert failed["failed_message_id"] == answer.pk and "550" in failed["detail"]
    polish = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="pl").get(
        f"/api/v1/tickets/{ticket.pk}/history"
    )
    assert "Zapisano pracę" in [r["label"] for r in polish.json()]


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_only_staff_read_the_history_or_resend(
    contracted_personas: Personas, ticket: Ticket, who: str
) -> None:
    p = contracted_personas
    answer = actions.answer(ticket, staff=p.agent, body="Gotowe")
    outbound.fail(answer.pk, "refused")
    client = client_of(p, who)
    assert client.get(f"/api/v1/tickets/{ticket.pk}/history").status_code == 404
    resend = client.post(f"/api/v1/tickets/{ticket.pk}/messages/{answer.pk}/resend")
    assert resend.status_code == 404 and resend.json()["code"] == "not_found"
    answer.refresh_from_db()
    assert answer.delivery == "failed"


def test_a_failed_e_mail_is_sent_again_once(contracted_personas: Personas, ticket: Ticket) -> None:
    p = contracted_personas
    answer = actions.answer(ticket, staff=p.agent, body="Gotowe")
    outbound.fail(answer.pk, "refused")
    agent = client_of(p, "agent")
    other = actions.open_ticket(p.org_b, channel="email", subject="B", contact=p.customer_b)
    # Through the ticket the message is on, or not at all.
    assert agent.post(f"/api/v1/tickets/{other.pk}/messages/{answer.pk}/resend").status_code == 404
    sent = agent.post(f"/api/v1/tickets/{ticket.pk}/messages/{answer.pk}/resend")
    assert sent.status_code == 200 and sent.json()["delivery"] == "pending"
    assert events_for(ticket).filter(kind="ticket.mail_resent").count() == 1
    again = agent.post(f"/api/v1/tickets/{ticket.pk}/messages/{answer.pk}/resend")
    assert again.status_code == 400 and again.json()["field"] == "delivery"
    assert events_for(ticket).filter(kind="ticket.mail_resent").count() == 1


PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_an_answer_and_a_note_with_files_in_one_request(
    contracted_personas: Personas, ticket: Ticket, settings: Any
) -> None:
    p = contracted_personas
    agent = client_of(p, "agent")
    url = f"/api/v1/tickets/{ticket.pk}/messages/with-attachments"
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]
    made = agent.post(url, {"body": "W załączeniu", "file": files})
    assert made.status_code == 201, made.content
    answer = ticket.messages.get(pk=made.json()["id"])
    assert answer.direction == "out" and answer.attachments.count() == 2
    listed = client_of(p, "customer_a").get(f"/api/v1/tickets/{ticket.pk}/attachments").json()
    assert {a["message_id"] for a in listed} == {answer.pk}
    note = agent.post(
        url, {"kind": "note", "body": "Log", "file": [SimpleUploadedFile("l.png", PNG)]}
    )
    assert note.status_code == 201
    # A refused file leaves no message behind and names the field.
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = agent.post(url, {"body": "Duży", "file": [SimpleUploadedFile("c.pdf", PDF * 200)]})
    assert big.status_code == 400 and big.json()["field"] == "file"
    assert ticket.messages.count() == 2
    # The customer writes replies here (issue 16), never our answers or notes.
    customer = client_of(p, "customer_a")
    assert (
        customer.post(url, {"body": "x", "file": [SimpleUploadedFile("d.png", PNG)]}).status_code
        == 403
    )
    assert ticket.messages.count() == 2
