"""Allowed attachment types are a setting, checked on the file's bytes (issue 16, item 3):
programs are refused by default whatever their name, and a few names a program runs
under are refused whatever their bytes."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from opiekun.testing.personas import Personas
from opiekun.tickets import actions, attachments
from opiekun.tickets.models import Attachment

pytestmark = pytest.mark.django_db

PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56  # the start of a Windows program
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PE, "application/x-msdownload"),
        (ELF, "application/x-executable"),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 28, "application/x-mach-binary"),
        (SCRIPT, "text/x-script"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 16, "application/gzip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24, "application/x-ole-storage"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"BM" + (30).to_bytes(4, "little") + b"\x00" * 24, "image/bmp"),
        (b"BMW please restart the service", "application/octet-stream"),
        (b"2026-03-02 ERROR timeout\n", "application/octet-stream"),
    ],
)
def test_types_are_read_from_the_bytes(content: bytes, kind: str) -> None:
    assert attachments.sniff(content) == kind


@pytest.mark.parametrize("name", ["raport.pdf", "faktura.txt", "setup.exe", "zdjecie"])
def test_a_program_is_refused_by_default_whatever_its_name(
    contracted_personas: Personas, name: str
) -> None:
    ticket = actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    with translation.override("en"), pytest.raises(attachments.AttachmentError) as refused:
        attachments.store(ticket, name, PE)
    assert str(refused.value).startswith("file: ") and "program" in str(refused.value)
    assert not Attachment.objects.exists()


def test_a_refusal_speaks_the_readers_language(contracted_personas: Personas) -> None:
    ticket = actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    with translation.override("pl"), pytest.raises(attachments.AttachmentError) as refused:
        attachments.store(ticket, "narzedzie.bin", ELF)
    assert "program" in str(refused.value) and "nie są przyjmowane" in str(refused.value)


def test_a_batch_file_is_refused_by_its_name_though_it_is_plain_text(
    contracted_personas: Personas,
) -> None:
    ticket = actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    with pytest.raises(attachments.AttachmentError, match=r"\.bat"):
        attachments.store(ticket, "napraw.BAT", b"del C:\\*.*\r\n")
    assert attachments.store(ticket, "napraw.txt", b"del C:\\*.*\r\n").filename == "napraw.txt"


def test_the_allowed_types_are_a_setting(contracted_personas: Personas) -> None:
    ticket = actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    with override_settings(ATTACHMENT_ALLOWED_TYPES=frozenset({"application/pdf"})):
        with pytest.raises(attachments.AttachmentError, match="image/png"):
            attachments.store(ticket, "ekran.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
        assert attachments.store(ticket, "a.pdf", b"%PDF-1.4 a").content_type == "application/pdf"
    # A vendor whose customers send their builds may allow programs.
    allowed = {"application/x-msdownload", "application/octet-stream"}
    with override_settings(
        ATTACHMENT_ALLOWED_TYPES=frozenset(allowed), ATTACHMENT_REFUSED_EXTENSIONS=frozenset()
    ):
        stored = attachments.store(ticket, "build.exe", PE)
    assert stored.content_type == "application/x-msdownload"


def test_a_refused_file_on_an_answer_leaves_no_answer(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="x", contact=p.customer_a)
    with pytest.raises(attachments.AttachmentError):
        actions.answer(
            ticket, staff=p.agent, body="Proszę", files=[("a.pdf", b"%PDF-1"), ("x.exe", PE)]
        )
    assert not ticket.messages.exists() and not Attachment.objects.exists()
