"""The people every permission test is about: an agent, an account manager, a contact
of customer A, a contact of customer B (each their organisation's administrator, so
they see all its tickets), and an outsider with a login and no role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts.models import Contract
from opiekun.customers import actions as customer_actions
from opiekun.customers.models import Contact, Organisation
from opiekun.staff import actions as staff_actions
from opiekun.staff.models import StaffMember

PASSWORD = "persona-password"


@dataclass
class Personas:
    agent: StaffMember
    account_manager: StaffMember
    org_a: Organisation
    org_b: Organisation
    customer_a: Contact
    customer_b: Contact
    outsider: User
    contract_a: Contract | None
    contract_b: Contract | None

    def user(self, name: str) -> User:
        """The login of a persona by name: agent, account_manager, customer_a, ..."""
        person = getattr(self, name)
        if isinstance(person, StaffMember):
            return person.user
        if isinstance(person, Contact):
            assert person.user is not None
            return person.user
        return person


def make_personas(plan_a: str | None = None, plan_b: str | None = None) -> Personas:
    """Creates the personas through the real actions. With plan codes (presets must be
    loaded), each customer also gets a contract in force since 1 January 2026."""
    agent = staff_actions.create_staff_member(
        "p-agent", full_name="Alicja Agent", email="agent@vendor.example", password=PASSWORD
    )
    manager = staff_actions.create_staff_member(
        "p-opiekun",
        full_name="Olgierd Opiekun",
        email="opiekun@vendor.example",
        password=PASSWORD,
        roles=("agent", "account_manager"),
        mobile_phone="+48600999000",
    )
    org_a = customer_actions.create_organisation("Firma A", "firma-a", account_manager=manager)
    org_b = customer_actions.create_organisation("Firma B", "firma-b", account_manager=manager)
    customer_a = customer_actions.add_contact(
        org_a,
        "Adam Klient",
        emails=["adam@a.example"],
        phones=["+48 601 000 001"],
        single_point_of_contact=True,
        organisation_admin=True,
        portal_username="p-customer-a",
        portal_password=PASSWORD,
    )
    customer_b = customer_actions.add_contact(
        org_b,
        "Beata Klientka",
        emails=["beata@b.example"],
        phones=["+48 601 000 002"],
        single_point_of_contact=True,
        organisation_admin=True,
        portal_username="p-customer-b",
        portal_password=PASSWORD,
    )
    outsider = get_user_model().objects.create_user(
        "p-outsider", "outsider@elsewhere.example", PASSWORD
    )
    start = dt.date(2026, 1, 1)
    contract_a = contract_b = None
    if plan_a:
        contract_a = contract_actions.record_active_contract(
            org_a, Plan.objects.get(code=plan_a), number="A/1", starts_on=start
        )
    if plan_b:
        contract_b = contract_actions.record_active_contract(
            org_b, Plan.objects.get(code=plan_b), number="B/1", starts_on=start
        )
    return Personas(
        agent, manager, org_a, org_b, customer_a, customer_b, outsider, contract_a, contract_b
    )
