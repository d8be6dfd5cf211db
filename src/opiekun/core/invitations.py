"""Invitation links: a contact sets their first password through a link valid 72 hours
that works once (issue 16).

Django's password-reset tokens already work once (the token hashes the password and the
last sign-in, both of which setting a password changes); only their lifetime is a
project-wide setting, so invitations check their own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

VALID_HOURS = 72


class InvitationTokens(PasswordResetTokenGenerator):
    # Another salt: a reset token is no invitation, nor the other way round.
    key_salt = "opiekun.core.invitations.InvitationTokens"

    def check_token(self, user: AbstractBaseUser | None, token: str | None) -> bool:
        if not (user and token):
            return False
        subject: Any = user  # the stubs want a User; any user model signs the same way
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - issued > VALID_HOURS * 3600:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(subject, issued, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokens()
