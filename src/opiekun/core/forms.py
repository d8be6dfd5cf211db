"""What every web form does with an action's refusal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

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


def refuse(form: forms.Form, error: Exception, aliases: dict[str, str] | None = None) -> None:
    """Puts an action's refusal ("field: why") on the field it names (``aliases`` maps
    an action's field name to the form's), or on the whole form when it names none of
    the form's fields."""
    field, _sep, _text = str(error).partition(": ")
    field = (aliases or {}).get(field, field)
    form.add_error(field if field in form.fields else None, sentence(error))


class _ManyFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class ManyFilesField(forms.FileField):
    """Several files from one <input multiple>, at most ``max_files``; each file's type
    and size are the action's to check (tickets.attachments.store)."""

    widget = _ManyFiles

    def __init__(self, *args: Any, max_files: int = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_files = max_files

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > self.max_files:
            raise forms.ValidationError(
                gettext_lazy("At most %(count)s files at once.") % {"count": self.max_files}
            )
        return [super(ManyFilesField, self).clean(f, initial) for f in files]


def uploads(files: list[UploadedFile]) -> list[tuple[str, bytes]]:
    """The (name, bytes) pairs the actions take."""
    return [(f.name or "attachment", f.read()) for f in files]
