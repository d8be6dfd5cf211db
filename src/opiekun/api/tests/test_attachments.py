"""Attachments and fax intake (R-CH-5): stored by hash, typed by content, capped, served
only as downloads after the permission check."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opiekun.testing.personas import Personas
from opiekun.tickets import actions, attachments
from opiekun.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% scan of form HOT-01\n"


def logged_in(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def test_r_ch_5_a_fax_becomes_a_ticket_with_its_scan(contracted_personas: Personas) -> None:
    p = contracted_personas
    response = logged_in(p, "agent").post(
        "/api/v1/faxes",
        data={
            "organisation_id": p.org_a.pk,
            "subject": "Pytanie faksem",
            "form_sign": "OR.1.2026",
            "requester_name": "Adam Klient",
            "return_channel": "fax",
            "return_address": "+48225550000",
            "scan": SimpleUploadedFile("fax.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.channel, ticket.form_sign, ticket.return_channel) == ("fax", "OR.1.2026", "fax")
    scan = ticket.attachments.get()
    assert (scan.filename, scan.content_type, scan.size) == ("fax.pdf", "application/pdf", len(PDF))


def test_a_file_is_typed_by_its_bytes_and_served_as_a_download(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="x", contact=p.customer_a)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    upload = logged_in(p, "customer_a").post(
        f"/api/v1/tickets/{ticket.pk}/attachments",
        data={
            "file": SimpleUploadedFile("../../etc/obrazek.svg", svg, content_type="image/svg+xml")
        },
    )
    assert upload.status_code == 201, upload.content
    stored = Attachment.objects.get(pk=upload.json()["id"])
    assert stored.filename == "obrazek.svg"  # no path from the sender reaches the disk
    assert stored.content_type == "application/octet-stream"  # never served as SVG
    assert stored.file.name == f"attachments/{stored.sha256[:2]}/{stored.sha256}"
    download = logged_in(p, "agent").get(upload.json()["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == svg  # type: ignore[attr-defined]
    assert logged_in(p, "customer_b").get(upload.json()["url"]).status_code == 404
    assert logged_in(p, "outsider").get(upload.json()["url"]).status_code == 404


def test_files_over_the_limit_or_empty_are_refused(contracted_personas: Personas, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 2048
    ticket = actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    with pytest.raises(attachments.AttachmentError, match="over the limit of 2048 bytes"):
        attachments.store(ticket, "big.pdf", b"%PDF" + b"0" * 4096)
    with pytest.raises(attachments.AttachmentError, match="empty"):
        attachments.store(ticket, "empty.txt", b"")
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7", "application/pdf"),
        (b"\x89PNG\r\n\x1a\nxx", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"<html><script>", "application/octet-stream"),
    ],
)
def test_sniffing(content: bytes, expected: str) -> None:
    assert attachments.sniff(content) == expected


def test_the_same_bytes_are_stored_once(contracted_personas: Personas) -> None:
    ticket = actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    first = attachments.store(ticket, "a.pdf", PDF)
    second = attachments.store(ticket, "kopia.pdf", PDF)
    assert first.file.name == second.file.name
    assert (first.filename, second.filename) == ("a.pdf", "kopia.pdf")


def test_a_file_on_an_internal_note_is_not_listed_to_the_customer(
    contracted_personas: Personas,
) -> None:
    """Issue 13: the list showed a note's file that the download then refused; a reader
    is listed only what they may open."""
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="x", contact=p.customer_a)
    note = actions.add_note(ticket, staff=p.agent, body="Internal: see the log")
    hidden = attachments.store(ticket, "internal.pdf", PDF, message=note, actor=p.agent.user)
    shown = attachments.store(ticket, "scan.pdf", PDF + b"1", actor=p.customer_a.user)
    listed = logged_in(p, "customer_a").get(f"/api/v1/tickets/{ticket.pk}/attachments").json()
    assert [a["id"] for a in listed] == [shown.pk]
    assert logged_in(p, "customer_a").get(f"/api/v1/attachments/{hidden.pk}").status_code == 404
    staff = logged_in(p, "agent").get(f"/api/v1/tickets/{ticket.pk}/attachments").json()
    assert [a["id"] for a in staff] == [hidden.pk, shown.pk]
