"""The customer sees and downloads the files of their ticket's messages on the portal and
replies with several files (issue 16, item 3); an internal note's files stay inside, a
program is refused, another customer or an outsider gets 404. Staff see all files."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opiekun.testing.personas import Personas
from opiekun.tickets import actions, attachments
from opiekun.tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4 zrzut\n%%EOF\n"
PE = b"MZ\x90\x00" + b"\x00" * 60


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def _links(page: str) -> dict[str, str]:
    """File name -> download address, as the page links them."""
    found = re.findall(r'<a href="(/portal/tickets/\d+/files/\d+)" download>([^<]+)</a>', page)
    return {name: href for href, name in found}


@pytest.fixture
def ticket(contracted_personas: Personas) -> Ticket:
    p = contracted_personas
    found = actions.open_ticket(p.org_a, channel="portal", subject="Wydruk", contact=p.customer_a)
    attachments.store(found, "pismo.pdf", PDF)  # the question form's file
    actions.answer(found, staff=p.agent, body="Proszę o log", files=[("instrukcja.pdf", PDF)])
    actions.add_note(found, staff=p.agent, body="wewn.", files=[("wewnetrzny.png", PNG)])
    return found


def test_the_customer_replies_with_several_files_and_downloads_each(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    customer = client_of(contracted_personas, "customer_a")
    files = [SimpleUploadedFile("ekran.png", PNG), SimpleUploadedFile("log.txt", b"ERROR 42\n")]
    response = customer.post(
        f"/portal/tickets/{ticket.pk}/reply", {"body": "Log w załączeniu", "attachments": files}
    )
    assert response.status_code == 302
    reply = ticket.messages.get(direction=Message.Direction.INBOUND)
    assert reply.author_contact == contracted_personas.customer_a
    assert sorted(reply.attachments.values_list("filename", "content_type")) == [
        ("ekran.png", "image/png"),
        ("log.txt", "application/octet-stream"),
    ]
    page = customer.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    links = _links(page)
    # Their own files, the question's and the answer's; never the internal note's.
    assert set(links) == {"pismo.pdf", "instrukcja.pdf", "ekran.png", "log.txt"}
    download = customer.get(links["log.txt"])
    assert download.status_code == 200
    assert download.getvalue() == b"ERROR 42\n"
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_reply_of_only_a_file_is_taken(contracted_personas: Personas, ticket: Ticket) -> None:
    customer = client_of(contracted_personas, "customer_a")
    response = customer.post(
        f"/portal/tickets/{ticket.pk}/reply", {"attachments": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    assert response.status_code == 302
    assert ticket.messages.get(direction="in").attachments.get().filename == "a.pdf"


def test_a_program_is_refused_with_the_text_kept_and_nothing_stored(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    customer = client_of(contracted_personas, "customer_a")
    before = Attachment.objects.count()
    response = customer.post(
        f"/portal/tickets/{ticket.pk}/reply",
        {
            "body": "Instalator w załączeniu",
            "attachments": [
                SimpleUploadedFile("ekran.png", PNG),
                SimpleUploadedFile("faktura.pdf", PE),  # a program under a PDF's name
            ],
        },
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "faktura.pdf" in page and "programy nie są przyjmowane" in page
    assert "Instalator w załączeniu</textarea>" in page
    assert not ticket.messages.filter(direction="in").exists()
    assert Attachment.objects.count() == before


def test_an_empty_reply_is_refused_on_its_field(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    customer = client_of(contracted_personas, "customer_a")
    response = customer.post(f"/portal/tickets/{ticket.pk}/reply", {"body": "  "})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not ticket.messages.filter(direction="in").exists()


def test_a_note_file_or_another_customers_file_is_a_404(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    note_file = Attachment.objects.get(filename="wewnetrzny.png")
    answer_file = Attachment.objects.get(filename="instrukcja.pdf")
    customer = client_of(p, "customer_a")
    assert customer.get(f"/portal/tickets/{ticket.pk}/files/{note_file.pk}").status_code == 404
    other = actions.open_ticket(p.org_a, channel="email", subject="Inny", contact=p.customer_a)
    # A file is served under its own ticket only.
    assert customer.get(f"/portal/tickets/{other.pk}/files/{answer_file.pk}").status_code == 404
    for who in ("customer_b", "outsider", "agent"):
        url = f"/portal/tickets/{ticket.pk}/files/{answer_file.pk}"
        assert client_of(p, who).get(url).status_code == 404, who


def test_staff_see_every_file_on_the_console(contracted_personas: Personas, ticket: Ticket) -> None:
    customer = client_of(contracted_personas, "customer_a")
    customer.post(
        f"/portal/tickets/{ticket.pk}/reply",
        {"body": "x", "attachments": [SimpleUploadedFile("ekran.png", PNG)]},
    )
    page = client_of(contracted_personas, "agent").get(f"/console/tickets/{ticket.pk}/")
    text = page.content.decode()
    for name in ("pismo.pdf", "instrukcja.pdf", "wewnetrzny.png", "ekran.png"):
        assert name in text, name


def test_a_contact_replies_with_files_through_the_api(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    customer = client_of(contracted_personas, "customer_a")
    response = customer.post(
        f"/api/v1/tickets/{ticket.pk}/messages/with-attachments",
        {
            "kind": "reply",
            "body": "Dwa pliki",
            "file": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)],
        },
    )
    assert response.status_code == 201, response.content
    reply = ticket.messages.get(direction="in")
    assert reply.attachments.count() == 2
    refused = customer.post(
        f"/api/v1/tickets/{ticket.pk}/messages/with-attachments",
        {"kind": "reply", "body": "x", "file": [SimpleUploadedFile("setup.png", PE)]},
    )
    assert refused.status_code in (400, 422) and refused.json()["field"] == "file"
    answer = customer.post(
        f"/api/v1/tickets/{ticket.pk}/messages/with-attachments",
        {"kind": "answer", "body": "x", "file": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    assert answer.status_code == 403
    assert ticket.messages.filter(direction="in").count() == 1
