"""What the product accepts, in one place (issue 13: no input gives a 5xx). The API's
types, the web forms, the commands and, as the last line of defence, the actions all
check values here, so one bad value can never be stored and then break every page that
lists it.

- Moments (deadlines, promises, back-dated receipts, work, sessions) lie from
  2000-01-01 00:00 UTC up to, not including, 2100-01-01 00:00 UTC. Python cannot read a
  moment past the year 9999 back from PostgreSQL (``9999-12-31T23:59:59-14:00`` is in the
  year 10000 in UTC), and nothing a service desk records lies a century away: such a
  value is a typo. A moment without an offset is read in the desk's time zone.
- Days (a form's date) lie in the same window; months (the period of a register or a
  report) run from 2000-01 to 2099-12, so the month after the last one still exists.
- Whole numbers fit their columns: ids a bigint, counts and offsets an integer.
- One work entry is at most ``MAX_WORK_MINUTES``, a whole day: longer work is logged
  as one entry a day, so each lands in its own month and bank.
- Text holds no NUL (PostgreSQL refuses it), no lone surrogate (no encoding can store
  it) and no other C0 control character than tab, line feed and carriage return (an
  XLSX cell cannot hold them and nobody types them); it fits its column. SQLite would
  store a longer text, PostgreSQL would refuse it: the check makes both say the same.

Every refusal reads ``field: why``, the why in the reader's language, as the domain
errors do, so a form puts it on its field and the API names the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.core.text import first_unstorable

EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)  # the first moment refused
FIRST_DAY = EARLIEST.date()
LAST_DAY = dt.date(2099, 12, 31)
FIRST_MONTH = FIRST_DAY
LAST_MONTH = dt.date(2099, 12, 1)

MAX_ID = 2**63 - 1  # a bigint: every primary key (BigAutoField)
MAX_INT = 2**31 - 1  # an integer column, the smallest of SQLite and PostgreSQL
MAX_WORK_MINUTES = 24 * 60  # one work entry: at most a day
MAX_PRICE = Decimal("99999999.99")  # a MoneyField: 10 digits, 2 after the point


class OutOfBounds(ValueError):
    """A value outside what the product accepts; the message reads ``field: why``."""


Refusal = type[Exception]


def _refuse(error: Refusal, field: str, why: str) -> Exception:
    return error(f"{field}: {why}")


def moment(field: str, value: dt.datetime, *, error: Refusal = OutOfBounds) -> dt.datetime:
    """The moment, in the desk's time zone, when it lies in the window."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    # Compared as aware moments, never converted: converting the year 9999 in a zone
    # west of UTC to UTC is what overflows.
    if not EARLIEST <= value < LATEST:
        raise _refuse(
            error,
            field,
            _("must be between %(earliest)s and %(latest)s")
            % {"earliest": "2000-01-01T00:00Z", "latest": "2100-01-01T00:00Z"},
        )
    # An offset no zone has (-19:18 is valid ISO 8601) is more than PostgreSQL stores.
    return timezone.localtime(value)


def day(field: str, value: dt.date, *, error: Refusal = OutOfBounds) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise _refuse(
            error,
            field,
            _("must be a day from %(first)s to %(last)s") % {"first": FIRST_DAY, "last": LAST_DAY},
        )
    return value


def parse_day(field: str, text: str, *, error: Refusal = OutOfBounds) -> dt.date:
    """A day written as 2026-02-27 or, as on a Polish form, 27.02.2026."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            parsed = dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
        return day(field, parsed, error=error)
    raise _refuse(
        error,
        field,
        _("%(value)s is not a day like 2026-02-27 or 27.02.2026") % {"value": repr(text[:40])},
    )


def month(field: str, text: str, *, error: Refusal = OutOfBounds) -> dt.date:
    """The first day of a month written as 2026-11."""
    try:
        first = dt.datetime.strptime(text.strip(), "%Y-%m").date()  # noqa: DTZ007 - a day
    except ValueError:
        first = None
    if first is None or not FIRST_MONTH <= first <= LAST_MONTH:
        raise _refuse(
            error,
            field,
            _("%(value)s is not a month like 2026-11 from %(first)s to %(last)s")
            % {"value": repr(text[:40]), "first": "2000-01", "last": "2099-12"},
        )
    return first


def whole(
    field: str, value: int, *, minimum: int, maximum: int, error: Refusal = OutOfBounds
) -> int:
    if not minimum <= value <= maximum:
        raise _refuse(
            error,
            field,
            _("must be a whole number from %(minimum)s to %(maximum)s")
            % {"minimum": minimum, "maximum": maximum},
        )
    return value


def work_minutes(field: str, value: int, *, error: Refusal = OutOfBounds) -> int:
    """The raw minutes of one work entry."""
    if not 1 <= value <= MAX_WORK_MINUTES:
        raise _refuse(
            error,
            field,
            _("one entry is from 1 to %(maximum)s minutes; log longer work day by day")
            % {"maximum": MAX_WORK_MINUTES},
        )
    return value


def text_problem(value: str) -> str | None:
    """Why the text cannot be stored, in the reader's language, or None."""
    found = first_unstorable(value)
    if found is None:
        return None
    return _("must not contain the control character %(code)s") % {"code": f"U+{ord(found):04X}"}


def column_length(model: type[Model], name: str) -> int | None:
    """The length a model's text column holds (None: unbounded)."""
    return getattr(model._meta.get_field(name), "max_length", None)


def text(
    field: str, value: str, *, max_length: int | None = None, error: Refusal = OutOfBounds
) -> str:
    problem = text_problem(value)
    if problem:
        raise _refuse(error, field, problem)
    if max_length is not None and len(value) > max_length:
        raise _refuse(
            error,
            field,
            _("at most %(limit)s characters, %(length)s given")
            % {"limit": max_length, "length": len(value)},
        )
    return value


# Validators of Django form fields: the same rules, the error on the field itself.


def validate_text(value: str) -> None:
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem, code="unstorable")


def validate_day(value: dt.date) -> None:
    try:
        day("", value)
    except OutOfBounds as exc:
        raise ValidationError(str(exc).partition(": ")[2], code="out_of_bounds") from None
