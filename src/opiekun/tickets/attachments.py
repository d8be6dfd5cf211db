"""Attachments: stored under their content hash, typed by their bytes (never by what the
sender declared), capped in size, served only as downloads."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

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
    (b"BM", "image/bmp"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),  # an empty archive
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    # Office documents of before 2007 (and Outlook's .msg): one container format.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    # Programs: refused unless settings.ATTACHMENT_ALLOWED_TYPES names them (ADR 0017).
    (b"MZ", "application/x-msdownload"),  # Windows (and DOS) programs and libraries
    (b"\x7fELF", "application/x-executable"),  # Linux and other Unix programs
    (b"\xfe\xed\xfa\xce", "application/x-mach-binary"),  # macOS programs, both
    (b"\xfe\xed\xfa\xcf", "application/x-mach-binary"),  # byte orders and widths
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xca\xfe\xba\xbe", "application/x-mach-binary"),  # a universal binary (or Java)
    (b"#!", "text/x-script"),  # a script its interpreter line makes runnable
)

# The types of programs: refused with a sentence that says so.
EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-mach-binary",
        "text/x-script",
    }
)


# What settings.ATTACHMENT_ALLOWED_TYPES allows when it is not set: documents, images,
# archives, and every file of no known signature (logs, configs, dumps), but no
# program: a service desk passes files between strangers (ADR 0017).
DEFAULT_ALLOWED_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/tiff",
        "image/bmp",
        "image/webp",
        "application/zip",
        "application/gzip",
        "application/x-7z-compressed",
        "application/vnd.rar",
        "application/x-ole-storage",
    }
)
# Names a program runs under whatever its bytes look like (a batch file is plain text):
# refused by name too, on top of the content check (settings.ATTACHMENT_REFUSED_EXTENSIONS).
DEFAULT_REFUSED_EXTENSIONS = frozenset(
    [
        "exe",
        "com",
        "scr",
        "pif",
        "msi",
        "msp",
        "dll",
        "cpl",
        "bat",
        "cmd",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "ps1",
        "hta",
        "lnk",
        "jar",
    ]
)


class AttachmentError(ValueError):
    """An attachment is refused; the message says why."""


def sniff(content: bytes) -> str:
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            if signature == b"BM" and not _is_bmp(content):
                continue  # two letters begin much text; a bitmap's header says its size
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    # Anything else is served as opaque bytes: never as HTML or SVG a browser would run.
    return "application/octet-stream"


def _is_bmp(content: bytes) -> bool:
    return len(content) >= 26 and int.from_bytes(content[2:6], "little") == len(content)


def refusal(filename: str, content_type: str) -> str | None:
    """Why a file of this name and (sniffed) type is not accepted, or None. The type
    comes from the bytes; the name only adds refusals (a batch file is plain text)."""
    allowed = settings.ATTACHMENT_ALLOWED_TYPES
    refused_names = settings.ATTACHMENT_REFUSED_EXTENSIONS
    if content_type not in (DEFAULT_ALLOWED_TYPES if allowed is None else allowed):
        if content_type in EXECUTABLE_TYPES:
            return _("%(name)s is a program; programs are not accepted as attachments") % {
                "name": filename
            }
        return _("%(name)s: files of this type (%(type)s) are not accepted") % {
            "name": filename,
            "type": content_type,
        }
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    refused_names = DEFAULT_REFUSED_EXTENSIONS if refused_names is None else refused_names
    if extension and extension in {e.lower().lstrip(".") for e in refused_names}:
        return _("%(name)s: files named .%(ext)s are not accepted") % {
            "name": filename,
            "ext": extension,
        }
    return None


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
    content_type = sniff(content)
    name = safe_filename(filename)
    refused = refusal(name, content_type)
    if refused:
        raise AttachmentError(f"file: {refused}")
    sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=name,
            content_type=content_type,
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
