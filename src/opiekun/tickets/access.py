"""Permission-checked fetches of tickets. Anything a user may not see is a 404, so an
outsider cannot even learn that a ticket exists."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from opiekun.core.access import is_staff_member
from opiekun.customers.access import contact_of, sees_whole_organisation
from opiekun.tickets.models import (
    Appointment,
    Attachment,
    CannedResponse,
    SavedView,
    Ticket,
)


def visible_tickets(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    """Staff see every ticket; an organisation's administrator contact (or any contact,
    where the organisation lets colleagues see each other's) its organisation's; a plain
    contact their own; anyone else none."""
    if is_staff_member(user):
        return Ticket.objects.all()
    contact = contact_of(user)
    if contact is None:
        return Ticket.objects.none()
    tickets = Ticket.objects.filter(organisation_id=contact.organisation_id)
    return tickets if sees_whole_organisation(contact) else tickets.filter(contact=contact)


def ticket_for(
    user: AbstractBaseUser | AnonymousUser, ticket_id: int, *, lock: bool = False
) -> Ticket:
    queryset = visible_tickets(user)
    if lock:
        queryset = queryset.select_for_update()
    ticket = queryset.filter(pk=ticket_id).first()
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


def visible_attachments(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Attachment]:
    """The attachments the user may open: those of tickets they see, less internal notes'
    files for anyone but staff. Lists and downloads both use it, so a list never names a
    file its download would refuse."""
    attachments = Attachment.objects.filter(ticket__in=visible_tickets(user))
    if not is_staff_member(user):
        attachments = attachments.exclude(message__direction="note")
    return attachments


def attachment_for(user: AbstractBaseUser | AnonymousUser, attachment_id: int) -> Attachment:
    """An attachment of a ticket the user may see; 404 otherwise."""
    attachment = visible_attachments(user).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def appointment_for(user: AbstractBaseUser | AnonymousUser, appointment_id: int) -> Appointment:
    """A remote session of a ticket the user may see; 404 otherwise."""
    found = Appointment.objects.filter(pk=appointment_id, ticket__in=visible_tickets(user))
    appointment = found.first()
    if appointment is None:
        raise Http404("No such appointment")
    return appointment


def responses_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[CannedResponse]:
    """Every canned response for staff (each vendor's agents answer all of them); none
    for anyone else."""
    if is_staff_member(user):
        return CannedResponse.objects.select_related("vendor")
    return CannedResponse.objects.none()


def responses_for_ticket(ticket: Ticket) -> QuerySet[CannedResponse]:
    """The responses that fit a ticket: its vendor's (by contract plan or product) and
    those of no vendor in particular."""
    vendors = {
        ticket.contract.plan.vendor_id if ticket.contract else None,
        ticket.product.vendor_id if ticket.product else None,
    } - {None}
    return CannedResponse.objects.filter(Q(vendor__isnull=True) | Q(vendor__in=vendors))


def response_for(
    user: AbstractBaseUser | AnonymousUser, response_id: int, *, manage: bool = False
) -> CannedResponse:
    """A canned response; to change one (``manage``) the user must be a support manager."""
    if manage and not getattr(getattr(user, "staff_member", None), "is_manager", False):
        raise Http404("No such response")
    found = responses_for(user).filter(pk=response_id).first()
    if found is None:
        raise Http404("No such response")
    return found


def saved_view_for(user: AbstractBaseUser | AnonymousUser, view_id: int) -> SavedView:
    """One of the user's own saved views: another agent's is a 404, they are private."""
    found = SavedView.objects.filter(pk=view_id, owner__user_id=user.pk or 0).first()
    if found is None or not is_staff_member(user):
        raise Http404("No such view")
    return found
