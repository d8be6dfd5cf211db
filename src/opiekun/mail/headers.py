"""Reading header values of real mail (pure: no Django): RFC 2047 encoded words in any
charset, raw 8-bit bytes, and address lists parsed before anything is decoded, so an
encoded display name can neither break an address apart nor stand in for one."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from email.header import Header, decode_header
from email.utils import getaddresses

from opiekun.core.text import scrub
from opiekun.mail import charsets

# Encoded words may hold spaces (some clients do not encode them) but never a "?".
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")
_ANGLED_ADDRESS = re.compile(r"<([^<>@\s]+@[^<>@\s]+)>")
# "Name" <address>, Name <address> or a bare address: one mailbox, no comment, no group.
_SIMPLE = re.compile(r'^\s*(?:([^"<>,;:()@]*|"[^"\\]*")\s*<([^<>\s,;:()"]+)>|([^<>\s,;:()"]+))\s*$')
_BARE_ADDRESS = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")


def _eight_bit(data: bytes, charset: str | None) -> str:
    # UTF-8 first (RFC 6532 allows it in headers), then the body's charset.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return charsets.decode(data, charset)


def raw_text(value: object, charset: str | None = None) -> str:
    """A header's value as text, encoded words left as they are. Raw 8-bit bytes are
    read in ``charset`` (the message body's, the best guess there is) when they fit."""
    if isinstance(value, Header):
        # compat32 wraps raw 8-bit header bytes in a Header of charset unknown-8bit.
        return "".join(
            _eight_bit(chunk, charset if label in (None, "unknown-8bit") else label)
            if isinstance(chunk, bytes)
            else chunk
            for chunk, label in decode_header(value)
        )
    text = str(value)
    if not text.isascii() and any("\udc80" <= ch <= "\udcff" for ch in text):
        # Raw 8-bit bytes in a header arrive as surrogate escapes: decode them for real.
        text = _eight_bit(text.encode("ascii", "surrogateescape"), charset)
    elif "\x1b" in text and text.isascii():
        # Unlabelled ISO-2022-JP (ESC $ B ...) straight in the header.
        text = charsets.decode(text.encode("ascii"), None)
    return text


def _decode_word(charset: str, encoding: str, payload: str) -> bytes:
    if encoding.lower() == "b":
        payload = re.sub(r"\s+", "", payload)
        try:
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    # Raw 8-bit bytes inside a word were read in the body's charset: written back in
    # the word's own, they come out as they were sent instead of as "?".
    payload = payload.replace("_", " ")
    if payload.isascii():
        data = payload.encode("ascii")
    else:
        data = payload.encode(charsets.codec_name(charset) or "utf-8", "replace")
    return quopri.decodestring(data)


def header_text(value: object, charset: str | None = None) -> str:
    """A header's text with RFC 2047 encoded words decoded in any charset; adjacent words
    in one charset are joined before decoding, so a character split across them
    survives."""
    if value is None:
        return ""
    text = raw_text(value, charset)
    out: list[str] = []
    pending: bytes = b""
    pending_charset = ""
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(charsets.decode(pending, pending_charset))
        pending, pending_charset = b"", ""

    for match in ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        label = match.group(1).split("*", 1)[0]
        if between.strip() or (pending and label.lower() != pending_charset.lower()):
            flush()
            if between.strip():
                out.append(between)
        pending += _decode_word(label, match.group(2), match.group(3))
        pending_charset = label
        position = match.end()
    flush()
    out.append(text[position:])
    # Mail is taken whatever it holds: what no column can store (NUL, stray control
    # characters, undecodable halves of characters) is dropped, not refused.
    return scrub(re.sub(r"\s*[\r\n]+\s*", " ", "".join(out))).strip()


def addresses(value: object, charset: str | None = None) -> list[tuple[str, str]]:
    """(display name, address) of each mailbox in an address header. The list is split
    on the raw text, encoded words still encoded; only display names are decoded then.
    An "address" that is not one (an encoded word, a bare name) is left out."""
    if not value:
        return []
    raw = scrub(re.sub(r"\r?\n[ \t]*", " ", raw_text(value, charset)))
    simple = _SIMPLE.match(raw)
    if simple is not None:
        # One mailbox, nothing to split (most mail): the standard parser is not needed.
        address = simple.group(2) or simple.group(3)
        if "=?" not in address and _ADDRESS.match(address):
            name = header_text(simple.group(1) or "", charset).strip(" \"'")
            return [(name, address.lower()[:254])]
    found: list[tuple[str, str]] = []
    try:
        parsed = getaddresses([raw])
    except RecursionError:  # the standard library recurses once per group or colon
        parsed = []
    for name, address in parsed:
        address = address.strip().strip("<>").lower()
        if "=?" in address or not _ADDRESS.match(address):
            continue
        found.append((header_text(name, charset).strip(" \"'"), address[:254]))
    if not found and "=?" not in raw.split("<", 1)[-1]:
        # Python's strict address parser gives up on some broken lists: take what is
        # unmistakably an address, in angle brackets first.
        angled = _ANGLED_ADDRESS.findall(raw)
        bare = angled or _BARE_ADDRESS.findall(raw)
        found = [("", address.lower()[:254]) for address in bare if _ADDRESS.match(address)]
    return found


def first_address(value: object, charset: str | None = None) -> tuple[str, str]:
    found = addresses(value, charset)
    return found[0] if found else ("", "")
