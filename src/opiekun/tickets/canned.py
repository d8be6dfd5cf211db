"""Filling a canned response in for one ticket.

Placeholders are names in braces, ``{contact_name}``; ``{{`` and ``}}`` write a brace.
Only the names in PLACEHOLDERS are accepted and they are replaced by plain strings: no
attribute or index access, no format spec, so a response can never read more of the
ticket than these values (``str.format`` would let ``{ticket.contact.user.password}`` in).
"""

from __future__ import annotations

import string
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.tickets.models import CannedResponse, Ticket

LANGUAGES = ("pl", "en")


def _deadline(ticket: Ticket) -> str:
    due = ticket.answer_promised_at or ticket.reaction_due_at
    return timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else ""


def _contact_name(ticket: Ticket) -> str:
    return ticket.contact.full_name if ticket.contact else ticket.requester_name


PLACEHOLDERS: dict[str, Callable[[Ticket], str]] = {
    "contact_name": _contact_name,
    "reference": lambda t: t.reference,
    "subject": lambda t: t.subject,
    "organisation": lambda t: t.organisation.name,
    "deadline": _deadline,
}


def placeholder_list() -> list[str]:
    return ["{" + name + "}" for name in PLACEHOLDERS]


class TemplateError(ValueError):
    """A response's text cannot be filled in; the message reads ``field: why``."""


def _parts(field: str, text: str) -> list[tuple[str, str | None]]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateError(
            f"{field}: " + _("unbalanced braces (write {{ or }} for a brace)")
        ) from error
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            raise TemplateError(
                f"{field}: "
                + _("unknown placeholder {%(name)s}; use one of: %(known)s")
                % {"name": name, "known": ", ".join(placeholder_list())}
            )
        parts.append((literal, name))
    return parts


def check(field: str, text: str) -> str:
    """The text when every placeholder in it is known; TemplateError otherwise."""
    _parts(field, text)
    return text


def language_for(ticket: Ticket) -> str:
    """The contact's language (Contact.language); Polish without a contact."""
    language = ticket.contact.language if ticket.contact else "pl"
    return language if language in LANGUAGES else "pl"


def render(response: CannedResponse, ticket: Ticket, language: str | None = None) -> str:
    """The response's text in the ticket contact's language, placeholders filled in."""
    language = language or language_for(ticket)
    field = f"body_{language}"
    values: dict[str, str] = {}
    out = []
    for literal, name in _parts(field, getattr(response, field)):
        out.append(literal)
        if name is not None:
            if name not in values:
                values[name] = PLACEHOLDERS[name](ticket)
            out.append(values[name])
    return "".join(out)
