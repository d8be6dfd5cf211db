"""Sign-in lockouts (django-axes): the page a locked-out person sees, and which user
names and addresses are locked now, for the console's unlock list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After and a page in the reader's language
    that says why and what to do (wait, reset the password, ask a manager)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


@dataclass(frozen=True)
class Lockout:
    """A user name or an address whose wrong passwords reached the limit."""

    kind: str  # "username" or "address"
    value: str
    failures: int
    last_attempt: Any


def current_lockouts() -> list[Lockout]:
    """Locked right now: axes sums failures per user name and per address, over the
    attempt records of the cool-off period."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    found = []
    for kind, column in (("username", "username"), ("address", "ip_address")):
        rows = (
            recent.exclude(**{f"{column}__isnull": True})
            .values(column)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        found += [Lockout(kind, r[column], r["failures"], r["last"]) for r in rows]
    return found
