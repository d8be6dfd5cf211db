"""API rate limits on django-ninja's throttling (a sliding window kept in Django's
cache): authenticated callers are counted per user, anonymous ones per address. Past
the limit a caller gets 429 with Retry-After (errors.py words the body).

The counts live in the default cache. The embedded default is local memory, which is
per process: with several web processes each counts alone, so production sets
CACHE_URL=redis://... and all processes share one count (README, Sign-in security)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from opiekun.core.clients import client_address


class PerCallerThrottle(SimpleRateThrottle):
    """API_RATE_USER per signed-in user or token owner, API_RATE_ANON per address. The
    rates are read per request, not at import, so a changed setting takes effect."""

    def __init__(self) -> None:
        self.rate = None
        self.num_requests, self.duration = None, None

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.rate = settings.API_RATE_USER
            ident = f"user-{user.pk}"
        else:
            self.rate = settings.API_RATE_ANON
            ident = f"addr-{client_address(request)}"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return f"api-throttle-{ident}"
