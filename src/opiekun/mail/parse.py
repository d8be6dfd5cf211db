"""``parse(bytes) -> InboundMessage``: one e-mail as the desk needs it (pure: no Django).

Never raises on bad input it can read around: broken charsets, encoded words in unknown
charsets, raw 8-bit headers, missing dates and Message-IDs. HTML is sanitised with nh3
and a plain-text version is always there."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email
import email.parser
import html as html_lib
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

from opiekun.core.text import scrub
from opiekun.mail import charsets, loops

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_ANGLED = re.compile(r"<[^<>\s]+>")
URL_SCHEMES = {"http", "https", "mailto", "cid", "tel"}


class ParseError(ValueError):
    """The bytes are not an e-mail at all."""


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""


@dataclass(frozen=True)
class DeliveryReport:
    """A bounce: which of our messages did not arrive, to whom, and why."""

    original_message_id: str
    recipient: str
    diagnostic: str


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    subject: str
    sender: str
    sender_name: str = ""
    reply_to: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    date: dt.datetime | None = None
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    text: str = ""
    html: str = ""
    attachments: tuple[Part, ...] = ()
    automatic: str = ""
    delivery_report: DeliveryReport | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this one answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [ref for ref in reversed(self.references) if ref not in ids]
        return tuple(ids)


def _raw_header(value: object) -> str:
    if isinstance(value, Header):
        # compat32 wraps raw 8-bit header bytes in a Header of charset unknown-8bit.
        return "".join(
            charsets.decode(chunk, None if charset in (None, "unknown-8bit") else charset)
            if isinstance(chunk, bytes)
            else chunk
            for chunk, charset in decode_header(value)
        )
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        # Raw 8-bit bytes in a header arrive as surrogate escapes: decode them for real.
        text = charsets.decode(text.encode("ascii", "surrogateescape"))
    return text


def _decode_word(charset: str, encoding: str, payload: str) -> bytes:
    if encoding.lower() == "b":
        try:
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"))


def header_text(value: object) -> str:
    """A header's text with RFC 2047 encoded words decoded in any charset; adjacent words
    in one charset are joined before decoding, so a character split across them
    survives."""
    if value is None:
        return ""
    text = _raw_header(value)
    out: list[str] = []
    pending: bytes = b""
    pending_charset = ""
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(charsets.decode(pending, pending_charset))
        pending, pending_charset = b"", ""

    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        charset = match.group(1).split("*", 1)[0]
        if between.strip() or (pending and charset.lower() != pending_charset.lower()):
            flush()
            if between.strip():
                out.append(between)
        pending += _decode_word(charset, match.group(2), match.group(3))
        pending_charset = charset
        position = match.end()
    flush()
    out.append(text[position:])
    # Mail is taken whatever it holds: what no column can store (NUL, stray control
    # characters, undecodable halves of characters) is dropped, not refused.
    return scrub(re.sub(r"\s*[\r\n]+\s*", " ", "".join(out))).strip()


def _message_id(value: str) -> str:
    found = _ANGLED.findall(value)
    if found:
        return found[0][:250]
    value = value.strip()
    return f"<{value[:248]}>" if value else ""


def _date(value: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def _leaves(message: Message) -> Iterator[Message]:
    """Every leaf part, with attached e-mails and reports kept whole (not read as our
    body text)."""
    if message.get_content_maintype() == "message":
        yield message
        return
    if message.is_multipart():
        for sub in message.get_payload() or []:
            if isinstance(sub, Message):
                yield from _leaves(sub)
        return
    yield message


def _payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return bytes(inner[0].as_bytes(policy=policy.compat32))
        return b""
    try:
        data = part.get_payload(decode=True)
    except (ValueError, binascii.Error, AssertionError):
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


_EXTENSIONS = {
    "text/plain": "txt",
    "text/html": "html",
    "message/rfc822": "eml",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/tiff": "tif",
    "application/pdf": "pdf",
}


def html_to_text(html: str) -> str:
    stripped = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", html), tags=set())
    lines = (line.strip() for line in html_lib.unescape(stripped).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sanitise_html(html: str) -> str:
    return nh3.clean(html, url_schemes=URL_SCHEMES)


def _delivery_report(message: Message) -> DeliveryReport | None:
    if message.get_content_type() != "multipart/report":
        return None
    original = recipient = diagnostic = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload() or []:
                if isinstance(block, Message):
                    recipient = recipient or header_text(block.get("Final-Recipient", ""))
                    diagnostic = diagnostic or header_text(
                        block.get("Diagnostic-Code", "") or block.get("Status", "")
                    )
        elif kind in ("message/rfc822", "text/rfc822-headers") and not original:
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original = _message_id(str(inner[0].get("Message-ID", "")))
            elif isinstance(inner, str):
                headers = email.message_from_string(inner, policy=policy.compat32)
                original = _message_id(str(headers.get("Message-ID", "")))
    recipient = recipient.split(";", 1)[-1].strip()
    return DeliveryReport(original, recipient[:254], diagnostic[:400])


def parse(raw: bytes) -> InboundMessage:
    if not raw or not raw.strip():
        raise ParseError("message: empty")
    message = email.message_from_bytes(raw, policy=policy.compat32)
    if not message.keys():
        raise ParseError("message: no headers")

    def header(name: str) -> str:
        return header_text(message.get(name, ""))

    sender_name, sender = parseaddr(header("From"))
    subject = header("Subject")[:300]
    texts: list[str] = []
    html = ""
    parts: list[Part] = []
    for index, part in enumerate(_leaves(message), start=1):
        kind = part.get_content_type()
        disposition = (part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
        filename = header_text(part.get_filename() or "")
        content = _payload(part)
        if not filename and disposition != "attachment" and kind in ("text/plain", "text/html"):
            text = charsets.decode(content, part.get_content_charset()).replace("\r\n", "\n")
            if kind == "text/plain":
                texts.append(text)
            elif not html:
                html = text
            continue
        if not content:
            continue
        content_id = _message_id(str(part.get("Content-ID", ""))) if part.get("Content-ID") else ""
        parts.append(
            Part(
                filename=filename or f"part-{index}.{_EXTENSIONS.get(kind, 'bin')}",
                content_type=kind,
                content=content,
                inline=disposition == "inline" or bool(content_id and disposition != "attachment"),
                content_id=content_id,
            )
        )
    html = scrub(html)
    clean_html = sanitise_html(html) if html else ""
    text = scrub("\n".join(t.strip("\n") for t in texts).strip() or html_to_text(html))
    sender = sender.strip().lower()
    return InboundMessage(
        message_id=_message_id(header("Message-ID")),
        subject=subject,
        sender=sender[:254],
        sender_name=sender_name[:200],
        reply_to=parseaddr(header("Reply-To"))[1].strip().lower()[:254],
        to=tuple(a.lower() for _, a in getaddresses([header("To")]) if a),
        cc=tuple(a.lower() for _, a in getaddresses([header("Cc")]) if a),
        date=_date(header("Date")),
        in_reply_to=_message_id(header("In-Reply-To")) if header("In-Reply-To") else "",
        references=tuple(_ANGLED.findall(header("References")))[-50:],
        text=text,
        html=clean_html,
        attachments=tuple(parts),
        automatic=loops.automatic_reason(
            header, subject=subject, sender=sender, content_type=message.get_content_type()
        ),
        delivery_report=_delivery_report(message),
        headers={
            name.lower(): header(name)
            for name in ("X-Fax-From", "X-Fax-Sender", "X-Fax-Number")
            if message.get(name)
        },
    )


_MESSAGE_ID_HEADER = re.compile(rb"^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.I | re.M)


def message_id_of(raw: bytes) -> str:
    """The Message-ID alone, found in the header block without parsing the message (the
    poll needs it for every message before anything else)."""
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        end = raw.find(b"\n\n")
    match = _MESSAGE_ID_HEADER.search(raw, 0, end if end >= 0 else len(raw))
    if match is None:
        return ""
    value = match.group(1).decode("ascii", "surrogateescape")
    return _message_id(header_text(value)) if value.strip() else ""
