"""Tax identification numbers (issue 17): a Polish NIP checked by its check digit with
python-stdnum, or an EU VAT number with its country prefix for a foreign customer, or
(issue 21, item 1) the tax number of a country outside the EU with that country's code in
front, checked by python-stdnum's module for that country's number ('GB980780684',
'CHE113552604MWST'); a country python-stdnum cannot check is refused rather than taken
unchecked. Stored compact ('5260250274', 'DE136695976'), typed in any common form; the
first two letters of a foreign number name its country."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import get_cc_module
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
        prefix = text[:2]
        if prefix.isalpha() and prefix != "PL":
            if prefix.lower() in EU_PREFIXES:
                return str(vat.validate(text))
            return _outside_eu(prefix, text)
        return str(nip.validate(text.removeprefix("PL")))
    except StdnumError:
        raise ValidationError(
            _(
                "%(value)s is not a valid tax number (a NIP, an EU VAT number, or a tax "
                "number of another country with its country code in front)"
            ),
            params={"value": raw},
            code="tax_id",
        ) from None


# The prefixes of EU VAT numbers: member states' codes, but Greece writes EL (and
# Northern Ireland's traders XI), as the FA(3) KodUE list does.
EU_PREFIXES = (set(vat.MEMBER_STATES) - {"gr"}) | {"el"}


def _outside_eu(prefix: str, text: str) -> str:
    """A non-EU tax number, 'CC' + the number as its country's module compacts it."""
    module = get_cc_module(prefix.lower(), "vat")
    if module is None:
        raise StdnumError()
    # Some numbers carry the country in themselves (Swiss 'CHE...'), some do not ('GB').
    for candidate in (text, text[2:].strip(" -")):
        try:
            number = str(module.validate(candidate))
        except StdnumError:
            continue
        return number if number.startswith(prefix) else prefix + number
    raise StdnumError()


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
