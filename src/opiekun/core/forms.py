"""What every web form does with an action's refusal."""

from __future__ import annotations

from django import forms


def refuse(form: forms.Form, error: Exception) -> None:
    """Puts an action's refusal ("field: why") on the field it names, or on the whole
    form when it names none of the form's fields."""
    field, _sep, text = str(error).partition(": ")
    form.add_error(field if field in form.fields else None, text or str(error))
