"""Staff-only fetches: anyone who is not an active staff member gets 404."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from opiekun.core.access import is_staff_member
from opiekun.staff.models import StaffMember


def staff_for(user: AbstractBaseUser | AnonymousUser) -> StaffMember:
    if not is_staff_member(user):
        raise Http404("No such page")
    return user.staff_member  # type: ignore[union-attr]


def manager_for(user: AbstractBaseUser | AnonymousUser) -> StaffMember:
    """A support manager (plans, contracts, settlement); anyone else gets 404."""
    member = staff_for(user)
    if not member.is_manager:
        raise Http404("No such page")
    return member
