"""Alerts to the vendor (issue 17, item 9): contracts ending or entering the customer's
notice period within 30 days, banks at 80 % or overdrawn, customers writing more than
usual (R-CON-2's renegotiation trigger); in a few queries; managers only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.customers import actions as customer_actions
from opiekun.reports import alerts
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas, make_personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _contract(short: str, plan: str, *, starts_on: dt.date | None = None) -> Contract:
    org = customer_actions.create_organisation(short.title(), short)
    return contract_actions.record_active_contract(
        org,
        Plan.objects.get(code=plan),
        number=f"{short}/1",
        starts_on=starts_on or dt.date(2024, 1, 1),
    )


def _ends_in(contract: Contract, days: int) -> None:
    Contract.objects.filter(pk=contract.pk).update(
        ends_on=timezone.localdate() + dt.timedelta(days=days)
    )


def _use(contract: Contract, minutes: int) -> HourBank:
    bank = HourBank.objects.get(contract=contract, kind="allotment")
    LedgerEntry.objects.create(bank=bank, kind="correction", minutes=-minutes, reason="praca")
    return bank


def _tickets(contract: Contract, count: int, days_ago: int) -> None:
    for i in range(count):
        ticket = ticket_actions.open_ticket(contract.organisation, channel="email", subject=f"P{i}")
        when = timezone.now() - dt.timedelta(days=days_ago, hours=i)
        Ticket.objects.filter(pk=ticket.pk).update(received_at=when)


@pytest.fixture
def desk(presets: None) -> dict[str, Contract]:
    made = {
        "ending": _contract("ending", "KJM-CARE"),
        "notice": _contract("notice", "KJM-CARE"),
        "later": _contract("later", "KJM-CARE"),
        "heavy": _contract("heavy", "MER-SOS-LICENCE"),
        "overdrawn": _contract("overdrawn", "MER-SOS-LICENCE"),
        "light": _contract("light", "MER-SOS-LICENCE"),
        "busy": _contract("busy", "KJM-CARE"),
        "steady": _contract("steady", "KJM-CARE"),
        "new": _contract("new", "KJM-CARE", starts_on=timezone.localdate() - dt.timedelta(days=20)),
    }
    _ends_in(made["ending"], 10)
    _ends_in(made["notice"], 45)  # its customer's 30-day notice period starts in 15 days
    _ends_in(made["later"], 90)
    _use(made["heavy"], 300)  # of 360: 83 %
    _use(made["overdrawn"], 400)
    _use(made["light"], 100)
    _tickets(made["busy"], 3, days_ago=60)  # usual: 1 a month
    _tickets(made["busy"], 6, days_ago=5)
    _tickets(made["steady"], 12, days_ago=60)  # usual: 4 a month
    _tickets(made["steady"], 5, days_ago=5)
    _tickets(made["new"], 6, days_ago=5)  # no usual volume yet
    return made


def test_r_con_2_each_alert_lists_exactly_its_contracts(desk: dict[str, Contract]) -> None:
    found = alerts.collect()

    assert [a.contract.number for a in found.ending] == ["ending/1"]
    assert found.ending[0].days_left == 10
    assert [a.contract.number for a in found.notice] == ["notice/1"]
    assert found.notice[0].day == timezone.localdate() + dt.timedelta(days=15)
    by_contract = {a.bank.contract.number: a for a in found.banks}
    assert set(by_contract) == {"heavy/1", "overdrawn/1"}
    assert by_contract["heavy/1"].used_percent == 83 and not by_contract["heavy/1"].overdrawn
    assert by_contract["overdrawn/1"].overdrawn
    assert [(a.contract.number, a.recent, str(a.usual)) for a in found.volume] == [
        ("busy/1", 6, "1.0")
    ]
    assert found.count == 5


def test_alerts_take_the_same_few_queries_however_many_contracts(
    desk: dict[str, Contract], django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(5):
        alerts.collect()
    for n in range(5):
        _ends_in(_contract(f"more{n}", "KJM-CARE"), 20)
    with django_assert_max_num_queries(5):
        assert len(alerts.collect().ending) == 6


def test_a_minimum_duration_opens_the_notice_period_without_an_end_date(presets: None) -> None:
    contract = _contract("ship", "KJM-CARE")
    Plan.objects.filter(pk=contract.plan_id).update(minimum_months=12)
    starts = timezone.localdate() + dt.timedelta(days=40) - dt.timedelta(days=365)
    Contract.objects.filter(pk=contract.pk).update(starts_on=starts)
    contract.refresh_from_db()

    day = alerts.notice_starts(contract)

    assert day is not None and timezone.localdate() <= day <= timezone.localdate() + dt.timedelta(
        days=30
    )
    assert [a.contract.number for a in alerts.collect().notice] == ["ship/1"]


@pytest.fixture
def people(desk: dict[str, Contract]) -> Personas:
    return make_personas()


def test_managers_see_the_alerts_page_badge_and_api_and_no_one_else(people: Personas) -> None:
    manager = people.account_manager
    StaffMember.objects.filter(pk=manager.pk).update(is_manager=True)
    client = Client()
    verified_login(client, manager.user)

    page = client.get("/console/alerts/").content.decode()
    dashboard = client.get("/console/dashboards/").content.decode()
    api = client.get("/api/v1/alerts").json()

    assert "ending/1" in page and "notice/1" in page and "Busy" in page
    assert 'id="alert-badge"' in dashboard and '<span class="badge">5</span>' in dashboard
    assert api["count"] == 5
    assert api["banks"][0]["overdrawn"] is True
    assert api["volume"][0]["recent_tickets"] == 6
    agent = Client()
    verified_login(agent, people.agent.user)
    assert agent.get("/console/alerts/").status_code == 404
    assert agent.get("/api/v1/alerts").status_code == 404
    assert 'id="alert-badge"' not in agent.get("/console/dashboards/").content.decode()
    customer = Client()
    customer.force_login(people.user("customer_a"))
    assert customer.get("/api/v1/alerts").status_code == 404
