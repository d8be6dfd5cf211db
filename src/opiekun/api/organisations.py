"""Organisations, their contacts, contracts and hour balances."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from opiekun.api.schemas import BankOut, ContactOut, ContractOut, OrganisationOut
from opiekun.api.types import Id
from opiekun.contracts import banks
from opiekun.contracts.models import HourBank
from opiekun.customers.access import organisation_for, visible_organisations

router = Router(tags=["organisations"])


@router.get("/organisations", response=list[OrganisationOut])
def list_organisations(request: HttpRequest) -> list[OrganisationOut]:
    orgs = visible_organisations(request.user).select_related("account_manager__user")
    return [OrganisationOut.of(o) for o in orgs.order_by("name")]


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: Id) -> OrganisationOut:
    return OrganisationOut.of(organisation_for(request.user, organisation_id))


@router.get("/organisations/{organisation_id}/contacts", response=list[ContactOut])
def contacts(request: HttpRequest, organisation_id: Id) -> list[ContactOut]:
    org = organisation_for(request.user, organisation_id)
    return [ContactOut.of(c) for c in org.contacts.prefetch_related("emails", "phones")]


@router.get("/organisations/{organisation_id}/contracts", response=list[ContractOut])
def contracts(request: HttpRequest, organisation_id: Id) -> list[ContractOut]:
    org = organisation_for(request.user, organisation_id)
    return [ContractOut.of(c) for c in org.contracts.select_related("plan").order_by("pk")]


@router.get(
    "/organisations/{organisation_id}/balances",
    response=list[BankOut],
    summary="Hour banks with their balances and expiry",
)
def balances(request: HttpRequest, organisation_id: Id) -> list[BankOut]:
    org = organisation_for(request.user, organisation_id)
    rows = banks.with_balances(
        HourBank.objects.filter(contract__organisation=org).select_related("contract")
    ).order_by("valid_from", "pk")
    return [BankOut.of(b) for b in rows]
