"""Lenient reading of broken but readable mail (pure: no Django): what a lenient reader
such as Zammad's recovers is recovered here too, instead of quarantining the message.

Only the header block is touched, and only where it is broken: a junk line before the
headers, a header line that lost its folding whitespace, a boundary folded inside its
quotes."""

from __future__ import annotations

import re

_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_SPACE_BEFORE_COLON = re.compile(rb"^([!-9;-~]+)[ \t]+:")
_FOLD_IN_BOUNDARY = re.compile(rb'(boundary\s*=\s*"[^"\r\n]*)\r?\n[ \t]+([^"\r\n]*")', re.I)


def _header_end(raw: bytes) -> int:
    found = re.search(rb"\r?\n\r?\n", raw)
    return found.start() if found else len(raw)


def repair(raw: bytes) -> bytes:
    """``raw`` with its header block mended; unchanged when nothing is broken."""
    end = _header_end(raw)
    lines = raw[:end].splitlines(keepends=True)
    if not lines:
        return raw
    changed = False
    for index, line in enumerate(lines):
        # RFC 5322's obsolete syntax allows white space before the colon.
        mended = _SPACE_BEFORE_COLON.sub(rb"\1:", line)
        if mended != line and (index == 0 or lines[index - 1].strip()):
            lines[index], changed = mended, True
    # A junk line before the headers (a mail client's or an archive's) is dropped when
    # real headers follow it; the mbox "From " separator is Python's to skip.
    while (
        len(lines) > 1
        and not _HEADER_LINE.match(lines[0])
        and not lines[0].startswith(b"From ")
        and _HEADER_LINE.match(lines[1])
    ):
        lines.pop(0)
        changed = True
    for index in range(1, len(lines) - 1):
        line = lines[index]
        if line[:1] in (b" ", b"\t") or _HEADER_LINE.match(line) or line.startswith(b"From "):
            continue
        following = lines[index + 1]
        if _HEADER_LINE.match(following) or following[:1] in (b" ", b"\t"):
            # A continuation line between header lines that lost its leading whitespace:
            # folded back (one further down could be the body missing its blank line).
            lines[index] = b" " + line
            changed = True
    head = b"".join(lines)
    for match in _FOLD_IN_BOUNDARY.finditer(head):
        for joined in (match.group(1) + match.group(2), match.group(1) + b" " + match.group(2)):
            boundary = joined.split(b'"', 1)[1].rstrip(b'"')
            if b"--" + boundary in raw[end:]:
                head = head.replace(match.group(0), joined)
                changed = True
                break
    return head + raw[end:] if changed else raw
