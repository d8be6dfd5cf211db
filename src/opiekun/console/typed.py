"""Numbers and days as people type them into the console's forms ('1 200,50', '27.02.2026'),
turned into values or into the refusal the calling action uses, naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from django.utils.translation import gettext as _

from opiekun.core import bounds


def number(
    request: HttpRequest, field: str, kind: type[int] | type[Decimal], error: type[Exception]
) -> int | Decimal | None:
    text = request.POST.get(field, "").strip().replace(" ", "").replace(",", ".")[:20]
    if not text:
        return None
    try:
        value = kind(text)
    except (ValueError, InvalidOperation):
        value = None
    # 'NaN' and 'Infinity' parse as Decimals, but no amount is either.
    if value is None or (isinstance(value, Decimal) and not value.is_finite()):
        raise error(f"{field}: " + _("%(value)s is not a number") % {"value": text})
    return value


def day(request: HttpRequest, field: str, error: type[Exception]) -> dt.date | None:
    text = request.POST.get(field, "").strip()[:40]
    return bounds.parse_day(field, text, error=error) if text else None
