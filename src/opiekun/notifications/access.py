"""A notification is its recipient's alone: anyone else, a colleague too, gets 404."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from opiekun.notifications.models import Notification
from opiekun.staff.access import staff_for


def inbox(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notification]:
    """The signed-in staff member's inbox, newest first (404 for anyone not staff)."""
    staff = staff_for(user)
    return (
        Notification.objects.filter(recipient=staff, shown=True)
        .select_related("ticket")
        .order_by("-created_at", "-pk")
    )


def notification_for(user: AbstractBaseUser | AnonymousUser, notification_id: int) -> Notification:
    found = inbox(user).filter(pk=notification_id).first()
    if found is None:
        raise Http404("No such notification")
    return found


def unread_count(user: AbstractBaseUser | AnonymousUser) -> int:
    return inbox(user).filter(read_at=None).count()
