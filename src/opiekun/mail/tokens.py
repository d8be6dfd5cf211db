"""A mailbox's OAuth2 access token (XOAUTH2 for IMAP, ADR 20): cached on the mailbox,
encrypted, and fetched again from the provider a few minutes before it expires."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from opiekun.mail import oauth2
from opiekun.mail.models import Mailbox


def mailbox_token(mailbox: Mailbox, now: dt.datetime | None = None) -> str:
    """The mailbox's OAuth2 access token: the cached one while it has a few minutes
    left, else a new one from the provider (kept encrypted, with the refresh token the
    provider may have rotated). Raises ``oauth2.TokenError``."""
    now = now or timezone.now()
    mailbox.refresh_from_db(fields=["oauth2_access_token", "oauth2_expires_at"])
    expires = mailbox.oauth2_expires_at
    if mailbox.oauth2_access_token and expires is not None and expires - oauth2.MARGIN > now:
        return mailbox.oauth2_access_token
    token = oauth2.fetch(
        mailbox.oauth2_token_url,
        client_id=mailbox.oauth2_client_id,
        client_secret=mailbox.oauth2_client_secret,
        refresh_token=mailbox.oauth2_refresh_token,
        scope=mailbox.oauth2_scope,
        now=now,
    )
    mailbox.oauth2_access_token, mailbox.oauth2_expires_at = token.access_token, token.expires_at
    fields = ["oauth2_access_token", "oauth2_expires_at"]
    if token.refresh_token:
        mailbox.oauth2_refresh_token = token.refresh_token
        fields.append("oauth2_refresh_token")
    mailbox.save(update_fields=fields)
    return token.access_token
