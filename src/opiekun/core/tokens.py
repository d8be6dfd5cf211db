"""API tokens: created once (the caller sees the token), stored as a digest, looked up by
digest in constant time, revocable, and optionally expiring."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from opiekun.core import audit
from opiekun.core.access import is_staff_member, organisation_id_of
from opiekun.core.audit import Actor
from opiekun.core.bounds import OutOfBounds
from opiekun.core.models import ApiToken

NAME_MAX = ApiToken._meta.get_field("name").max_length or 100


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, name: str, *, expires_at: dt.datetime | None = None, actor: Actor = None
) -> tuple[ApiToken, str]:
    """Returns the stored token and the plain token, which is never stored."""
    if expires_at is not None and expires_at <= timezone.now():
        raise OutOfBounds("expires_at: " + gettext("The day has passed."))
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise OutOfBounds("name: " + gettext("Give the token a name of at most 100 characters."))
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


def end_of_day(day: dt.date) -> dt.datetime:
    """A person names the last day a token works; it works through that day in the
    desk's zone (the admin's form reads the same)."""
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(), timezone.get_current_timezone()
    )


def may_hold_tokens(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff and authorised contacts call the API as themselves; a login with no role
    has nothing the API would show it, so it gets no token either (404)."""
    return is_staff_member(user) or organisation_id_of(user) is not None


def tokens_of(user: AbstractBaseUser | AnonymousUser) -> list[ApiToken]:
    """The user's own tokens, newest first; 404 for anyone who may not hold tokens."""
    if not may_hold_tokens(user):
        raise Http404("No such page")
    return list(ApiToken.objects.filter(user_id=user.pk or 0).order_by("-created_at", "-pk")[:200])


def own_token(
    user: AbstractBaseUser | AnonymousUser, token_id: int, *, lock: bool = False
) -> ApiToken:
    """The user's own token; another user's, or none, is 404 alike."""
    if not may_hold_tokens(user) or not 0 < token_id < 2**63:
        raise Http404("No such page")
    found = ApiToken.objects.filter(pk=token_id, user_id=user.pk or 0)
    if lock:
        found = found.select_for_update()
    token = found.first()
    if token is None:
        raise Http404("No such page")
    return token


def revoke_token(
    user: AbstractBaseUser | AnonymousUser, token_id: int, *, actor: Actor = None
) -> ApiToken:
    """Revokes one of the user's own tokens; revoking a revoked one changes nothing."""
    with transaction.atomic():
        token = own_token(user, token_id, lock=True)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record("api_token.revoked", token, actor=actor or user, name=token.name)
    return token
