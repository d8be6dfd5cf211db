"""Attachments on answers and notes with their inline preview, and the ticket's history
with the resend of a failed e-mail (issue 15, items 4 and 5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opiekun.celery import app
from opiekun.core.audit import events_for
from opiekun.mail import outbound
from opiekun.testing.mailservers import SmtpSink
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def client_of(p: Personas, who: str, **headers: Any) -> Client:
    client = Client(**headers)
    client.force_login(p.user(who))
    return client


@pytest.fixture
def ticket(contracted_personas: Personas) -> Ticket:
    p = contracted_personas
    return actions.open_ticket(p.org_a, channel="email", subject="Wydruk", contact=p.customer_a)


def test_an_answer_and_a_note_carry_several_files(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    agent = client_of(contracted_personas, "agent")
    files = [SimpleUploadedFile("ekran.png", PNG), SimpleUploadedFile("raport.pdf", PDF)]
    response = agent.post(
        f"/console/tickets/{ticket.pk}/answer", {"body": "W załączeniu", "attachments": files}
    )
    assert response.status_code == 302
    answer = ticket.messages.get(direction="out")
    assert sorted(answer.attachments.values_list("filename", "content_type")) == [
        ("ekran.png", "image/png"),
        ("raport.pdf", "application/pdf"),
    ]
    agent.post(
        f"/console/tickets/{ticket.pk}/note",
        {"body": "Log", "attachments": [SimpleUploadedFile("a.svg", SVG)]},
    )
    note = ticket.messages.get(direction="note")
    # Typed by its bytes, never by its name: an SVG is opaque bytes, a download only.
    assert note.attachments.get().content_type == "application/octet-stream"
    kinds = list(events_for(ticket).values_list("kind", flat=True))
    assert kinds.count("ticket.attachment_added") == 3
    # The customer sees the answer's files, never the note's.
    customer = client_of(contracted_personas, "customer_a")
    listed = customer.get(f"/api/v1/tickets/{ticket.pk}/attachments").json()
    assert sorted(a["filename"] for a in listed) == ["ekran.png", "raport.pdf"]


def test_a_refused_file_leaves_no_answer_and_keeps_the_text(
    contracted_personas: Personas, ticket: Ticket, settings: pytest.FixtureRequest
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    agent = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="en")
    big = SimpleUploadedFile("duzy.pdf", PDF + b"x" * 2000)
    response = agent.post(
        f"/console/tickets/{ticket.pk}/answer", {"body": "Proszę spojrzeć", "attachments": [big]}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="answer-attachments-errors"' in page
    assert "over the limit of 1024 bytes" in page and "Proszę spojrzeć</textarea>" in page
    assert not Message.objects.exists() and not Attachment.objects.exists()
    many = [SimpleUploadedFile(f"{n}.png", PNG) for n in range(11)]
    response = agent.post(f"/console/tickets/{ticket.pk}/note", {"body": "x", "attachments": many})
    assert response.status_code == 400 and "At most 10 files at once." in response.content.decode()
    assert not Message.objects.exists()


def stored(p: Personas, ticket: Ticket, name: str, content: bytes) -> Attachment:
    note = actions.add_note(ticket, staff=p.agent, body=name, files=[(name, content)])
    return note.attachments.get()


def test_images_and_pdfs_preview_inline_with_the_download_s_safety_headers(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    image, pdf, svg = (
        stored(contracted_personas, ticket, "ekran.png", PNG),
        stored(contracted_personas, ticket, "skan.pdf", PDF),
        stored(contracted_personas, ticket, "rysunek.svg", SVG),
    )
    agent = client_of(contracted_personas, "agent")
    base = f"/console/tickets/{ticket.pk}/attachments"
    shown = agent.get(f"{base}/{image.pk}/preview")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Security-Policy"] == "default-src 'none'; sandbox"
    framed = agent.get(f"{base}/{pdf.pk}/preview")
    assert framed["Content-Type"] == "application/pdf"
    assert framed["Content-Disposition"].startswith("inline")
    assert framed["X-Content-Type-Options"] == "nosniff"
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    assert "script-src" not in framed["Content-Security-Policy"]  # default-src 'none'
    # An SVG (or HTML) is never shown inline: no preview, the download only.
    assert agent.get(f"{base}/{svg.pk}/preview").status_code == 404
    download = agent.get(f"/api/v1/attachments/{svg.pk}")
    assert download["Content-Disposition"].startswith("attachment")
    page = agent.get(f"/console/tickets/{ticket.pk}/")
    html = page.content.decode()
    assert f'<img src="{base}/{image.pk}/preview"' in html
    assert f'<iframe src="{base}/{pdf.pk}/preview"' in html
    assert f"{base}/{svg.pk}/preview" not in html
    # The page's own policy lets it frame its own PDFs and nothing else.
    assert "frame-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_a_preview_is_404_for_anyone_but_staff(
    contracted_personas: Personas, ticket: Ticket, who: str
) -> None:
    image = stored(contracted_personas, ticket, "ekran.png", PNG)
    client = client_of(contracted_personas, who)
    url = f"/console/tickets/{ticket.pk}/attachments/{image.pk}/preview"
    assert client.get(url).status_code == 404


def test_a_preview_must_belong_to_the_ticket_in_its_url(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    other = actions.open_ticket(p.org_b, channel="email", subject="B", contact=p.customer_b)
    image = stored(p, other, "b.png", PNG)
    agent = client_of(p, "agent")
    url = f"/console/tickets/{ticket.pk}/attachments/{image.pk}/preview"
    assert agent.get(url).status_code == 404


def test_the_history_tells_who_did_what_when_in_both_languages(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    agent_user = p.user("agent")
    actions.start_work(ticket, actor=agent_user)
    actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=17, actor=agent_user)
    actions.wait_for_customer(ticket, actor=agent_user)
    english = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="en").get(f"/console/tickets/{ticket.pk}/")
    history = english.content.decode().split('id="history"')[1]
    for line in (
        "Ticket opened",
        "Work started",
        "Work logged",
        "17 min logged",
        "Waiting for the customer: the clock is paused",
        "Alicja Agent",
        "the system",  # the ticket was opened by no one signed in
    ):
        assert line in history, line
    # Newest first.
    assert history.index("Waiting for the customer") < history.index("Ticket opened")
    polish = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="pl").get(f"/console/tickets/{ticket.pk}/")
    history = polish.content.decode().split('id="history"')[1]
    assert "Otwarto zgłoszenie" in history and "Zapisano pracę" in history
    assert "Czeka na klienta: zegar stoi" in history


def test_a_failed_e_mail_shows_in_the_history_and_is_sent_again(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    answer = actions.answer(ticket, staff=p.agent, body="Odpowiedź")
    outbound.fail(answer.pk, "refused: 550 no such user")
    agent = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="en")
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    resend = f"/console/tickets/{ticket.pk}/messages/{answer.pk}/resend"
    assert "E-mail failed" in page and "550 no such user" in page
    assert f'action="{resend}"' in page
    # Only staff, and only through the ticket the message is on.
    other = actions.open_ticket(p.org_b, channel="email", subject="B", contact=p.customer_b)
    assert agent.post(f"/console/tickets/{other.pk}/messages/{answer.pk}/resend").status_code == 404
    assert client_of(p, "customer_a").post(resend).status_code == 404
    answer.refresh_from_db()
    assert answer.delivery == "failed"
    assert agent.post(resend).status_code == 302
    answer.refresh_from_db()
    assert answer.delivery == "pending" and answer.attempts == 0
    assert events_for(ticket).filter(kind="ticket.mail_resent", data__message=answer.pk).exists()
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "E-mail sent again" in page and f'action="{resend}"' not in page
    again = agent.post(resend)  # it is no longer failed: refused on the page, not a 500
    assert again.status_code == 400
    assert "Only a message that failed can be sent again." in again.content.decode()


@pytest.fixture
def eager_celery() -> Iterator[None]:
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


def test_r_ch_2_an_e_mail_answer_carries_its_files(
    contracted_personas: Personas,
    ticket: Ticket,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    agent = client_of(contracted_personas, "agent")
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(
            f"/console/tickets/{ticket.pk}/answer",
            {
                "body": "Instrukcja w załączniku",
                "attachments": [SimpleUploadedFile("instr.pdf", PDF)],
            },
        )
    [sent] = smtp_sink.messages
    parts = [part for part in sent.walk() if part.get_filename()]
    assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
        ("instr.pdf", "application/pdf")
    ]
    assert parts[0].get_payload(decode=True) == PDF
    assert ticket.messages.get().delivery == "sent"
