"""Decoding text of real mail, whatever it declares (pure: no Django).

Mail lies about its charset: Polish text sent as iso-8859-1 or undeclared, UTF-8 labelled
us-ascii, GBK text labelled gb2312, made-up names like "utf8mb4" or "x-unknown". Labels
are read as browsers read them (the WHATWG Encoding Standard, through ``webencodings``):
gb2312 is GBK, ks_c_5601-1987 is windows-949, iso-8859-1 is windows-1252. Decoding never
raises: a declared charset that works is used, a mislabelled 8-bit label gives way to
valid UTF-8, and anything else falls back to UTF-8, to ISO-2022-JP when its escapes are
there, to whichever 8-bit reading gives the most plausible words, and only then to a
detector (charset-normalizer)."""

from __future__ import annotations

import codecs
import re

import webencodings

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
# Where WHATWG's codec is a narrower Python codec than what senders really use.
_WIDER = {"gbk": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932", "big5": "big5hkscs"}
_POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_WESTERN = set("äöüßéèêëàâãçíìîïñóòôõúùûœæåøÿ")
# Undeclared 8-bit text: Polish first (windows-1250 or iso-8859-2), then Western European
# (windows-1252), then Russian (koi8-r or windows-1251).
_GUESSES = (
    ("cp1250", _POLISH),
    ("iso8859_2", _POLISH),
    ("cp1252", _WESTERN),
    ("koi8_r", None),
    ("cp1251", None),
)
_ISO_2022_JP = re.compile(rb"\x1b(?:\$[@B]|\(J|\$\(D)")
_WORD = re.compile(r"\w+")


def codec_name(label: str | None) -> str | None:
    """Python's codec for a declared label, or None when there is none such."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    found = webencodings.lookup(label)
    # WHATWG maps some labels to "replacement" (a browser's safety net) and reads utf-16
    # without a BOM as little-endian: Python's own codecs read those better.
    if found is not None and found.name != "replacement" and not found.name.startswith("utf-16"):
        name = codecs.lookup(found.codec_info.name).name.replace("-", "_")
        return _WIDER.get(name, name)
    try:
        return codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None


# Japanese clients write NEC and JIS X 0213 characters under a plain iso-2022-jp label.
_SUPERSETS = {"iso2022_jp": ("iso2022_jp_ext", "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_2")}


def _strict(data: bytes, codec: str) -> str | None:
    for name in (codec, *_SUPERSETS.get(codec, ())):
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _plausible(text: str, alphabet: set[str] | None) -> int:
    """How much of ``text`` reads as words of the language: Latin words that mix plain
    letters with the language's own (a Russian text read as windows-1252 gives words
    of accented letters only), or words of lower-case Cyrillic letters only (reading
    koi8-r as windows-1251 or back swaps the case; German read as koi8-r mixes Latin
    and Cyrillic in one word)."""
    score = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if alphabet is None:
            if all("\u0400" <= ch <= "\u04ff" for ch in word):
                score += sum("\u0430" <= ch <= "\u045f" for ch in word)
        elif any(ch.isascii() and ch.isalpha() for ch in word):
            score += sum(ch in alphabet for ch in word)
    return score


def _guess_8bit(data: bytes) -> str:
    """The reading with the most plausible words; earlier guesses win ties (windows-1250
    before iso-8859-2: in iso-8859-2, 0x80-0x9F are control characters where
    windows-1250 has Ś Ź ś ź)."""
    best, best_score = "", 0
    for codec, alphabet in _GUESSES:
        text = data.decode(codec, errors="replace")
        score = _plausible(text, alphabet)
        if score > best_score:
            best, best_score = text, score
    return best or _detected(data)


def _detected(data: bytes) -> str:
    """Last resort: a statistical detector, else windows-1250 (the desk's mail is
    mostly Polish)."""
    import charset_normalizer  # imported here: slow to import and rarely needed

    found = charset_normalizer.from_bytes(data).best()
    if found is not None:
        return str(found)
    return data.decode("cp1250", errors="replace")


def decode(data: bytes, declared: str | None = None) -> str:
    """Text of ``data``; never raises."""
    codec = codec_name(declared)
    if data.isascii():
        # 7-bit charsets with escape sequences (iso-2022-jp, utf-7) must still be decoded,
        # and ISO-2022-JP often comes unlabelled.
        if codec is None and _ISO_2022_JP.search(data):
            codec = "iso2022_jp_ext"
        if codec and codec not in ("ascii", "utf_8", "cp1252"):
            text = _strict(data, codec)
            if text is not None:
                return text
            if codec.startswith("iso2022"):
                return data.decode(codec, errors="replace")  # one unknown character
        return data.decode("ascii")
    utf8 = _strict(data, "utf_8")
    if codec is not None and codec != "utf_8":
        if utf8 is not None and not codec.startswith(_MULTIBYTE):
            return utf8  # valid UTF-8 under an 8-bit label: the label is wrong
        if codec == "iso8859_2" and re.search(rb"[\x80-\x9f]", data):
            codec = "cp1250"  # Outlook's windows-1250 under a Latin-2 label (Ś ś Ź ź)
        text = _strict(data, codec)
        if text is not None:
            return text
        if utf8 is not None:
            return utf8  # not the declared multi-byte charset, but valid UTF-8
        if codec.startswith(_MULTIBYTE):
            # A multi-byte text with one broken character is still that charset.
            return data.decode(codec, errors="replace")
    if utf8 is not None:
        return utf8
    return _guess_8bit(data)


def header_hint(label: str | None) -> str | None:
    """The body's charset as the first guess for raw 8-bit header bytes, unless it says
    nothing about them: us-ascii and iso-8859-1 (windows-1252 to WHATWG) are what
    clients declare by default, and the guess already tries windows-1252."""
    codec = codec_name(label)
    return label if codec not in (None, "ascii", "cp1252", "utf_8") else None
