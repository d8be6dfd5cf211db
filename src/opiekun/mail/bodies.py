"""The text, HTML and files of a parsed e-mail's MIME tree (pure: no Django).

Every inline body part reaches the text, in order: text and HTML side by side in
multipart/mixed, a second HTML part, an inline text part that has a file name (kept as a
file as well). multipart/alternative gives one text (the plain version when there is
one) and one HTML version. uuencoded files inside a text part become attachments. A
tree nested deeper than MAX_DEPTH is kept as a file, not walked."""

from __future__ import annotations

import binascii
import html as html_lib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

import nh3

from opiekun.mail import charsets
from opiekun.mail.headers import header_text, raw_text

MAX_DEPTH = 30
_UUENCODED = re.compile(
    r"^begin [0-7]{3,4} ([^\r\n]+)\r?\n(.*?)^end[ \t]*$\r?\n?", re.MULTILINE | re.DOTALL
)
EXTENSIONS = {
    "text/plain": "txt",
    "text/html": "html",
    "message/rfc822": "eml",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/tiff": "tif",
    "application/pdf": "pdf",
}


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class Bodies:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    plain: bool = False  # some text came from a text/plain part
    rich: bool = False  # some HTML came from a text/html part

    def add(self, other: Bodies) -> None:
        self.texts += other.texts
        self.htmls += other.htmls
        self.parts += other.parts
        self.plain = self.plain or other.plain
        self.rich = self.rich or other.rich


def html_to_text(html: str) -> str:
    stripped = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", html), tags=set())
    lines = (line.strip() for line in html_lib.unescape(stripped).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def message_id(value: str) -> str:
    found = re.findall(r"<[^<>\s]+>", value)
    if found:
        return str(found[0])[:250]
    value = value.strip()
    return f"<{value[:248]}>" if value else ""


def payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            try:
                return bytes(inner[0].as_bytes(policy=policy.compat32))
            except (ValueError, LookupError, TypeError, UnicodeError, RecursionError):
                return b""
        return b""
    try:
        data = part.get_payload(decode=True)
    except (ValueError, binascii.Error, AssertionError, LookupError):
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _uudecode(text: str) -> tuple[str, list[Part]]:
    """The text without its uuencoded blocks, and the files they held."""
    parts: list[Part] = []

    def take(match: re.Match[str]) -> str:
        data = bytearray()
        try:
            for line in match.group(2).splitlines():
                if line.strip() and line.strip() != "`":
                    data += binascii.a2b_uu(line)
        except (binascii.Error, ValueError):
            return match.group(0)  # not uuencoded after all: left as text
        parts.append(Part(match.group(1).strip()[:200], "application/octet-stream", bytes(data)))
        return ""

    if "begin " not in text:
        return text, parts
    return _UUENCODED.sub(take, text), parts


def _leaf(part: Message, index: int, hint: str | None) -> Bodies:
    found = Bodies()
    kind = part.get_content_type()
    disposition = raw_text(part.get("Content-Disposition") or "", hint)
    disposition = disposition.split(";", 1)[0].strip().lower()
    try:
        filename = header_text(part.get_filename() or "", hint)
    except (ValueError, LookupError, TypeError):
        filename = ""
    content = payload(part)
    body = kind in ("text/plain", "text/html") and disposition != "attachment"
    if body and (not filename or disposition == "inline"):
        text = charsets.decode(content, part.get_content_charset() or hint).replace("\r\n", "\n")
        if kind == "text/plain":
            text, files = _uudecode(text)
            found.parts += files
            found.texts.append(text)
            found.htmls.append(f"<pre>{html_lib.escape(text)}</pre>")
            found.plain = True
        else:
            found.texts.append(html_to_text(text))
            found.htmls.append(text)
            found.rich = True
        if not filename:
            return found
    if content:
        cid = message_id(str(part.get("Content-ID", ""))) if part.get("Content-ID") else ""
        found.parts.append(
            Part(
                filename=filename or f"part-{index}.{EXTENSIONS.get(kind, 'bin')}",
                content_type=kind,
                content=content,
                inline=disposition == "inline" or bool(cid and disposition != "attachment"),
                content_id=cid,
            )
        )
    return found


def collect(message: Message, hint: str | None, depth: int = 0, start: int = 1) -> Bodies:
    """The bodies and files of ``message``; ``start`` numbers unnamed files."""
    if message.get_content_maintype() == "message" or not message.is_multipart():
        return _leaf(message, start, hint)
    subs = [sub for sub in message.get_payload() or [] if isinstance(sub, Message)]
    if depth >= MAX_DEPTH:
        return Bodies(parts=[Part(f"part-{start}.eml", "message/rfc822", payload(message))])
    results = [collect(sub, hint, depth + 1, start * 100 + n) for n, sub in enumerate(subs, 1)]
    found = Bodies()
    if message.get_content_subtype() != "alternative":
        for result in results:
            found.add(result)
        return found
    # One version of the same content: the plain text for the text (it is what the
    # sender wrote), the richest for the HTML; every file of every version is kept.
    said = [r for r in results if any(text.strip() for text in r.texts)]
    plain = [r for r in said if r.plain] or said
    rich = [r for r in results if r.rich] or plain
    if plain:
        found.texts, found.plain = plain[0].texts, plain[0].plain
    if rich:
        found.htmls, found.rich = rich[-1].htmls, rich[-1].rich
    for result in results:
        found.parts += result.parts
    return found
