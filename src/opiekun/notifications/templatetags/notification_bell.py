"""``{% notification_bell %}`` in the console's navigation: the unread count, one query."""

from __future__ import annotations

from typing import Any

from django import template

from opiekun.core.access import is_staff_member
from opiekun.notifications.access import unread_count

register = template.Library()


@register.inclusion_tag("console/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return {"show": False}
    return {"show": True, "unread": unread_count(user)}
