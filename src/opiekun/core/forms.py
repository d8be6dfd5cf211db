"""What every web form does with an action's refusal."""

from __future__ import annotations

import re

from django import forms

# An action's refusal opens with the field it is about ("period: ...", "into: ...");
# a person reads the sentence, never the identifier (issue 16, item 7).
FIELD_PREFIX = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*: ")


def sentence(error: Exception | str) -> str:
    """A refusal as a person reads it: without the field name it opens with."""
    text = str(error)
    matched = FIELD_PREFIX.match(text)
    return text[matched.end() :] if matched and text[matched.end() :] else text


def refuse(form: forms.Form, error: Exception) -> None:
    """Puts an action's refusal ("field: why") on the field it names, or on the whole
    form when it names none of the form's fields."""
    field, _sep, _text = str(error).partition(": ")
    form.add_error(field if field in form.fields else None, sentence(error))
