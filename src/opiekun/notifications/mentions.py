"""``@username`` in an internal note: the active staff members it names."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from opiekun.staff.models import StaffMember

# Django's usernames: letters, digits and @ . + - _. Not after a word character, so an
# e-mail address (jan@firma.pl) is no mention; a full stop ending the sentence is dropped.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]{1,150})")
MAX_MENTIONS = 20


def usernames(text: str) -> list[str]:
    found: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in (n.lower() for n in found):
            found.append(name)
    return found[:MAX_MENTIONS]


def mentioned(text: str) -> list[StaffMember]:
    names = usernames(text)
    if not names:
        return []
    wanted = Q()
    for name in names:
        wanted |= Q(user__username__iexact=name)
    return list(active_staff().filter(wanted))


def active_staff() -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(is_active=True, user__is_active=True).select_related("user")


def completions(prefix: str, limit: int = 10) -> list[dict[str, str]]:
    """Staff whose username or name starts with ``prefix``, for the note box."""
    prefix = prefix.strip().lstrip("@")
    people = active_staff()
    if prefix:
        people = people.filter(
            Q(user__username__istartswith=prefix)
            | Q(user__first_name__istartswith=prefix)
            | Q(user__last_name__istartswith=prefix)
        )
    return [
        {"username": p.user.get_username(), "name": p.user.get_full_name()}
        for p in people.order_by("user__username")[:limit]
    ]
