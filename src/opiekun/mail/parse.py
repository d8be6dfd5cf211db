"""``parse(bytes) -> InboundMessage``: one e-mail as the desk needs it (pure: no Django).

Never raises on bad input it can read around: broken charsets, encoded words in unknown
charsets, raw 8-bit headers, missing dates and Message-IDs, a broken header block
(``repair``), trees nested too deep. HTML is sanitised with nh3 and a plain-text version
is always there. The work is in modules by topic: ``headers`` (header values and
addresses), ``bodies`` (text, HTML and files), ``replies`` (the new part of a reply)."""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.utils import parsedate_to_datetime
from functools import cached_property

import nh3

from opiekun.core.text import scrub
from opiekun.mail import charsets, loops, replies
from opiekun.mail.bodies import EXTENSIONS, Part, collect, html_to_text, message_id
from opiekun.mail.headers import addresses, first_address, raw_text
from opiekun.mail.headers import header_text as _header_text
from opiekun.mail.repair import repair

__all__ = ["EXTENSIONS", "InboundMessage", "ParseError", "Part", "html_to_text", "parse"]

_ANGLED = re.compile(r"<[^<>\s]+>")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
URL_SCHEMES = {"http", "https", "mailto", "cid", "tel"}
_message_id = message_id


class ParseError(ValueError):
    """The bytes are not an e-mail at all."""


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

    @cached_property
    def new_text(self) -> str:
        """The new part of a reply: ``text`` without the quoted thread and the signature
        (worked out when asked: only replies on a ticket need it)."""
        return replies.new_part(self.text)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this one answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [ref for ref in reversed(self.references) if ref not in ids]
        return tuple(ids)


def header_text(value: object) -> str:
    """A header's text with RFC 2047 encoded words decoded (see ``headers``)."""
    return _header_text(value)


def _date(value: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


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


def _readable_headers(message: Message, hint: str | None) -> None:
    """Headers as the standard library can read them: raw 8-bit values (compat32 gives
    them as ``Header`` objects, which its own parameter parsing cannot split) become
    text, read in the body's charset first; a transfer encoding loses stray blanks."""
    for part in message.walk():
        # raw_items: no policy work per header; 8-bit values hold surrogate escapes.
        for name in {key for key, value in part.raw_items() if not value.isascii()}:
            values = [raw_text(value, hint) for value in part.get_all(name) or []]
            del part[name]
            for value in values:
                part[name] = value
        encoding = part.get("Content-Transfer-Encoding")
        if isinstance(encoding, str) and encoding != encoding.strip():
            # "quoted-printable   " is not decoded by the standard library as it is.
            part.replace_header("Content-Transfer-Encoding", encoding.strip())


_FIRST_DELIMITER = re.compile(r"^--([^\s]{1,200}?)[ \t]*$", re.MULTILINE)


def _mend_boundary(message: Message) -> Message:
    """A multipart message whose declared boundary never occurs is read with the
    delimiter its body does use (what a lenient reader recovers)."""
    body = message.get_payload()
    if message.get_content_maintype() != "multipart" or not isinstance(body, str):
        return message
    found = _FIRST_DELIMITER.search(body)
    if found is None or found.group(1) == message.get_boundary():
        return message
    try:
        message.set_boundary(found.group(1).removesuffix("--"))
        return email.message_from_bytes(message.as_bytes(), policy=policy.compat32)
    except (ValueError, LookupError, TypeError, UnicodeError, email.errors.HeaderParseError):
        return message


def _sender(message: Message, hint: str | None) -> tuple[str, str]:
    """(name, address) of who wrote the mail: From's first mailbox. Only when From holds
    no address at all: Sender, then Return-Path unless it is the null path. Reply-To is
    never the sender (it is where answers go): anyone may set it."""
    name, address = first_address(message.get("From"), hint)
    if address:
        return name, address
    if not name:
        name = _header_text(message.get("From"), hint).strip(" <>\"'")
    for fallback in ("Sender", "Return-Path"):
        address = first_address(message.get(fallback), hint)[1]
        if address:
            return name, address
    return name, ""


def parse(raw: bytes) -> InboundMessage:
    if not raw or not raw.strip():
        raise ParseError("message: empty")
    try:
        message = email.message_from_bytes(repair(raw), policy=policy.compat32)
    except RecursionError:
        raise ParseError("message: nested too deeply to read") from None
    if not message.keys():
        raise ParseError("message: no headers")
    message = _mend_boundary(message)
    charset = _CHARSET.search(raw)
    hint = charsets.header_hint(charset.group(1).decode("ascii")) if charset else None
    try:
        _readable_headers(message, hint)
    except RecursionError:
        raise ParseError("message: nested too deeply to read") from None

    present = {key.lower() for key in message}

    def header(name: str) -> str:
        # Robots are told by some twenty headers most mail lacks: absent ones cost nothing.
        if name.lower() not in present:
            return ""
        value = message.get(name)
        return _header_text(value, hint) if value else ""

    sender_name, sender = _sender(message, hint)
    subject = header("Subject")[:300]
    found = collect(message, hint)
    texts = found.texts
    if not texts:
        # An inline-looking text file is the body when there is nothing else.
        for part in found.parts:
            if part.content_type == "text/plain":
                texts = [charsets.decode(part.content, hint)]
                break
    html = scrub("\n".join(found.htmls)) if found.rich else ""
    text = scrub("\n\n".join(t.strip("\n") for t in texts if t.strip()).strip())
    return InboundMessage(
        message_id=_message_id(header("Message-ID")),
        subject=subject,
        sender=sender,
        sender_name=scrub(sender_name)[:200],
        reply_to=first_address(message.get("Reply-To"), hint)[1],
        to=tuple(a for _, a in addresses(message.get("To"), hint)),
        cc=tuple(a for _, a in addresses(message.get("Cc"), hint)),
        date=_date(header("Date")),
        in_reply_to=_message_id(header("In-Reply-To")) if header("In-Reply-To") else "",
        references=tuple(_ANGLED.findall(header("References")))[-50:],
        text=text,
        html=sanitise_html(html) if html else "",
        attachments=tuple(found.parts),
        automatic=loops.automatic_reason(
            header,
            subject=subject,
            sender=sender,
            sender_name=sender_name,
            content_type=message.get_content_type(),
            part_types={part.get_content_type() for part in message.walk()},
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
