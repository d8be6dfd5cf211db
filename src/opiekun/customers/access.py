"""Permission-checked fetches of organisations: staff see all, a contact its own, anyone
else nothing (404)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
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


def sees_whole_organisation(contact: Contact) -> bool:
    """An organisation administrator sees all its tickets; a plain contact only where the
    organisation lets colleagues see each other's (issue 16)."""
    return contact.is_organisation_admin or contact.organisation.contacts_see_all_tickets


def may_manage_contacts(user: AbstractBaseUser | AnonymousUser, organisation: Organisation) -> bool:
    """Who may invite, deactivate and authorise the organisation's contacts: a support
    manager, the organisation's account manager, or one of its administrator contacts."""
    if is_staff_member(user):
        member = user.staff_member  # type: ignore[union-attr]
        return bool(member.is_manager or member.pk == organisation.account_manager_id)
    contact = contact_of(user)
    return bool(
        contact and contact.is_organisation_admin and contact.organisation_id == organisation.pk
    )


def managed_organisation_for(
    user: AbstractBaseUser | AnonymousUser, organisation_id: int
) -> Organisation:
    """An organisation whose contacts the user manages; 404 otherwise, even to those who
    may see it (a plain contact does not learn more than a stranger)."""
    organisation = organisation_for(user, organisation_id)
    if not may_manage_contacts(user, organisation):
        raise Http404("No such organisation")
    return organisation


def managed_contact_for(user: AbstractBaseUser | AnonymousUser, contact_id: int) -> Contact:
    """A contact the user manages (see ``may_manage_contacts``); 404 otherwise."""
    contact = (
        Contact.objects.filter(pk=contact_id, organisation__in=visible_organisations(user))
        .select_related("organisation", "user")
        .first()
    )
    if contact is None or not may_manage_contacts(user, contact.organisation):
        raise Http404("No such contact")
    return contact


def may_buy_hours(contact: Contact) -> bool:
    """Who may accept or decline the vendor's offer of hours for the organisation (issue
    21, item 4): an active, authorised contact who is its administrator or its single
    point of contact (R-PPL-2) -- buying is a commitment, not every colleague's."""
    return bool(
        contact.is_active
        and contact.is_authorised
        and (contact.is_organisation_admin or contact.is_single_point_of_contact)
    )


def buyers() -> QuerySet[Contact]:
    """The contacts ``may_buy_hours`` lets buy, as a query (told of offers in one read)."""
    return Contact.objects.filter(is_active=True, is_authorised=True).filter(
        Q(is_organisation_admin=True) | Q(is_single_point_of_contact=True)
    )
