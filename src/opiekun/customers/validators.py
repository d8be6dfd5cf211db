"""Phone numbers are stored in E.164 (+48533928838) so a caller ID matches exactly."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What the database accepts; the normaliser below produces it from what people type.
E164_REGEX = r"^\+[1-9][0-9]{6,14}$"


def normalise_phone(raw: str, default_region: str = "PL") -> str:
    """'533 928 838' or '+48 533-928-838' -> '+48533928838'. Raises ValidationError
    naming the input when it is not a possible phone number."""
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
