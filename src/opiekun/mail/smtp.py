"""Django's SMTP backend signing in with OAuth2 (XOAUTH2) instead of a password, for
Microsoft 365 and Gmail, which no longer take passwords: EMAIL_BACKEND =
"opiekun.mail.smtp.OAuth2EmailBackend" with EMAIL_HOST_USER and the EMAIL_OAUTH2_*
settings. The access token is cached (Django's cache) until shortly before it expires."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any, overload

from django.conf import settings
from django.core.cache import cache
from django.core.mail.backends import smtp
from django.utils import timezone

from opiekun.mail import oauth2

CACHE_KEY = "mail:smtp-oauth2-token"


def smtp_token(now: dt.datetime | None = None) -> str:
    """The access token for SMTP, from the cache or from the provider."""
    now = now or timezone.now()
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return str(cached)
    token = oauth2.fetch(
        settings.EMAIL_OAUTH2_TOKEN_URL,
        client_id=settings.EMAIL_OAUTH2_CLIENT_ID,
        client_secret=settings.EMAIL_OAUTH2_CLIENT_SECRET,
        refresh_token=settings.EMAIL_OAUTH2_REFRESH_TOKEN,
        scope=settings.EMAIL_OAUTH2_SCOPE,
        now=now,
    )
    seconds = (token.expires_at - oauth2.MARGIN - now).total_seconds()
    if seconds > 0:
        cache.set(CACHE_KEY, token.access_token, int(seconds))
    return token.access_token


class Responder:
    """smtplib's authobject: the XOAUTH2 string first; on a challenge (the server's
    JSON error) an empty line, after which the server answers 535."""

    def __init__(self, user: str, access_token: str) -> None:
        self.initial = oauth2.sasl_string(user, access_token)

    @overload
    def __call__(self, challenge: None = None, /) -> str: ...
    @overload
    def __call__(self, challenge: bytes, /) -> str: ...
    def __call__(self, challenge: bytes | None = None, /) -> str:
        return self.initial if challenge is None else ""


class OAuth2EmailBackend(smtp.EmailBackend):
    def open(self) -> Any:
        if self.connection:
            return False
        password, self.password = self.password, ""  # Django's own login is skipped
        try:
            opened = super().open()
        finally:
            self.password = password
        if not opened or self.connection is None:
            return opened
        try:
            try:
                token = smtp_token()
            except oauth2.TokenError as exc:
                # As a refused sign-in: the send task retries it with backoff.
                raise smtplib.SMTPAuthenticationError(535, str(exc).encode()) from exc
            self.connection.ehlo_or_helo_if_needed()
            self.connection.auth("XOAUTH2", Responder(self.username, token))
        except OSError:  # smtplib.SMTPException included
            self.close()
            if not self.fail_silently:
                raise
            return None
        return True
