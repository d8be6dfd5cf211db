"""Attachments: stored under their content hash, typed by their bytes (never by what the
sender declared), capped in size, served only as downloads."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.tickets.models import Attachment, Message, Ticket, attachment_path

# Magic numbers of what support tickets carry: scans, screenshots, office files, logs.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),
)


class AttachmentError(ValueError):
    """An attachment is refused; the message says why."""


def sniff(content: bytes) -> str:
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    # Anything else is served as opaque bytes: never as HTML or SVG a browser would run.
    return "application/octet-stream"


def safe_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>|*?:')
    return cleaned[:200] or "attachment"


def store(
    ticket: Ticket,
    filename: str,
    content: bytes,
    *,
    message: Message | None = None,
    inline: bool = False,
    actor: Actor = None,
) -> Attachment:
    limit = settings.ATTACHMENT_MAX_BYTES
    if len(content) > limit:
        raise AttachmentError(f"file: {len(content)} bytes is over the limit of {limit} bytes")
    if not content:
        raise AttachmentError("file: the file is empty")
    sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=safe_filename(filename),
            content_type=sniff(content),
            size=len(content),
            sha256=sha256,
            is_inline=inline,
        )
        # The same bytes twice are one file on disk (the name is the hash).
        path = attachment_path(attachment, sha256)
        if attachment.file.storage.exists(path):
            attachment.file.name = path
        else:
            attachment.file.save(sha256, ContentFile(content), save=False)
        attachment.save()
        audit.record(
            "ticket.attachment_added",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            attachment=attachment.pk,
            filename=attachment.filename,
            size=attachment.size,
            content_type=attachment.content_type,
        )
    return attachment
