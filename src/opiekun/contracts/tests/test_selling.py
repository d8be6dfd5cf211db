"""Selling hours from the contract desk (issue 17): a KJM package (3 h, 3 months) sold
from the console or the API releases the tickets that waited for it (R-HRS-3); a retried
sale sells once; a top-up the same day is a second package at the pro-rata price; a
correction is a new ledger entry (R-HRS-5). Only support managers sell."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts import banks, selling
from opiekun.contracts.models import HourBank, LedgerEntry
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def package_customer(presets: None) -> Personas:
    from opiekun.testing.personas import make_personas

    return make_personas("KJM-CARE", "KJM-PACKAGE")


@pytest.fixture
def manager_client(package_customer: Personas) -> Client:
    member = package_customer.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def _waiting(p: Personas) -> Ticket:
    ticket = actions.open_ticket(
        p.org_b, channel="email", subject="Księgowanie", contact=p.customer_b
    )
    assert ticket.status == "awaiting_package"  # R-HRS-3: no valid package
    return ticket


def test_r_hrs_3_a_package_sold_in_the_console_releases_the_waiting_ticket(
    package_customer: Personas, manager_client: Client
) -> None:
    p = package_customer
    ticket = _waiting(p)
    page = manager_client.get(f"/console/customers/{p.org_b.pk}/").content.decode()
    assert "KJM-PACKAGE" in page and 'name="sale_key"' in page
    form = {"plan": "KJM-PACKAGE", "purchased_on": "", "minutes": "", "sale_key": "k-1"}
    assert manager_client.post(f"/console/customers/{p.org_b.pk}/packages", form).status_code == 302
    assert manager_client.post(f"/console/customers/{p.org_b.pk}/packages", form).status_code == 302
    sold = HourBank.objects.get(kind="package")  # the double click sold once
    plan = Plan.objects.get(code="KJM-PACKAGE")
    assert banks.balance(sold) == plan.included_minutes == 180
    assert sold.purchase_price_net == plan.price_net
    today = timezone.localdate()
    assert timezone.localtime(sold.expires_at).date() == banks.add_months(today, 3) + dt.timedelta(
        days=1
    )
    ticket.refresh_from_db()
    assert ticket.status != "awaiting_package"


def test_the_api_sells_once_per_key_tops_up_and_refuses_by_field(
    package_customer: Personas, manager_client: Client
) -> None:
    p = package_customer
    _waiting(p)
    url = f"/api/v1/organisations/{p.org_b.pk}/packages"

    def post(body: dict[str, object], key: str = "") -> Any:
        headers = {"Idempotency-Key": key} if key else {}
        return manager_client.post(
            url, json.dumps(body), content_type="application/json", headers=headers
        )

    first = post({"plan_code": "KJM-PACKAGE"}, key="sale-7")
    assert first.status_code == 201, first.content
    assert first.json()["released_tickets"] == 1
    again = post({"plan_code": "KJM-PACKAGE"}, key="sale-7")
    assert again.json()["bank"]["id"] == first.json()["bank"]["id"]
    top_up = post({"plan_code": "KJM-PACKAGE", "minutes": 60}, key="sale-8")
    assert top_up.status_code == 201
    plan = Plan.objects.get(code="KJM-PACKAGE")
    if plan.price_net is not None:
        assert Decimal(top_up.json()["price_net"]) == (plan.price_net / 3).quantize(Decimal("0.01"))
    assert HourBank.objects.filter(kind="package").count() == 2
    assert top_up.json()["bank"]["balance_minutes"] == 60

    care = post({"plan_code": "KJM-CARE"})
    assert (care.status_code, care.json()["field"]) == (400, "plan")
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    late = post({"plan_code": "KJM-PACKAGE", "purchased_on": future})
    assert (late.status_code, late.json()["field"]) == (400, "purchased_on")
    huge = post({"plan_code": "KJM-PACKAGE", "minutes": 10**9})
    assert (huge.status_code, huge.json()["field"]) == (422, "minutes")


def test_a_customer_without_a_contract_gets_the_package_plan_s_contract(
    package_customer: Personas,
) -> None:
    from opiekun.customers import actions as customer_actions

    newcomer = customer_actions.create_organisation("Nowy Klient", "nowy")
    bank = selling.sell_package(newcomer, Plan.objects.get(code="KJM-PACKAGE"))
    assert bank.contract.organisation == newcomer and bank.contract.status == "active"
    assert bank.contract.plan.code == "KJM-PACKAGE"


def test_a_correction_is_a_new_entry_and_never_goes_below_zero(
    package_customer: Personas, manager_client: Client
) -> None:
    p = package_customer
    bank = selling.sell_package(p.org_b, Plan.objects.get(code="KJM-PACKAGE"))
    url = f"/api/v1/banks/{bank.pk}/corrections"
    body = {"minutes": -30, "reason": "rozmowa policzona dwa razy"}
    done = manager_client.post(url, json.dumps(body), content_type="application/json")
    assert done.status_code == 201 and done.json()["balance_minutes"] == 150
    assert LedgerEntry.objects.filter(bank=bank, kind="correction").count() == 1
    too_much = {"minutes": -1000, "reason": "x"}
    refused = manager_client.post(url, json.dumps(too_much), content_type="application/json")
    assert (refused.status_code, refused.json()["field"]) == (400, "minutes")
    console = manager_client.post(
        f"/console/banks/{bank.pk}/correct", {"minutes": "15", "reason": "zwrot"}
    )
    assert console.status_code == 302 and banks.balance(bank) == 165


@pytest.mark.parametrize("who", ["agent", "customer_a", "customer_b", "outsider"])
def test_only_a_manager_sells_or_corrects(package_customer: Personas, who: str) -> None:
    p = package_customer
    bank = selling.sell_package(p.org_b, Plan.objects.get(code="KJM-PACKAGE"))
    client = Client()
    client.force_login(p.user(who))
    tries = [
        client.post(f"/console/customers/{p.org_b.pk}/packages", {"plan": "KJM-PACKAGE"}),
        client.post(f"/console/banks/{bank.pk}/correct", {"minutes": "60", "reason": "x"}),
        client.post(
            f"/api/v1/organisations/{p.org_b.pk}/packages",
            json.dumps({"plan_code": "KJM-PACKAGE", "minutes": 60}),
            content_type="application/json",
        ),
        client.post(
            f"/api/v1/banks/{bank.pk}/corrections",
            json.dumps({"minutes": 60, "reason": "x"}),
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in tries] == [404, 404, 404, 404]
    assert HourBank.objects.filter(kind="package").count() == 1
    assert banks.balance(bank) == 180


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sales_with_one_key_sell_once() -> None:
    from opiekun.catalog.actions import load_presets
    from opiekun.catalog.presets import PRESETS
    from opiekun.testing.personas import make_personas
    from opiekun.testing.threads import run_in_threads

    load_presets(list(PRESETS))
    p = make_personas("KJM-CARE", "KJM-PACKAGE")
    plan = Plan.objects.get(code="KJM-PACKAGE")
    errors = run_in_threads(lambda n: selling.sell_package(p.org_b, plan, sale_key="one"), 8)
    assert errors == []
    assert HourBank.objects.filter(kind="package").count() == 1


def test_a_price_out_of_bounds_is_refused_on_its_field(
    package_customer: Personas, manager_client: Client
) -> None:
    p = package_customer
    for typed_price, reason in [
        ("NaN", "NaN nie jest liczbą"),
        ("Infinity", "Infinity nie jest liczbą"),
        ("1e30", "musi być od 0 do 99999999.99"),
        ("-5", "musi być od 0 do 99999999.99"),
    ]:
        refused = manager_client.post(
            f"/console/customers/{p.org_b.pk}/packages",
            {"plan": "KJM-PACKAGE", "price_net": typed_price, "sale_key": typed_price},
            follow=True,
        )
        assert refused.status_code == 200
        assert reason in refused.content.decode(), typed_price
    assert not HourBank.objects.filter(kind="package").exists()
