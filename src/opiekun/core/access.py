"""Who a user is to opiekun: a vendor's staff member, a customer's contact, or nobody.
Every app's access.py builds its permission-checked fetches on these two questions."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


def is_staff_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    member = getattr(user, "staff_member", None)
    return member is not None and member.is_active


def organisation_id_of(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The organisation an active, authorised contact speaks for; None for anyone else."""
    if not user.is_authenticated:
        return None
    contact = getattr(user, "contact", None)
    if contact is None or not contact.is_active:
        return None
    return contact.organisation_id
