"""Reading command-line options the way every `opiekun` command does: a bad value stops
the command with a message naming the option, never a traceback (issue 13)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError

from opiekun.core import bounds


def parse_moment(text: str, field: str = "--received") -> dt.datetime:
    """ISO 8601; a moment without an offset is read in the desk's time zone. Only the
    moments the product accepts (``bounds.moment``): a deadline is computed from it."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{field}: {text!r} is not an ISO 8601 moment (e.g. 2026-11-20T17:20)", returncode=2
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    try:
        return bounds.moment(field, moment)
    except bounds.OutOfBounds as exc:
        raise CommandError(str(exc), returncode=2) from None
