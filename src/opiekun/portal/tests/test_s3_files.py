"""Shared files on an S3-compatible server (issue 19, item 3): with OPIEKUN_STORAGE=s3 an
attachment uploaded in the portal, or arriving by mail and written by the poll, lands in
the bucket (never on the local disk), and downloads through the app's permission check
for its owner and staff; another customer and an outsider get 404."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opiekun.mail import poll
from opiekun.mail.models import Mailbox
from opiekun.testing.mailservers import Dovecot
from opiekun.testing.personas import Personas
from opiekun.testing.s3 import S3Server
from opiekun.tickets import actions
from opiekun.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 faktura z S3\n%%EOF\n"
EML = Path(__file__).resolve().parents[2] / "mail" / "tests" / "eml" / "outlook-cp1250.eml"


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def _downloads(p: Personas, ticket: Ticket, attachment: Attachment) -> dict[str, int]:
    portal = f"/portal/tickets/{ticket.pk}/files/{attachment.pk}"
    api = f"/api/v1/attachments/{attachment.pk}"
    statuses = {}
    for who in ("customer_a", "customer_b", "outsider"):
        client = client_of(p, who)
        statuses[f"{who} portal"] = client.get(portal).status_code
        statuses[f"{who} api"] = client.get(api).status_code
    return statuses


def _no_local_media() -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_portal_upload_round_trips_through_the_bucket(
    contracted_personas: Personas, s3_server: S3Server, s3_bucket: str
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="Wydruk", contact=p.customer_a)
    customer = client_of(p, "customer_a")
    response = customer.post(
        f"/portal/tickets/{ticket.pk}/reply",
        {"body": "Faktura w załączeniu", "attachments": [SimpleUploadedFile("f.pdf", PDF)]},
    )
    assert response.status_code == 302
    stored = Attachment.objects.get(ticket=ticket)
    digest = hashlib.sha256(PDF).hexdigest()
    # In the bucket, under the installation's prefix, named by its hash; not on the disk.
    assert s3_server.keys(s3_bucket) == [f"t/attachments/{digest[:2]}/{digest}"]
    assert s3_server.read(s3_bucket, f"t/attachments/{digest[:2]}/{digest}") == PDF
    assert _no_local_media()

    download = customer.get(f"/portal/tickets/{ticket.pk}/files/{stored.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    staff = client_of(p, "agent").get(f"/api/v1/attachments/{stored.pk}")
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == PDF  # type: ignore[attr-defined]
    assert _downloads(p, ticket, stored) == {
        "customer_a portal": 200,
        "customer_a api": 200,
        "customer_b portal": 404,
        "customer_b api": 404,
        "outsider portal": 404,
        "outsider api": 404,
    }


def test_the_same_bytes_twice_are_one_object(
    contracted_personas: Personas, s3_server: S3Server, s3_bucket: str
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="Dwa", contact=p.customer_a)
    actions.answer(ticket, staff=p.agent, body="Wzór", files=[("wzor.pdf", PDF)])
    actions.answer(ticket, staff=p.agent, body="Jeszcze raz", files=[("kopia.pdf", PDF)])
    assert len(s3_server.keys(s3_bucket)) == 1
    assert Attachment.objects.filter(ticket=ticket).count() == 2


@pytest.mark.needs_dovecot
def test_a_mail_attachment_written_by_the_poll_round_trips_through_the_bucket(
    contracted_personas: Personas,
    s3_server: S3Server,
    s3_bucket: str,
    dovecot_server: Dovecot,
    imap_user: str,
) -> None:
    p = contracted_personas
    mailbox = Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=dovecot_server.port,
        security=Mailbox.Security.PLAIN,
        username=imap_user,
        password=dovecot_server.password,
    )
    dovecot_server.append(imap_user, [EML.read_bytes()])
    assert poll.poll(mailbox).new == 1
    ticket = Ticket.objects.get()
    shot = Attachment.objects.get(ticket=ticket, filename="zrzut ekranu.png")
    key = f"t/attachments/{shot.sha256[:2]}/{shot.sha256}"
    assert key in s3_server.keys(s3_bucket)
    kept = s3_server.read(s3_bucket, key)
    assert hashlib.sha256(kept).hexdigest() == shot.sha256
    assert _no_local_media()

    download = client_of(p, "customer_a").get(f"/portal/tickets/{ticket.pk}/files/{shot.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == kept  # type: ignore[attr-defined]
    statuses = _downloads(p, ticket, shot)
    assert statuses["customer_b portal"] == statuses["outsider portal"] == 404
    assert statuses["customer_b api"] == statuses["outsider api"] == 404
