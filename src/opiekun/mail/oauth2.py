"""OAuth2 sign-in to mail servers (XOAUTH2), which Microsoft 365 and Gmail require: an
access token from the provider's token endpoint, then the SASL XOAUTH2 string in place of
a password, for IMAP (imap-tools' ``xoauth2``) and SMTP (``smtplib``'s ``auth``).

The token request is requests-oauthlib's (ADR 0020): with a refresh token (a person
consented once; Gmail, delegated Microsoft 365) or, without one, as the client itself
(client credentials: Microsoft 365's app-only access). oauthlib refuses a token URL
that is not HTTPS unless OAUTHLIB_INSECURE_TRANSPORT is set (local test servers only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import requests
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error
from requests_oauthlib import OAuth2Session

TIMEOUT = 30
# A token is renewed this long before it expires, so it never expires mid-poll.
MARGIN = dt.timedelta(minutes=5)
# Providers that do not say how long a token lives: Microsoft's and Google's is an hour.
DEFAULT_LIFETIME = 3600


class TokenError(Exception):
    """No access token: the provider refused (a revoked consent, a wrong secret) or could
    not be reached. Written on the mailbox like a connection error."""


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_at: dt.datetime
    refresh_token: str  # the provider's new one when it rotates them, else ""


def fetch(
    token_url: str,
    *,
    client_id: str,
    client_secret: str,
    refresh_token: str = "",
    scope: str = "",
    now: dt.datetime,
) -> Token:
    scopes = scope.split() or None
    try:
        if refresh_token:
            session = OAuth2Session(client_id, scope=scopes)
            answer = session.refresh_token(
                token_url,
                refresh_token=refresh_token,
                client_id=client_id,
                client_secret=client_secret,
                timeout=TIMEOUT,
            )
        else:
            session = OAuth2Session(client=BackendApplicationClient(client_id, scope=scopes))
            answer = session.fetch_token(
                token_url,
                client_id=client_id,
                client_secret=client_secret,
                include_client_id=True,
                scope=scopes,
                timeout=TIMEOUT,
            )
    except (OAuth2Error, requests.RequestException, ValueError) as exc:
        raise TokenError(f"OAuth2 token: {type(exc).__name__}: {exc}"[:400]) from exc
    access = str(answer.get("access_token") or "")
    if not access:
        raise TokenError("OAuth2 token: the provider answered without an access token")
    try:
        lifetime = int(answer.get("expires_in") or DEFAULT_LIFETIME)
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME
    rotated = str(answer.get("refresh_token") or "")
    return Token(access, now + dt.timedelta(seconds=lifetime), rotated)


def sasl_string(user: str, access_token: str) -> str:
    """The XOAUTH2 initial response (Google's and Microsoft's definition), unencoded."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01"
