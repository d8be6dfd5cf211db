"""What every web form does with an action's refusal."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django import forms

# An action's refusal opens with the field it is about ("period: ...", "into: ...");
# a person reads the sentence, never the identifier (issue 16, item 7).
FIELD_PREFIX = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*: ")


def sentence(error: Exception | str, labels: Mapping[str, object] | None = None) -> str:
    """A refusal as a person reads it: the field it opens with named in words from
    ``labels`` (the form's own, in the reader's language), or left out."""
    text = str(error)
    matched = FIELD_PREFIX.match(text)
    if not matched or not text[matched.end() :]:
        return text
    label = (labels or {}).get(text[: matched.end() - 2])
    rest = text[matched.end() :]
    return f"{label}: {rest}" if label else rest


def refuse(form: forms.Form, error: Exception) -> None:
    """Puts an action's refusal ("field: why") on the field it names, or on the whole
    form when it names none of the form's fields."""
    field, _sep, _text = str(error).partition(": ")
    form.add_error(field if field in form.fields else None, sentence(error))
