"""Secrets the desk must read back (a mailbox's IMAP password), encrypted at rest with
Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under keys from the environment.

``SECRET_BOX_KEYS`` (env ``OPIEKUN_SECRET_BOX_KEY``, comma-separated): the first key
encrypts, every key decrypts, so a key is rotated by putting a new one first, running
``opiekun secrets rotate`` and then dropping the old one (ADR 8). A stolen database or
backup without the environment yields no password.
"""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Stored values start with this, so a legacy plain value (before the data migration
# ran) is told apart from a token, and the format can change later.
PREFIX = "fernet:"


class SecretBoxError(Exception):
    """A stored secret cannot be decrypted: the key that encrypted it is not configured."""


def development_key(secret_key: str) -> str:
    """The key used with DEBUG when none is set: derived from SECRET_KEY, so `make run`
    needs no setup. Production must set its own key (settings.py refuses to start)."""
    digest = hashlib.sha256(b"opiekun secret box\x00" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@functools.lru_cache(maxsize=4)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def box() -> MultiFernet:
    # Read at call time, not import time, so a test or a rotation sees the current keys.
    return _box(tuple(settings.SECRET_BOX_KEYS))


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(plain: str) -> str:
    return PREFIX + box().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    if not is_encrypted(stored):
        return stored  # a legacy plain value; the data migration encrypts them all
    try:
        return box().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise SecretBoxError(
            "a stored secret cannot be decrypted: is the key that encrypted it still in "
            "OPIEKUN_SECRET_BOX_KEY?"
        ) from None


def rotate(stored: str) -> str:
    """The same secret encrypted under the first key (plain legacy values too)."""
    if not is_encrypted(stored):
        return encrypt(stored)
    try:
        return PREFIX + box().rotate(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise SecretBoxError(
            "a stored secret cannot be decrypted with any key in OPIEKUN_SECRET_BOX_KEY"
        ) from None


def valid_key(key: str) -> bool:
    try:
        Fernet(key.encode())
    except ValueError:
        return False
    return True
