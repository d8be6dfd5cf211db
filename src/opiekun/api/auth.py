"""Who is calling the API: a browser session (CSRF-checked) or an integration's token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from opiekun.core import tokens


class TokenAuth(HttpBearer):
    """`Authorization: Bearer opk_...`, a token created in the admin."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.user_for(token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
        return user


AUTH = [TokenAuth(), django_auth]
