"""Tax identification numbers (issue 17): a Polish NIP checked by its check digit with
python-stdnum, or an EU VAT number with its country prefix for a foreign customer.
Stored compact ('5260250274', 'DE136695976'), typed in any common form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip


def normalise_tax_id(raw: str) -> str:
    """'526-025-02-74' -> '5260250274'; 'PL 526 025 02 74' -> '5260250274';
    'de136695976' -> 'DE136695976'. Raises ValidationError naming the input."""
    text = raw.strip().upper()
    if not text:
        return ""
    try:
        if text[:2].isalpha() and not text.startswith("PL"):
            return str(vat.validate(text))
        return str(nip.validate(text.removeprefix("PL")))
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid tax number (a NIP, or an EU VAT number)"),
            params={"value": raw},
            code="tax_id",
        ) from None


def validate_tax_id(value: str) -> None:
    if value and normalise_tax_id(value) != value:
        raise ValidationError(
            _("%(value)s: write the tax number without dashes or spaces, e.g. 5260250274"),
            params={"value": value},
            code="tax_id_form",
        )


class TaxIdFormField(forms.CharField):
    """A form field that takes a NIP as typed and cleans it to the compact form."""

    def clean(self, value: object) -> str:
        text = super().clean(value)
        return normalise_tax_id(text) if text else text


class TaxIdField(models.CharField):
    """A column of compact tax numbers whose forms take any common form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("validators", [validate_tax_id])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"form_class": TaxIdFormField, "max_length": 32, **kwargs})
