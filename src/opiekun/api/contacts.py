"""Contacts' accounts (issue 16): invitations by e-mail, roles under R-PPL-2 and whether
colleagues see each other's tickets. For support managers, the organisation's account
manager and the organisation's administrator contacts; anyone else gets 404."""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from opiekun.api.schemas import ContactOut, OrganisationOut
from opiekun.api.types import Id, OneOf, Text
from opiekun.customers import actions
from opiekun.customers.access import managed_contact_for, managed_organisation_for
from opiekun.customers.models import Contact, ContactEmail

router = Router(tags=["organisations"])


class InvitationIn(Schema):
    full_name: Annotated[str, Text.of(Contact, "full_name")]
    # Checked as an address by the action, which names the field in its refusal.
    email: Annotated[str, Text.of(ContactEmail, "address")]
    language: Annotated[str, OneOf.of([code for code, _name in settings.LANGUAGES])] = "pl"


class ContactChangeIn(Schema):
    """Only the roles given change."""

    active: bool | None = None
    authorised: bool | None = None
    single_point_of_contact: bool | None = None
    organisation_admin: bool | None = None


class VisibilityIn(Schema):
    contacts_see_all_tickets: bool


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _out(contact_id: int, request: HttpRequest) -> ContactOut:
    return ContactOut.of(managed_contact_for(request.user, contact_id))


@router.post(
    "/organisations/{organisation_id}/invitations",
    response={201: ContactOut},
    summary="Invite a new contact by e-mail (a link to set a password, valid 72 hours)",
)
def invite(request: HttpRequest, organisation_id: Id, data: InvitationIn) -> Status[ContactOut]:
    organisation = managed_organisation_for(request.user, organisation_id)
    contact = actions.invite_contact(
        organisation,
        data.full_name,
        str(data.email),
        language=data.language,
        site=_site(request),
        actor=request.user,
    )
    return Status(201, _out(contact.pk, request))


@router.post(
    "/contacts/{contact_id}/invitation",
    response={202: ContactOut},
    summary="Send a contact a new link to set their password",
)
def reinvite(request: HttpRequest, contact_id: Id) -> Status[ContactOut]:
    contact = managed_contact_for(request.user, contact_id)
    actions.send_invitation(contact, site=_site(request), actor=request.user)
    return Status(202, _out(contact.pk, request))


@router.patch(
    "/contacts/{contact_id}",
    response=ContactOut,
    summary="Change a contact's roles: active, authorised, package user, administrator",
)
def change(request: HttpRequest, contact_id: Id, data: ContactChangeIn) -> ContactOut:
    contact = managed_contact_for(request.user, contact_id)
    actions.change_contact(
        contact,
        is_active=data.active,
        is_authorised=data.authorised,
        is_single_point_of_contact=data.single_point_of_contact,
        is_organisation_admin=data.organisation_admin,
        actor=request.user,
    )
    return _out(contact.pk, request)


@router.put(
    "/organisations/{organisation_id}/ticket-visibility",
    response=OrganisationOut,
    summary="Whether every contact sees colleagues' tickets (administrators always do)",
)
def visibility(request: HttpRequest, organisation_id: Id, data: VisibilityIn) -> OrganisationOut:
    organisation = managed_organisation_for(request.user, organisation_id)
    changed = actions.set_ticket_visibility(
        organisation, contacts_see_all_tickets=data.contacts_see_all_tickets, actor=request.user
    )
    return OrganisationOut.of(changed)
