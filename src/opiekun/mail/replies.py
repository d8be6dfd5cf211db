"""The new part of a reply (pure: no Django): the text above the quoted thread and the
signature, for Outlook, Gmail, Thunderbird and Apple Mail in Polish and English ("W dniu
... pisze:", "Od: ... Wysłane:", "On ... wrote:", "-----Original Message-----"). The
full text is always kept; this is what is shown first and searched.

The work is mail-parser-reply's (a maintained library with Polish among its
languages); what it does not know is added here."""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser

LANGUAGES = ["en", "pl", "de", "fr"]
# Quote headers mail-parser-reply misses: Polish Thunderbird and Gmail variants, and
# Outlook's separator lines in both languages.
_MORE_HEADERS = re.compile(
    r"^(?:"
    r"-{2,}\s*(?:original message|wiadomość oryginalna|oryginalna wiadomość)\s*-{2,}"
    r"|_{10,}"
    r"|(?:W dniu|Dnia) .{4,120}?(?:pisze|napisał\(a\)|napisał|napisała)\s*:"
    r"|On .{4,200}? wrote:"
    r")\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_parser = EmailReplyParser(languages=LANGUAGES)


def new_part(text: str) -> str:
    """``text`` without the thread it quotes and its signature; the whole text when
    nothing is found (or nothing would be left)."""
    if not text.strip():
        return ""
    head = text
    found = _MORE_HEADERS.search(text)
    if found is not None:
        head = text[: found.start()]
    try:
        replies = _parser.read(head).replies
    except (ValueError, IndexError, re.error):  # a library bug must not lose mail
        replies = []
    latest = replies[0].body.strip() if replies else head.strip()
    return latest or head.strip() or text.strip()
