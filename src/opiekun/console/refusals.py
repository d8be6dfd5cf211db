"""An action's refusal ("field: why", written in English for logs and the API) shown on
the console form's field it names, in the reader's language.

The known refusals of the ticket actions are matched by pattern and translated; any
other keeps its own text (the bounds checks already speak the reader's language)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.utils.translation import gettext as _

from opiekun.tickets.models import Ticket


def _status(value: str) -> str:
    """A status as the reader knows it ("in_progress" -> "w toku")."""
    try:
        return str(Ticket.Status(value).label)
    except ValueError:
        return value


Translate = Callable[[re.Match[str]], str]

KNOWN: tuple[tuple[re.Pattern[str], Translate], ...] = (
    (re.compile(r"^the (answer|note|message) is empty$"), lambda m: _("Write something first.")),
    (
        re.compile(r"^a (\w+) ticket cannot become (\w+)$"),
        lambda m: (
            _("A ticket that is %(now)s cannot become %(to)s.")
            % {"now": _status(m[1]), "to": _status(m[2])}
        ),
    ),
    (
        re.compile(r"^a (\w+) ticket cannot be started$"),
        lambda m: _("A ticket that is %(now)s cannot be started.") % {"now": _status(m[1])},
    ),
    (
        re.compile(r"^a (\w+) ticket cannot wait for the customer$"),
        lambda m: (
            _("A ticket that is %(now)s cannot wait for the customer.") % {"now": _status(m[1])}
        ),
    ),
    (
        re.compile(r"^the ticket is already waiting for the customer$"),
        lambda m: _("The ticket is already waiting for the customer."),
    ),
    (
        re.compile(r"^the ticket is not waiting for the customer$"),
        lambda m: _("The ticket is not waiting for the customer."),
    ),
    (
        re.compile(r"^a closed ticket is reopened before it is answered$"),
        lambda m: _("Reopen the closed ticket before answering it."),
    ),
    (re.compile(r"^must be in the future$"), lambda m: _("Choose a moment in the future.")),
    (
        re.compile(r"^no e-mail address to answer to; answer another way$"),
        lambda m: _("The customer has no e-mail address to answer to; answer another way."),
    ),
    (
        re.compile(r"^no contract in force, so no billing rules apply$"),
        lambda m: _("No contract is in force, so no billing rules apply."),
    ),
    (
        re.compile(r"^(\d+) bytes is over the limit of (\d+) bytes$"),
        lambda m: (
            _("The file has %(size)s bytes, over the limit of %(limit)s bytes.")
            % {"size": m[1], "limit": m[2]}
        ),
    ),
    (re.compile(r"^the file is empty$"), lambda m: _("The file is empty.")),
    (
        re.compile(r"^at most (\d+) files at once$"),
        lambda m: _("At most %(count)s files at once.") % {"count": m[1]},
    ),
    (
        re.compile(r"^not a scope line of this ticket's plan$"),
        lambda m: _("That is not a scope line of this ticket's plan."),
    ),
    (
        re.compile(r"^the message is (\w+), not failed$"),
        lambda m: _("Only a message that failed can be sent again."),
    ),
)


def translated(why: str) -> str:
    for pattern, translate in KNOWN:
        found = pattern.match(why)
        if found:
            return translate(found)
    return why


def refuse(form: forms.Form, error: Exception, aliases: dict[str, str] | None = None) -> None:
    """Puts the refusal on the form field it names (``aliases`` maps an action's field
    name to the form's), or on the whole form when it names none of its fields."""
    field, _sep, why = str(error).partition(": ")
    if not why:
        field, why = "", str(error)
    field = (aliases or {}).get(field, field)
    form.add_error(field if field in form.fields else None, translated(why))
