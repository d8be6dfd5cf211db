from typing import Any

from django.db import models


class MoneyField(models.DecimalField):
    """A net amount to the grosz: Decimal with 12 digits and 2 places, never a float."""

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
