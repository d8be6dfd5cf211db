"""Permission-checked fetches of organisations: staff see all, a contact its own, anyone
else nothing (404)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from opiekun.core.access import is_staff_member, organisation_id_of
from opiekun.customers.models import Contact, Organisation


def visible_organisations(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    if is_staff_member(user):
        return Organisation.objects.all()
    org_id = organisation_id_of(user)
    return Organisation.objects.filter(pk=org_id) if org_id else Organisation.objects.none()


def organisation_for(user: AbstractBaseUser | AnonymousUser, organisation_id: int) -> Organisation:
    organisation = visible_organisations(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


def contact_of(user: AbstractBaseUser | AnonymousUser) -> Contact | None:
    """The contact a signed-in customer is, or None for staff and strangers."""
    if organisation_id_of(user) is None:
        return None
    return user.contact  # type: ignore[union-attr]
