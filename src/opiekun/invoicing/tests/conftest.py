"""Sellers and buyers with real NIPs (check digits valid) and an October of work to bill."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from opiekun.catalog.models import Plan, Vendor
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks
from opiekun.contracts.models import Contract, Statement
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions as invoicing_actions
from opiekun.invoicing import ksef
from opiekun.invoicing.ksef_auth import TokenAuth
from opiekun.reports import statements
from opiekun.tariff import BillingError
from opiekun.testing.ksef_fake import KSEF_TOKEN, FakeKsef
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

W = ZoneInfo("Europe/Warsaw")
OCTOBER = dt.date(2026, 10, 1)
SELLER_NIPS = ["5260250274", "7740001454", "5252248481", "1132191233", "9512307364"]
BUYER_NIP = "5261040828"


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=W)


@pytest.fixture
def sellers(presets: None) -> None:
    """Every seed vendor gets what an invoice's seller needs: a NIP and an address."""
    for n, vendor in enumerate(Vendor.objects.order_by("code")):
        Vendor.objects.filter(pk=vendor.pk).update(
            tax_id=SELLER_NIPS[n % len(SELLER_NIPS)],
            address=f"ul. Prosta {n + 1}\n00-00{n} Warszawa",
        )


@pytest.fixture
def buyer(personas: Personas, sellers: None) -> Organisation:
    Organisation.objects.filter(pk=personas.org_a.pk).update(
        tax_id=BUYER_NIP, address="ul. Urzędowa 7\n26-600 Radom"
    )
    personas.org_a.refresh_from_db()
    return personas.org_a


def october_of(plan_code: str, personas: Personas, number: str) -> Contract:
    """A contract of the plan in force since June, with an October of work: a phone call,
    remote work, and (under packages) a package bought in October."""
    plan = Plan.objects.get(code=plan_code)
    contract = contract_actions.record_active_contract(
        personas.org_a,
        plan,
        number=number,
        starts_on=dt.date(2026, 6, 1),
        price_net=None if plan.price_net else Decimal("1000.00"),
    )
    if contract.hourly_rate_net is None and plan.hourly_rate_net is None:
        Contract.objects.filter(pk=contract.pk).update(hourly_rate_net=Decimal("180.00"))
        contract.refresh_from_db()
    if plan.package_validity_months is not None:
        banks.grant_package(contract, purchased_on=dt.date(2026, 10, 2))
    ticket = actions.open_ticket(
        personas.org_a,
        channel="email",
        subject=f"Pytanie {number}",
        received_at=at(5),
        contact=personas.customer_a,
    )
    for day, minutes in ((5, 30), (6, 170)):
        # The plan's own kinds of work: not every plan offers remote work or the phone.
        for kind in ("remote", "phone", "email", "consultation"):
            try:
                actions.log_work(
                    ticket,
                    staff=personas.agent,
                    kind=kind,
                    raw_minutes=minutes,
                    started_at=at(day, 11),
                )
            except BillingError:
                continue
            break
    return contract


Approve = Callable[[Statement], Statement]


@pytest.fixture
def english() -> Iterator[None]:
    """Refusals are said in the active language (Polish by default); these tests read
    them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def approve(personas: Personas) -> Approve:
    def run(statement: Statement) -> Statement:
        statements.approve(statement, contact=personas.customer_a)
        return statement

    return run


def receipt(invoice: Any, ksef_number: str) -> str:
    """A UPO as the fake KSeF writes it, confirming ``invoice`` under ``ksef_number``:
    an invoice counts as accepted only with a receipt that names both (issue 21)."""
    digest = base64.b64encode(hashlib.sha256(invoice.xml.encode("utf-8")).digest()).decode()
    return (
        '<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-2"><Dokument>'
        f"<NumerKSeFDokumentu>{ksef_number}</NumerKSeFDokumentu>"
        f"<NumerFaktury>{invoice.number}</NumerFaktury>"
        f"<SkrotDokumentu>{digest}</SkrotDokumentu></Dokument></Potwierdzenie>"
    )


@pytest.fixture
def fake() -> Iterator[FakeKsef]:
    """The KSeF test double, serving over HTTP for the test."""
    with FakeKsef() as server:
        yield server


def issued_invoice(personas: Personas, approve: Approve, number: str) -> Any:
    """October's approved statement of a SHIP-START contract, invoiced."""
    contract = october_of("SHIP-START", personas, number=number)
    return invoicing_actions.issue(approve(statements.issue(contract, OCTOBER)))


def sender_for(fake: FakeKsef) -> Callable[[str], Any]:
    """A sender factory (by the seller's NIP) talking to the test double, never waiting."""

    def make(nip: str) -> ksef.Sender:
        auth = TokenAuth(fake.base_url, KSEF_TOKEN, nip, sleep=lambda _: None)
        return ksef.BatchSender(fake.base_url, auth, sleep=lambda _: None)

    return make
