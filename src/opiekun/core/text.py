"""Characters no text of the product may hold, without Django (the mail parser is pure):
NUL, which PostgreSQL refuses; lone surrogates, which no encoding can store; and the
other C0 control characters but tab, line feed and carriage return, which an XLSX cell
cannot hold and nobody types. ``core.bounds`` refuses them in what people send;
``scrub`` drops them from what must be taken anyway (e-mail) or written into a file."""

from __future__ import annotations

import re

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def first_unstorable(value: str) -> str | None:
    """The first character of ``value`` no text may hold, or None."""
    found = UNSTORABLE.search(value)
    return found.group() if found else None


def scrub(value: str) -> str:
    return UNSTORABLE.sub("", value)
