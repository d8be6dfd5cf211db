"""Refusals of actions read 'field: what is wrong'; a form shows each next to its field
(issue 15, item 11), and what the agent typed stays in the form."""

from __future__ import annotations

from django import forms

from opiekun.core.forms import sentence


def place_error(form: forms.Form, message: str, aliases: dict[str, str] | None = None) -> None:
    """Adds ``message`` to the field it names (through ``aliases`` where the action's name
    differs from the form's), or to the form as a whole."""
    name, sep, detail = message.partition(": ")
    name = (aliases or {}).get(name, name)
    if sep and name in form.fields:
        form.add_error(name, detail)
    else:
        form.add_error(None, sentence(message))
