"""Decoding text of real mail, whatever it declares (pure: no Django).

Mail lies about its charset: Polish text sent as iso-8859-1 or undeclared, UTF-8 labelled
us-ascii, made-up names like "utf8mb4" or "x-unknown". Decoding never raises: a declared
charset that works is used, a mislabelled 8-bit label gives way to valid UTF-8, and
anything else falls back to UTF-8 or, for Polish 8-bit text, to whichever of
windows-1250, iso-8859-2, koi8-r and windows-1251 reads as more letters of its
language."""

from __future__ import annotations

import codecs

# Multi-byte charsets whose text can also happen to be valid UTF-8: trusted as declared.
# Any other (8-bit) label on bytes that are valid UTF-8 is taken to be wrong.
_MULTIBYTE = (
    "shift_jis",
    "euc",
    "gb",
    "big5",
    "cp93",
    "cp94",
    "cp95",
    "iso2022",
    "utf_16",
    "utf_32",
    "hz",
    "johab",
)
_ALIASES = {"utf8mb4": "utf-8", "unicode-1-1-utf-7": "utf-7", "x-user-defined": "cp1252"}
_POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Undeclared 8-bit text is most likely Polish (windows-1250 or iso-8859-2), else Russian.
_GUESSES = (("cp1250", _POLISH), ("iso8859_2", _POLISH), ("koi8_r", None), ("cp1251", None))


def codec_name(label: str | None) -> str | None:
    """Python's codec for a declared label, or None when there is none such."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _letters(text: str, alphabet: set[str] | None) -> int:
    # Lower-case letters only: reading koi8-r as windows-1251 (or back) swaps the case,
    # and running text is mostly lower-case.
    if alphabet is None:
        return sum("\u0430" <= ch <= "\u045f" for ch in text)
    return sum(ch in alphabet and ch.islower() for ch in text)


def _guess_8bit(data: bytes) -> str:
    """The reading with the most letters of its language; windows-1250 wins ties (in
    iso-8859-2, 0x80-0x9F are control characters where windows-1250 has Ś Ź ś ź)."""
    best, best_score = "", -1
    for codec, alphabet in _GUESSES:
        text = data.decode(codec, errors="replace")
        score = _letters(text, alphabet)
        if score > best_score:
            best, best_score = text, score
    return best


def decode(data: bytes, declared: str | None = None) -> str:
    """Text of ``data``; never raises."""
    if data.isascii():
        codec = codec_name(declared)
        # 7-bit charsets with escape sequences (iso-2022-jp, utf-7) must still be decoded.
        if codec and codec not in ("ascii", "utf_8"):
            text = _strict(data, codec)
            if text is not None:
                return text
        return data.decode("ascii")
    codec = codec_name(declared)
    utf8 = _strict(data, "utf_8")
    if codec is not None and codec != "utf_8":
        if utf8 is not None and not codec.startswith(_MULTIBYTE):
            return utf8  # valid UTF-8 under an 8-bit label: the label is wrong
        text = _strict(data, codec)
        if text is not None:
            return text
    if utf8 is not None:
        return utf8
    return _guess_8bit(data)
