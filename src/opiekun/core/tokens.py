"""API tokens: created once (the caller sees the token), stored as a digest, looked up by
digest in constant time, revocable, and optionally expiring."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.models import ApiToken


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, name: str, *, expires_at: dt.datetime | None = None, actor: Actor = None
) -> tuple[ApiToken, str]:
    """Returns the stored token and the plain token, which is never stored."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValueError("expires_at: must be in the future")
    plain = "opk_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=plain[:8], digest=digest(plain), expires_at=expires_at
        )
        audit.record(
            "api_token.created",
            token,
            actor=actor or user,
            name=name,
            expires_at=expires_at.isoformat() if expires_at else None,
        )
    return token, plain


def user_for(plain: str) -> AbstractBaseUser | None:
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(plain), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    # One write a minute at most per token, not one per request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
