"""The project's own model fields: exact decimals on every database (ADR 7), and text
encrypted at rest (EncryptedTextField, ADR 8).

SQLite has no decimal type: Django stores a DecimalField there with NUMERIC affinity, which
keeps 158.67 as a binary float, so a check such as ``gross = net + vat`` fails on real
prices and sums drift. These fields are Decimal in Python and a scaled integer in the
database (grosz for money), so comparisons, sums and constraints are integer arithmetic
on SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import checks, exceptions, validators
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable


class ScaledDecimalField(models.BigIntegerField):
    """A Decimal with ``decimal_places`` places, stored as value * 10^places in a bigint.

    A value with more places than the field holds is refused, never silently rounded:
    amounts are quantised once, at the edge (tariff.money), before they reach a model."""

    if TYPE_CHECKING:
        # What django-stubs' plugin reads for the Python side of a field.
        _pyi_private_set_type: Decimal | int | str | Combinable  # type: ignore[assignment]
        _pyi_private_get_type: Decimal  # type: ignore[assignment]
        _pyi_lookup_exact_type: Decimal | int | str  # type: ignore[assignment]

    description = _("Decimal number stored exactly as a scaled integer")
    default_error_messages = {
        "invalid": _("“%(value)s” must be a decimal number."),
        "places": _("Ensure that there are no more than %(max)s decimal places."),
        "digits": _("Ensure that there are no more than %(max)s digits in total."),
    }

    def __init__(
        self,
        *args: Any,
        max_digits: int = 12,
        decimal_places: int = 2,
        **kwargs: Any,
    ) -> None:
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        super().__init__(*args, **kwargs)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not 0 <= self.decimal_places < self.max_digits <= 18:
            errors.append(
                checks.Error(
                    "ScaledDecimalField needs 0 <= decimal_places < max_digits <= 18 "
                    "(a bigint holds 18 digits).",
                    obj=self,
                )
            )
        return errors

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_digits"] = self.max_digits
        kwargs["decimal_places"] = self.decimal_places
        return name, path, args, kwargs

    @property
    def _scale(self) -> Decimal:
        return Decimal(10) ** self.decimal_places

    @property
    def _quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimal_places)

    @property
    def validators(self) -> list[Any]:
        # The bigint range checks of the parent compare integers; the digits check below is
        # the real bound, and it is narrower.
        return [
            *self._validators,  # type: ignore[attr-defined]
            validators.DecimalValidator(self.max_digits, self.decimal_places),
        ]

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            # A float is already inexact: take its shortest decimal form, as a person wrote it.
            value = repr(value)
        try:
            return Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise exceptions.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def _scaled(self, value: Decimal) -> int:
        if not value.is_finite():
            raise exceptions.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        exact = value.quantize(self._quantum)
        if exact != value:
            raise exceptions.ValidationError(
                self.error_messages["places"],
                code="places",
                params={"max": self.decimal_places},
            )
        if abs(exact) >= Decimal(10) ** (self.max_digits - self.decimal_places):
            raise exceptions.ValidationError(
                self.error_messages["digits"], code="digits", params={"max": self.max_digits}
            )
        return int(exact * self._scale)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or hasattr(value, "resolve_expression"):
            return value
        decimal = self.to_python(value)
        return None if decimal is None else self._scaled(decimal)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        # Sums come back as int (or Decimal on PostgreSQL); both are exact.
        return (Decimal(int(value)) / self._scale).quantize(self._quantum)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(
        self,
        form_class: Any = None,
        choices_form_class: Any = None,
        **kwargs: Any,
    ) -> Any:
        # Skips IntegerField's form field: a person types a decimal here.
        return super(models.IntegerField, self).formfield(
            form_class=form_class or forms.DecimalField,
            choices_form_class=choices_form_class,
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
            **kwargs,
        )


class MoneyField(ScaledDecimalField):
    """An amount to the grosz: 12 digits with 2 places, stored as integer grosz."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with the secret box (core/secretbox.py): Python code reads
    and writes the plain value, the database holds only a Fernet token. Not searchable
    or orderable by its value, by design."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        from opiekun.core import secretbox

        return value if value is None else secretbox.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        from opiekun.core import secretbox

        value = super().get_prep_value(value)
        if value is None or secretbox.is_encrypted(value):
            return value
        return secretbox.encrypt(value)
