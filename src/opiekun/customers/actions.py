"""State changes of customer organisations and contacts."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.invitations import VALID_HOURS, invitation_tokens
from opiekun.core.taxids import normalise_tax_id
from opiekun.customers.models import Contact, ContactEmail, ContactPhone, Organisation
from opiekun.customers.validators import normalise_phone
from opiekun.staff.models import StaffMember

logger = logging.getLogger(__name__)


class ContactError(ValueError):
    """A change of contacts refused: "field: why", in the reader's language."""


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
    organisation_admin: bool = False,
    language: str = "pl",
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
            is_organisation_admin=organisation_admin,
            language=language,
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


def invite_contact(
    organisation: Organisation,
    full_name: str,
    email: str,
    *,
    language: str = "pl",
    site: str,
    actor: Actor = None,
) -> Contact:
    """A new contact of the organisation, invited by e-mail to set a password (issue 16).
    An address another contact already writes from is refused: it would map incoming
    mail to two people."""
    email = email.strip()
    full_name = full_name.strip()
    if not full_name:
        raise ContactError("full_name: " + _("Give the person's name."))
    try:
        validate_email(email)
    except ValidationError:
        raise ContactError("email: " + _("This is not an e-mail address.")) from None
    if language not in dict(settings.LANGUAGES):
        raise ContactError("language: " + _("Choose Polish or English."))
    with transaction.atomic():
        if ContactEmail.objects.filter(address__iexact=email).exists():
            raise ContactError("email: " + _("Another contact already uses this address."))
        contact = add_contact(
            organisation, full_name, emails=[email], language=language, actor=actor
        )
        send_invitation(contact, site=site, actor=actor)
    return contact


def send_invitation(contact: Contact, *, site: str, actor: Actor = None) -> None:
    """Mails the contact a link to set their password, valid 72 hours and once; a
    contact without a sign-in gets one (named by their address, no usable password
    until they set it). Sending again makes a new link; the mail leaves after commit."""
    address = contact.primary_email
    if not address:
        raise ContactError("email: " + _("The contact has no e-mail address to invite."))
    if not contact.is_active:
        raise ContactError("contact: " + _("An inactive contact cannot be invited."))
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.user is None:
            contact.user = get_user_model().objects.create_user(
                username=_free_username(address.lower(), contact), email=address
            )
            contact.save(update_fields=["user", "updated_at"])
        user = contact.user
        link = site.rstrip("/") + reverse(
            "invitation_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": invitation_tokens.make_token(user),
            },
        )
        with translation.override(contact.language):
            context = {"contact": contact, "username": user.get_username(), "link": link}
            context["hours"] = VALID_HOURS
            subject = render_to_string("customers/invitation_subject.txt", context).strip()
            body = render_to_string("customers/invitation_email.txt", context)
        mail = EmailMessage(subject, body, to=[address])
        audit.record("contact.invited", contact, actor=actor, organisation=contact.organisation)
        transaction.on_commit(lambda: _send(mail))


def _send(mail: EmailMessage) -> None:
    # As Django's own password reset: the mail leaves with the answer to the page. A
    # server that refuses it is logged; the manager can send the invitation again.
    try:
        mail.send()
    except OSError:
        logger.exception("invitation mail not sent")


def _free_username(address: str, contact: Contact) -> str:
    users = get_user_model().objects
    name = address[:150]
    if users.filter(username__iexact=name).exists():
        name = f"{address[:140]}-{contact.pk}"
    return name


def change_contact(
    contact: Contact,
    *,
    is_active: bool | None = None,
    is_authorised: bool | None = None,
    is_single_point_of_contact: bool | None = None,
    is_organisation_admin: bool | None = None,
    actor: Actor = None,
) -> Contact:
    """An administrator's or a manager's change of a colleague's roles (R-PPL-2): who
    may open tickets, who may use the hour package, who administers, who has left. An
    organisation always keeps one active administrator once it has one, so nobody can
    lock the organisation out of managing itself."""
    wanted = {
        "is_active": is_active,
        "is_authorised": is_authorised,
        "is_single_point_of_contact": is_single_point_of_contact,
        "is_organisation_admin": is_organisation_admin,
    }
    changes = {field: value for field, value in wanted.items() if value is not None}
    with transaction.atomic():
        # The organisation first: two administrators demoting each other at once must
        # not both succeed and leave none.
        Organisation.objects.select_for_update().get(pk=contact.organisation_id)
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        was_admin = contact.is_active and contact.is_organisation_admin
        for field, value in changes.items():
            setattr(contact, field, value)
        still_admin = contact.is_active and contact.is_organisation_admin
        if was_admin and not still_admin:
            others = Contact.objects.filter(
                organisation_id=contact.organisation_id, is_active=True, is_organisation_admin=True
            ).exclude(pk=contact.pk)
            if not others.exists():
                raise ContactError(
                    "is_organisation_admin: "
                    + _("The organisation needs another active administrator first.")
                )
        contact.save(update_fields=[*changes, "updated_at"])
        audit.record(
            "contact.changed",
            contact,
            actor=actor,
            organisation=contact.organisation,
            **changes,
        )
    return contact


def set_ticket_visibility(
    organisation: Organisation, *, contacts_see_all_tickets: bool, actor: Actor = None
) -> Organisation:
    """Whether a plain contact sees colleagues' tickets (issue 16; administrators always
    see all)."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        organisation.contacts_see_all_tickets = contacts_see_all_tickets
        organisation.save(update_fields=["contacts_see_all_tickets", "updated_at"])
        audit.record(
            "organisation.ticket_visibility",
            organisation,
            actor=actor,
            organisation=organisation,
            contacts_see_all_tickets=contacts_see_all_tickets,
        )
    return organisation
