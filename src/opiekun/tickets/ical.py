"""An iCalendar (RFC 5545) feed of a staff member's remote sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from opiekun.tickets.models import Appointment

_UTC = "%Y%m%dT%H%M%SZ"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    # Lines longer than 75 octets are folded with a leading space (RFC 5545 3.1).
    raw = line.encode()
    parts, start = [], 0
    while start < len(raw):
        size = 75 if start == 0 else 74
        chunk = raw[start : start + size]
        while True:  # never split a UTF-8 character
            try:
                text = chunk.decode()
                break
            except UnicodeDecodeError:
                chunk = chunk[:-1]
        parts.append(text if start == 0 else " " + text)
        start += len(chunk)
    return parts or [""]


def feed(name: str, appointments: Iterable[Appointment], domain: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime(_UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//opiekun//appointments//PL",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for a in appointments:
        ticket = a.ticket
        summary = f"{ticket.reference} {ticket.organisation.name}: {ticket.subject}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:appointment-{a.pk}@{domain}",
            f"DTSTAMP:{now}",
            f"DTSTART:{a.starts_at.astimezone(dt.UTC).strftime(_UTC)}",
            f"DTEND:{a.ends_at.astimezone(dt.UTC).strftime(_UTC)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(a.note or ticket.subject)}",
            f"STATUS:{'CANCELLED' if a.status == Appointment.Status.CANCELLED else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
