"""Phone numbers are stored in E.164 (+48533928838) so a caller ID matches exactly;
people type them in any common form ('533 928 838', '+48 533-928-838', '0048...'), and
every form that takes one normalises it (issue 17) instead of refusing it."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# What the database accepts; the normaliser below produces it from what people type.
E164_REGEX = r"^\+[1-9][0-9]{6,14}$"


def normalise_phone(raw: str, default_region: str = "PL") -> str:
    """'533 928 838' or '+48 533-928-838' -> '+48533928838'. Raises ValidationError
    naming the input when it is not a possible phone number."""
    raw = raw.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]  # the international prefix as dialled in Poland
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("%(value)s is not a phone number"), params={"value": raw}, code="phone"
        ) from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationError(
            _("%(value)s is not a possible phone number"), params={"value": raw}, code="phone"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if value and normalise_phone(value) != value:
        raise ValidationError(
            _("%(value)s is not in E.164 form, e.g. +48533928838"),
            params={"value": value},
            code="e164",
        )


class PhoneFormField(forms.CharField):
    """A form field that takes a number as typed and cleans it to E.164."""

    def clean(self, value: object) -> str:
        text = super().clean(value)
        return normalise_phone(text) if text else text


class PhoneNumberField(models.CharField):
    """A column of E.164 numbers whose forms (admin, console) take any common form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("validators", [validate_e164])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        # Typed numbers are longer than stored ones ('0048 533 928 838').
        return super().formfield(**{"form_class": PhoneFormField, "max_length": 32, **kwargs})
