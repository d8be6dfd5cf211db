from typing import Any

from django.db import models


class MoneyField(models.DecimalField):
    """A net amount to the grosz: Decimal with 12 digits and 2 places, never a float."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
