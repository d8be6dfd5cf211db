"""Permission-checked fetches of the data lifecycle: erasing a contact is a support
manager's decision; anyone else, staff included, gets 404."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from opiekun.customers.models import Contact
from opiekun.staff.access import manager_for


def contact_to_erase_for(user: AbstractBaseUser | AnonymousUser, contact_id: int) -> Contact:
    manager_for(user)
    contact = Contact.objects.select_related("organisation").filter(pk=contact_id).first()
    if contact is None:
        raise Http404("No such contact")
    return contact
