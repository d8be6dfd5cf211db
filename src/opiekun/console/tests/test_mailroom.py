"""Mail operations in the console (issue 18): triage, quarantine, failed and stuck
outgoing mail, mailboxes; every change through mail/actions.py, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.core.audit import events_for
from opiekun.customers.models import Contact, ContactEmail
from opiekun.mail import actions
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.testing.mailservers import free_port
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message

pytestmark = pytest.mark.django_db


def raw(sender: str, subject: str, message_id: str) -> bytes:
    return (
        f"From: Zofia Nowa <{sender}>\r\nTo: pomoc@kjm.example\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Dzień dobry, nie działa eksport.\r\n"
    ).encode()


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


def arrive(box: Mailbox, data: bytes) -> InboundMail:
    row, _ = actions.receive(box, data)
    return actions.process(row.pk, counted=True)


def agent(p: Personas, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(p.user("agent"))
    return client


def test_triage_assigns_to_a_new_contact_who_registers_the_address(
    contracted_personas: Personas, box: Mailbox
) -> None:
    p = contracted_personas
    row = arrive(box, raw("zofia@a.example", "Eksport nie działa", "<z1@a.example>"))
    assert row.state == InboundMail.State.TRIAGE
    client = agent(p)
    listing = client.get("/console/mail/triage").content.decode()
    assert "zofia@a.example" in listing and "Eksport nie działa" in listing
    page = client.get(f"/console/mail/{row.pk}/").content.decode()
    assert "nie działa eksport" in page and "Firma A" in page

    response = client.post(
        f"/console/mail/{row.pk}/assign", {"organisation": p.org_a.pk, "register": "on"}
    )
    row.refresh_from_db()
    assert row.state == InboundMail.State.INGESTED and row.ticket is not None
    assert response["Location"] == f"/console/tickets/{row.ticket.pk}/"
    zofia = Contact.objects.get(emails__address="zofia@a.example")
    assert zofia.organisation == p.org_a and zofia.full_name == "Zofia Nowa"
    assert row.ticket.contact == zofia
    assert events_for(row)[0].kind == "mail.assigned"
    # Her next mail opens a ticket by itself: the address is known now.
    again = arrive(box, raw("zofia@a.example", "Jeszcze jedno", "<z2@a.example>"))
    assert again.state == InboundMail.State.INGESTED and again.ticket.contact == zofia  # type: ignore[union-attr]


def test_triage_registers_the_address_on_a_chosen_contact_and_refuses_a_foreign_one(
    contracted_personas: Personas, box: Mailbox
) -> None:
    p = contracted_personas
    row = arrive(box, raw("adam.prywatny@gmail.example", "Pytanie", "<g1@gmail.example>"))
    client = agent(p, "pl")
    refused = client.post(
        f"/console/mail/{row.pk}/assign",
        {"organisation": p.org_b.pk, "contact": p.customer_a.pk, "register": "on"},
        follow=True,
    ).content.decode()
    assert "Osoba kontaktowa należy do innej organizacji." in refused
    assert "contact:" not in refused  # no raw field name
    row.refresh_from_db()
    assert row.state == InboundMail.State.TRIAGE
    client.post(
        f"/console/mail/{row.pk}/assign",
        {"organisation": p.org_a.pk, "contact": p.customer_a.pk, "register": "on"},
    )
    assert ContactEmail.objects.get(address="adam.prywatny@gmail.example").contact == p.customer_a


def test_quarantine_shows_the_reason_gives_the_raw_bytes_and_discards_with_a_reason(
    contracted_personas: Personas, box: Mailbox
) -> None:
    data = raw("nowy@c.example", "Zepsuta", "<q1@c.example>")
    row, _ = actions.receive(box, data)
    InboundMail.objects.filter(pk=row.pk).update(
        state=InboundMail.State.QUARANTINED, reason="HeaderParseError: broken fold"
    )
    client = agent(contracted_personas)
    listing = client.get("/console/mail/quarantine").content.decode()
    assert "HeaderParseError: broken fold" in listing
    download = client.get(f"/console/mail/{row.pk}/raw")
    assert download.content == data and download["Content-Type"] == "message/rfc822"
    assert "attachment" in download["Content-Disposition"]

    client.post(f"/console/mail/{row.pk}/discard", {"reason": ""})
    row.refresh_from_db()
    assert row.state == InboundMail.State.QUARANTINED  # no reason, nothing done
    client.post(f"/console/mail/{row.pk}/discard", {"reason": "spam"})
    row.refresh_from_db()
    assert row.state == InboundMail.State.DISCARDED and row.reason == "spam"
    assert "Zepsuta" not in client.get("/console/mail/quarantine").content.decode()


def test_retry_sends_a_quarantined_message_through_again(
    contracted_personas: Personas, box: Mailbox
) -> None:
    row, _ = actions.receive(box, raw("adam@a.example", "Znowu", "<r1@a.example>"))
    InboundMail.objects.filter(pk=row.pk).update(state=InboundMail.State.QUARANTINED)
    agent(contracted_personas).post(f"/console/mail/{row.pk}/retry")
    row.refresh_from_db()
    assert row.state == InboundMail.State.INGESTED
    assert row.ticket is not None and row.ticket.contact == contracted_personas.customer_a


def test_failed_and_stuck_outgoing_mail_is_listed_and_sent_again(
    contracted_personas: Personas, box: Mailbox, django_capture_on_commit_callbacks
) -> None:
    p = contracted_personas
    ticket = ticket_actions.open_ticket(p.org_a, channel="email", subject="X", contact=p.customer_a)
    failed = ticket_actions.answer(ticket, staff=p.agent, body="Pierwsza")
    stuck = ticket_actions.answer(ticket, staff=p.agent, body="Druga")
    on_its_way = ticket_actions.answer(ticket, staff=p.agent, body="Trzecia")
    Message.objects.filter(pk=failed.pk).update(
        delivery=Message.Delivery.FAILED, delivery_error="refused: 550 no such user"
    )
    Message.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - dt.timedelta(hours=3))
    client = agent(p)
    page = client.get("/console/mail/outgoing").content.decode()
    assert "refused: 550 no such user" in page and "stuck" in page
    assert f"/console/mail/outgoing/{failed.pk}/resend" in page
    assert f"/console/mail/outgoing/{stuck.pk}/resend" in page
    assert f"/console/mail/outgoing/{on_its_way.pk}/resend" not in page

    with django_capture_on_commit_callbacks() as queued:
        client.post(f"/console/mail/outgoing/{failed.pk}/resend")
        client.post(f"/console/mail/outgoing/{on_its_way.pk}/resend")  # refused: not stuck
    assert len(queued) == 1
    failed.refresh_from_db()
    assert failed.delivery == Message.Delivery.PENDING
    assert "ticket.mail_resent" in [e.kind for e in events_for(ticket)]


def test_mailboxes_show_the_last_read_and_error_and_test_the_connection(
    contracted_personas: Personas, box: Mailbox
) -> None:
    Mailbox.objects.filter(pk=box.pk).update(
        last_error="IMAP: LoginError: wrong password", last_error_at=timezone.now()
    )
    client = agent(contracted_personas, "pl")
    page = client.get("/console/mail/mailboxes").content.decode()
    assert "IMAP: LoginError: wrong password" in page and "nigdy" in page
    tested = client.post(f"/console/mail/mailboxes/{box.pk}/test", follow=True).content.decode()
    assert "pomoc: połączenie nie powiodło się" in tested
