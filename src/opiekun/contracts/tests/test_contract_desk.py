"""The contract desk (issue 17): a manager quotes and accepts KJM care from the console
(active from the 1st of next month, R-CON-1), records a notice that never cuts SHIP's
minimum duration, and a failed renegotiation that becomes the vendor's notice (R-CON-2);
the same steps over the API; agents read, anyone else gets 404."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.contracts import actions, banks
from opiekun.contracts.models import Contract
from opiekun.core.audit import events_for
from opiekun.staff.models import StaffMember
from opiekun.tariff.periods import next_month_start
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(personas: Personas, presets: None) -> Client:
    member = personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def test_r_con_1_quote_and_accept_kjm_care_in_the_console(
    personas: Personas, manager_client: Client
) -> None:
    org = personas.org_a
    page = manager_client.get(f"/console/customers/{org.pk}/").content.decode()
    assert f'action="/console/customers/{org.pk}/quote"' in page
    made = manager_client.post(
        f"/console/customers/{org.pk}/quote",
        {"plan": "KJM-CARE", "price_net": "650,00", "seats": "3", "number": ""},
    )
    contract = Contract.objects.get(organisation=org)
    assert made.status_code == 302 and made["Location"] == f"/console/contracts/{contract.pk}/"
    assert (contract.status, str(contract.price_net), contract.seats) == ("quote", "650.00", 3)
    today = timezone.localdate()
    manager_client.post(
        f"/console/contracts/{contract.pk}/accept", {"accepted_on": today.isoformat()}
    )
    contract.refresh_from_db()
    first = next_month_start(today)
    assert (contract.status, contract.starts_on) == ("accepted", first)
    assert actions.activate_due(first) == 1
    contract.refresh_from_db()
    assert contract.status == "active"
    listing = manager_client.get("/console/contracts/?status=active").content.decode()
    assert contract.number in listing
    detail = manager_client.get(f"/console/contracts/{contract.pk}/").content.decode()
    assert "contract.accepted" in detail and "contract.activated" in detail


def test_r_con_2_notice_keeps_the_minimum_and_a_failed_renegotiation_is_the_vendors_notice(
    personas: Personas, manager_client: Client
) -> None:
    from opiekun.catalog.models import Plan

    ship = actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="SHIP-STANDARD"),
        number="S/1",
        starts_on=dt.date(2026, 9, 1),
    )
    detail = manager_client.get(f"/console/contracts/{ship.pk}/").content.decode()
    assert "2027-02-28" in detail  # the earliest end after notice: 6 months
    manager_client.post(
        f"/console/contracts/{ship.pk}/notice",
        {"by": "customer", "given_on": "2026-09-10", "reason": "zmiana dostawcy"},
    )
    ship.refresh_from_db()
    assert (ship.status, ship.ends_on) == ("notice", dt.date(2027, 2, 28))

    care = actions.record_active_contract(
        personas.org_b,
        Plan.objects.get(code="KJM-CARE"),
        number="K/1",
        starts_on=dt.date(2026, 1, 1),
    )
    bad = manager_client.post(
        f"/console/contracts/{care.pk}/renegotiate",
        {"reason": "więcej zgłoszeń", "proposed_price_net": "abc", "agreed": "no"},
        follow=True,
    )
    assert "proposed_price_net: abc" in bad.content.decode()
    care.refresh_from_db()
    assert care.status == "active"  # nothing half written
    manager_client.post(
        f"/console/contracts/{care.pk}/renegotiate",
        {
            "reason": "więcej zgłoszeń",
            "proposed_price_net": "900",
            "agreed": "no",
            "decided_on": "2026-11-02",
        },
    )
    care.refresh_from_db()
    assert (care.status, care.notice_given_by) == ("notice", "vendor")
    kinds = set(events_for(care).values_list("kind", flat=True))
    assert {"contract.renegotiated", "contract.notice_given"} <= kinds


def test_the_api_takes_the_same_steps_and_names_the_field(
    personas: Personas, manager_client: Client
) -> None:
    def post(url: str, body: dict[str, Any]) -> Any:
        return manager_client.post(
            f"/api/v1{url}", json.dumps(body), content_type="application/json"
        )

    made = post(
        f"/organisations/{personas.org_b.pk}/contracts",
        {"plan_code": "SHIP-START", "number": "API/1"},
    )
    assert made.status_code == 201 and made.json()["status"] == "quote"
    cid = made.json()["id"]
    taken = post(
        f"/organisations/{personas.org_b.pk}/contracts",
        {"plan_code": "SHIP-START", "number": "API/1"},
    )
    assert (taken.status_code, taken.json()["field"]) == (400, "number")
    accepted = post(f"/contracts/{cid}/accept", {})
    assert accepted.json()["status"] == "active"  # SHIP starts on the day
    assert {b.kind for b in Contract.objects.get(pk=cid).banks.all()} == {"allotment", "guarantee"}
    again = post(f"/contracts/{cid}/accept", {})
    assert (again.status_code, again.json()["field"]) == (400, "status")
    wrong = post(f"/contracts/{cid}/notice", {"by": "cat"})
    assert (wrong.status_code, wrong.json()["field"]) == (422, "by")
    noticed = post(f"/contracts/{cid}/notice", {"by": "customer", "given_on": "2026-12-01"})
    assert noticed.json()["status"] == "notice"
    assert manager_client.get(f"/api/v1/contracts/{cid}").json()["number"] == "API/1"
    assert banks  # the module stays imported for the bank check above


@pytest.mark.parametrize("who", ["agent", "customer_a", "customer_b", "outsider"])
def test_only_a_manager_takes_a_step(personas: Personas, presets: None, who: str) -> None:
    from opiekun.catalog.models import Plan

    contract = actions.create_quote(personas.org_a, Plan.objects.get(code="KJM-CARE"), number="Q/1")
    client = Client()
    client.force_login(personas.user(who))
    steps = [
        client.post(f"/console/customers/{personas.org_a.pk}/quote", {"plan": "KJM-CARE"}),
        client.post(f"/console/contracts/{contract.pk}/accept", {}),
        client.post(f"/console/contracts/{contract.pk}/notice", {"by": "customer"}),
        client.post(
            f"/api/v1/contracts/{contract.pk}/accept", "{}", content_type="application/json"
        ),
    ]
    assert [r.status_code for r in steps] == [404] * 4
    seen = client.get(f"/console/contracts/{contract.pk}/").status_code
    assert seen == (200 if who == "agent" else 404)
    contract.refresh_from_db()
    assert contract.status == "quote" and Contract.objects.count() == 1


def test_r_con_3_a_care_customer_moving_to_the_package_pays_the_update_for_months_without_care(
    personas: Personas, manager_client: Client
) -> None:
    from decimal import Decimal

    from opiekun.catalog.models import Plan
    from opiekun.reports import statements

    care = actions.accept_quote(
        actions.create_quote(
            personas.org_a,
            Plan.objects.get(code="KJM-CARE"),
            number="K/2026",
            annual_update_price_net=Decimal("1200.00"),
        ),
        accepted_on=dt.date(2025, 12, 10),
    )
    assert care.starts_on == dt.date(2026, 1, 1)
    moved = manager_client.post(
        f"/console/contracts/{care.pk}/change-plan",
        {"plan": "KJM-PACKAGE", "starts_on": "2026-07-01"},
    )
    new = Contract.objects.exclude(pk=care.pk).get()
    assert moved["Location"] == f"/console/contracts/{new.pk}/"
    care.refresh_from_db()
    assert (care.status, care.ends_on) == ("terminated", dt.date(2026, 6, 30))
    assert (new.plan.code, new.status, new.starts_on) == (
        "KJM-PACKAGE",
        "active",
        dt.date(2026, 7, 1),
    )
    june = statements.issue(care, dt.date(2026, 6, 1))
    update = june.lines.get(kind="update")
    assert update.net == Decimal("600.00")  # 6 months of 2026 without care x 1200 / 12
    again = manager_client.post(
        f"/api/v1/contracts/{care.pk}/plan-change",
        json.dumps({"plan_code": "KJM-CARE"}),
        content_type="application/json",
    )
    assert (again.status_code, again.json()["field"]) == (400, "status")


def test_another_vendors_plan_cannot_cut_the_minimum_duration(
    personas: Personas, manager_client: Client
) -> None:
    from opiekun.catalog.models import Plan

    ship = actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="SHIP-STANDARD"),
        number="S/9",
        starts_on=dt.date(2026, 9, 1),
    )
    refused = manager_client.post(
        f"/api/v1/contracts/{ship.pk}/plan-change",
        json.dumps({"plan_code": "KJM-CARE", "starts_on": "2026-12-01"}),
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["field"]) == (400, "starts_on")
    assert "2027-02-28" in refused.json()["detail"]
    upgraded = manager_client.post(
        f"/api/v1/contracts/{ship.pk}/plan-change",
        json.dumps({"plan_code": "SHIP-PREMIUM", "starts_on": "2026-12-01"}),
        content_type="application/json",
    )
    assert upgraded.status_code == 201 and upgraded.json()["plan"] == "SHIP-PREMIUM"
