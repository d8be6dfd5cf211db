"""Telling automatic mail from people's mail, so the desk never answers a robot (pure).

Answering an auto-reply with an acknowledgement that gets auto-replied again is how
helpdesks loop for hours. Any one sign below is enough not to answer."""

from __future__ import annotations

import re
from collections.abc import Callable

_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_OUT_OF_OFFICE = re.compile(
    r"^\s*(?:"
    r"out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?reply|autoreply|auto:|"
    r"odpowied[źz] automatyczna|automatyczna odpowied[źz]|nieobecno[śs][ćc]|poza biurem|"
    r"urlop|abwesenheit|r[ée]ponse automatique|absence|vacation|on leave"
    r")",
    re.IGNORECASE,
)
_NULL_SENDERS = re.compile(r"^(?:mailer-daemon|postmaster)@", re.IGNORECASE)


def automatic_reason(
    header: Callable[[str], str], *, subject: str, sender: str, content_type: str
) -> str:
    """Why this mail is automatic, or '' for a person's mail. ``header`` returns a
    header's text, '' when absent."""
    auto_submitted = header("Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    precedence = header("Precedence").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id"):
        if header(name).strip():
            return f"{name}: {header(name).strip()[:100]}"
    if content_type == "multipart/report":
        return "a delivery or read report (multipart/report)"
    if header("Return-Path").strip() == "<>" or _NULL_SENDERS.match(sender):
        return f"sent by a mail system ({sender or 'null sender'})"
    if _OUT_OF_OFFICE.match(subject):
        return f"an out-of-office reply ({subject[:60]})"
    return ""
