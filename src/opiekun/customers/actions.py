"""State changes of customer organisations and contacts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.taxids import normalise_tax_id
from opiekun.customers.models import Contact, ContactEmail, ContactPhone, Organisation
from opiekun.customers.validators import normalise_phone
from opiekun.staff.models import StaffMember


def create_organisation(
    name: str,
    short_name: str,
    *,
    kind: str = Organisation.Kind.COMPANY,
    account_manager: StaffMember | None = None,
    email: str = "",
    phone: str = "",
    tax_id: str = "",
    actor: Actor = None,
) -> Organisation:
    with transaction.atomic():
        org = Organisation(
            name=name,
            short_name=short_name,
            kind=kind,
            account_manager=account_manager,
            email=email,
            phone=normalise_phone(phone) if phone else "",
            tax_id=normalise_tax_id(tax_id),
        )
        org.full_clean()
        org.save()
        audit.record("organisation.created", org, actor=actor, organisation=org)
    return org


def add_contact(
    organisation: Organisation,
    full_name: str,
    *,
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    faxes: list[str] | None = None,
    single_point_of_contact: bool = False,
    portal_username: str | None = None,
    portal_password: str | None = None,
    actor: Actor = None,
) -> Contact:
    """A person of the organisation with their addresses and registered numbers
    (R-PPL-2, R-PPL-3); with a username, a portal login too."""
    emails = [address.strip() for address in emails or []]
    phones = [normalise_phone(number) for number in phones or []]
    faxes = [normalise_phone(number) for number in faxes or []]
    with transaction.atomic():
        user = None
        if portal_username:
            user = get_user_model().objects.create_user(
                username=portal_username,
                email=emails[0] if emails else "",
                password=portal_password,
            )
        contact = Contact.objects.create(
            organisation=organisation,
            full_name=full_name,
            user=user,
            is_single_point_of_contact=single_point_of_contact,
        )
        for position, address in enumerate(emails):
            ContactEmail.objects.create(contact=contact, address=address, is_primary=position == 0)
        for number in phones:
            ContactPhone.objects.create(contact=contact, number=number)
        for number in faxes:
            ContactPhone.objects.create(contact=contact, number=number, kind=ContactPhone.Kind.FAX)
        audit.record(
            "contact.created",
            contact,
            actor=actor,
            organisation=organisation,
            emails=emails,
            phones=phones,
            faxes=faxes,
        )
    return contact
