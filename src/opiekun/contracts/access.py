"""Permission-checked fetches of contracts and statements: staff see all, a contact its
organisation's, anyone else none (404)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from opiekun.contracts.models import Contract, Statement, TopUpOffer
from opiekun.core.access import is_staff_member, organisation_id_of
from opiekun.customers.access import may_buy_hours
from opiekun.customers.models import Contact
from opiekun.staff.access import staff_for


def visible_statements(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Statement]:
    if is_staff_member(user):
        return Statement.objects.all()
    org_id = organisation_id_of(user)
    if org_id is None:
        return Statement.objects.none()
    return Statement.objects.filter(contract__organisation_id=org_id)


def statement_for(user: AbstractBaseUser | AnonymousUser, statement_id: int) -> Statement:
    found = visible_statements(user).select_related("contract", "corrects").filter(pk=statement_id)
    statement = found.first()
    if statement is None:
        raise Http404("No such statement")
    return statement


def visible_contracts(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Contract]:
    if is_staff_member(user):
        return Contract.objects.all()
    org_id = organisation_id_of(user)
    if org_id is None:
        return Contract.objects.none()
    return Contract.objects.filter(organisation_id=org_id)


def contract_for(user: AbstractBaseUser | AnonymousUser, contract_id: int) -> Contract:
    contract = visible_contracts(user).select_related("plan", "organisation").filter(pk=contract_id)
    found = contract.first()
    if found is None:
        raise Http404("No such contract")
    return found


def offers_for_buyer(contact: Contact) -> QuerySet[TopUpOffer]:
    """The top-up offers a contact may see and answer: their organisation's, if they may
    buy hours for it (issue 21, item 4); none otherwise."""
    if not may_buy_hours(contact):
        return TopUpOffer.objects.none()
    return TopUpOffer.objects.filter(organisation_id=contact.organisation_id)


def offer_for_buyer(contact: Contact | None, offer_id: int) -> TopUpOffer:
    """One offer of the contact's organisation; 404 to anyone else (another customer, a
    colleague who may not buy, staff on the customer's side of the API)."""
    found = None
    if contact is not None:
        found = offers_for_buyer(contact).select_related("plan").filter(pk=offer_id).first()
    if found is None:
        raise Http404("No such offer")
    return found


def offer_for_staff(user: AbstractBaseUser | AnonymousUser, offer_id: int) -> TopUpOffer:
    """Any offer, for staff (account managers and agents make and withdraw them)."""
    staff_for(user)
    found = TopUpOffer.objects.select_related("plan", "organisation").filter(pk=offer_id).first()
    if found is None:
        raise Http404("No such offer")
    return found
