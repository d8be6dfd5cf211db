"""Links in customer e-mail: absolute (the worker has no request to take the host from)
and, for unsubscribing, signed, so they work without signing in and cannot be forged
for another contact or kind."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "opiekun.notifications.unsubscribe"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(contact_id: int, kind: str) -> str:
    return signing.dumps({"c": contact_id, "k": kind}, salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The contact id and kind, or None for a token we did not sign. No expiry: an
    unsubscribe link in an old e-mail must still work."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    contact_id, kind = data.get("c"), data.get("k")
    if not isinstance(contact_id, int) or not isinstance(kind, str):
        return None
    return contact_id, kind


def unsubscribe_url(contact_id: int, kind: str) -> str:
    return absolute(reverse("portal:unsubscribe", args=[unsubscribe_token(contact_id, kind)]))


def ticket_url(ticket_id: int) -> str:
    return absolute(reverse("portal:ticket", args=[ticket_id]))


def hours_url() -> str:
    """The portal's hours page, where a top-up offer is accepted or declined."""
    return absolute(reverse("portal:hours"))
