"""State changes of vendor staff."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.customers.validators import normalise_phone
from opiekun.staff.models import StaffMember

ROLES = ("agent", "account_manager", "on_call", "manager")


def create_staff_member(
    username: str,
    *,
    full_name: str,
    email: str,
    password: str | None,
    roles: tuple[str, ...] = ("agent",),
    mobile_phone: str = "",
    actor: Actor = None,
) -> StaffMember:
    """A vendor person with a login and the given roles. Managers get the admin."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {sorted(unknown)}; roles are {', '.join(ROLES)}")
    first, _, last = full_name.partition(" ")
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            email=email,
            password=password,
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser="manager" in roles,
        )
        member = StaffMember.objects.create(
            user=user,
            is_agent="agent" in roles,
            is_account_manager="account_manager" in roles,
            is_on_call="on_call" in roles,
            is_manager="manager" in roles,
            mobile_phone=normalise_phone(mobile_phone) if mobile_phone else "",
        )
        audit.record("staff.created", member, actor=actor, roles=list(roles))
    return member


def calendar_feed_token(member: StaffMember, *, renew: bool = False, actor: Actor = None) -> str:
    """The secret of the person's iCal feed of appointments; renewing it cuts off every
    calendar that had the old address."""
    if member.calendar_token and not renew:
        return member.calendar_token
    with transaction.atomic():
        member = StaffMember.objects.select_for_update().get(pk=member.pk)
        member.calendar_token = secrets.token_urlsafe(32)
        member.save(update_fields=["calendar_token", "updated_at"])
        audit.record("staff.calendar_token_issued", member, actor=actor, renewed=renew)
    return member.calendar_token
