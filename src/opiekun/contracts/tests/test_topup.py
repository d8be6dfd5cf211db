"""Issue 21, item 4: top-up offers from the run-out forecast. The size covers the need
until the package expires in whole packages; the offer explains its figures; it stands
until its validity ends; a second beat makes no second offer; accepting twice (or from
two threads at once) sells one package and releases the waiting ticket (R-HRS-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from celery import current_app
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import selling, topup, topup_sizing
from opiekun.contracts.models import Contract, HourBank, TopUpOffer
from opiekun.core.models import AuditEvent
from opiekun.customers import actions as customer_actions
from opiekun.customers.models import Organisation
from opiekun.notifications.models import CustomerNotice
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def ten_hours(presets: None) -> Plan:
    """KJM's package, priced for the tests: 10 h for 1,500.00 PLN net."""
    Plan.objects.filter(code="KJM-PACKAGE").update(included_minutes=600, price_net=Decimal(1500))
    return Plan.objects.get(code="KJM-PACKAGE")


@pytest.fixture
def people(ten_hours: Plan) -> Personas:
    return make_personas("KJM-CARE", "KJM-PACKAGE")


def _weekday_10am(days_ago: int) -> dt.datetime:
    """A working moment (Mon-Fri 10:00 Warsaw) about ``days_ago`` days back."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), tzinfo=W)


def running_out(organisation: Organisation, agent: StaffMember) -> Contract:
    """A package of 20 h bought 25 days ago, 14 h used since: 6 h left, out in about 13
    days at that pace, long before it expires (3 months)."""
    contract = Contract.objects.get(organisation=organisation, plan__code="KJM-PACKAGE")
    bought = timezone.localdate() - dt.timedelta(days=25)
    selling.sell_package(organisation, contract.plan, purchased_on=bought, minutes=1200)
    ticket = actions.open_ticket(
        organisation, channel="phone", subject="Księgowanie", received_at=_weekday_10am(20)
    )
    for days_ago in (15, 12, 9, 6):
        actions.log_work(
            ticket, staff=agent, kind="phone", raw_minutes=210, started_at=_weekday_10am(days_ago)
        )
    return contract


def test_issue_21_item_4_the_size_covers_the_need_until_the_package_expires(
    ten_hours: Plan,
) -> None:
    now = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
    expiry = dt.datetime(2027, 2, 1, tzinfo=W)
    p = topup_sizing.propose(ten_hours, used=840, left=360, last_expiry=expiry, now=now)
    # 6 h at 14 h a month last 30 * 6 / 14 = 12.86 days: out on 14 Dec (07:34 Warsaw).
    assert p.runs_out_on == dt.date(2026, 12, 14)
    # From then to 1 Feb at 28 min a day is 1364 min: three packages of 10 h.
    assert p.need_minutes == 1364
    assert (p.packages, p.minutes, p.price_net) == (3, 1800, Decimal("4500.00"))
    # Out already, tickets waiting, no package in force: a month at the same pace.
    out = topup_sizing.propose(ten_hours, used=600, left=0, last_expiry=None, now=now)
    assert (out.runs_out_on, out.need_minutes, out.packages) == (dt.date(2026, 12, 1), 600, 1)
    # No use in 30 days: no forecast, yet an offer by hand is one package.
    idle = topup_sizing.propose(ten_hours, used=0, left=300, last_expiry=expiry, now=now)
    assert (idle.runs_out_at, idle.need_minutes, idle.packages) == (None, 0, 1)
    assert not topup_sizing.due(idle, days=14, waiting=False, last_expiry=expiry, now=now)
    # Within 14 days it is due; with 10 days' notice it is not yet.
    assert topup_sizing.due(p, days=14, waiting=False, last_expiry=expiry, now=now)
    assert not topup_sizing.due(p, days=10, waiting=False, last_expiry=expiry, now=now)
    # Lasting past its expiry, it expires first: that is no top-up's business.
    soon = dt.datetime(2026, 12, 10, tzinfo=W)
    lasting = topup_sizing.propose(ten_hours, used=840, left=360, last_expiry=soon, now=now)
    assert not topup_sizing.due(lasting, days=14, waiting=False, last_expiry=soon, now=now)


def test_issue_21_item_4_the_offer_explains_its_figures(ten_hours: Plan) -> None:
    offer = TopUpOffer(
        plan=ten_hours,
        packages=1,
        minutes=600,
        price_net=Decimal("1500.00"),
        currency="PLN",
        used_minutes=840,
        left_minutes=360,
        runs_out_on=dt.date(2026, 12, 12),
        need_minutes=500,
        expires_at=dt.datetime(2026, 12, 15, 10, tzinfo=W),
    )
    with translation.override("en"):
        assert topup_sizing.explain(offer) == (
            "Used 14 h in the last 30 days; 6 h left, runs out about 12 December; offered 10 h "
            "(1 package of KJM-PACKAGE) at 1,500.00 PLN net, valid until 15 December 2026 10:00."
        )
    with translation.override("pl"):
        text = topup_sizing.explain(offer)
    assert text.startswith(
        "Wykorzystano 14 h w ostatnich 30 dniach; zostało 6 h, wyczerpie się około 12 grudnia; "
        "proponujemy 10 h (1 pakiet KJM-PACKAGE) za 1"
    )
    assert "1\xa0500,00 PLN netto" in text or "1 500,00 PLN netto" in text
    offer.left_minutes, offer.runs_out_on = 0, None
    with translation.override("en"):
        assert "no hours left; questions wait for a package" in topup_sizing.explain(offer)


def test_issue_21_item_4_the_beat_offers_once_and_tells_the_buyer(
    people: Personas, django_capture_on_commit_callbacks
) -> None:
    contract = running_out(people.org_b, people.agent)
    current_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            (offer,) = topup.make_due_offers()
    finally:
        current_app.conf.task_always_eager = False
    assert topup.make_due_offers() == []  # the second beat run makes none
    assert TopUpOffer.objects.count() == 1
    assert (offer.contract, offer.origin, offer.status) == (contract, "forecast", "open")
    assert (offer.used_minutes, offer.left_minutes) == (840, 360)
    # 14 h a month from the day it runs out until the package's end (about 2 months).
    assert offer.packages == 3 and offer.price_net == Decimal("4500.00")
    assert offer.expires_at - offer.created_at == dt.timedelta(days=topup.OFFER_VALID_DAYS)
    assert AuditEvent.objects.filter(kind="topup.offered", subject_id=str(offer.pk)).count() == 1
    notice = CustomerNotice.objects.get(kind="topup_offer")
    assert notice.contact == people.customer_b and notice.sent_at is not None
    (sent,) = [m for m in mail.outbox if m.to == ["beata@b.example"]]
    assert sent.subject == "Propozycja doładowania: 30 h przed wyczerpaniem pakietu"
    assert "Wykorzystano 14 h w ostatnich 30 dniach" in sent.body
    assert "/portal/hours/" in sent.body
    # Customer A (on care, no packages) is offered nothing.
    assert not TopUpOffer.objects.filter(organisation=people.org_a).exists()


def test_issue_21_item_4_the_plans_days_decide_and_zero_means_never(people: Personas) -> None:
    running_out(people.org_b, people.agent)
    Plan.objects.filter(code="KJM-PACKAGE").update(topup_offer_days=7)
    assert topup.make_due_offers() == []  # out in about 13 days: not within 7
    Plan.objects.filter(code="KJM-PACKAGE").update(topup_offer_days=0)
    assert topup.make_due_offers() == []
    Plan.objects.filter(code="KJM-PACKAGE").update(topup_offer_days=30)
    assert len(topup.make_due_offers()) == 1


def test_issue_21_item_4_the_beat_costs_the_same_queries_for_one_or_many(
    people: Personas,
) -> None:
    running_out(people.org_b, people.agent)
    with CaptureQueriesContext(connection) as one:
        assert len(topup.make_due_offers()) == 1
    TopUpOffer.objects.update(status="withdrawn")
    plan = Plan.objects.get(code="KJM-PACKAGE")
    for n in range(3):
        org = customer_actions.create_organisation(f"Firma {n}", f"firma-{n}")
        customer_actions.add_contact(org, f"Klient {n}", emails=[f"k{n}@x.example"])
        contract_actions.record_active_contract(
            org, plan, number=f"N/{n}", starts_on=dt.date(2026, 1, 1)
        )
        running_out(org, people.agent)
    with CaptureQueriesContext(connection) as four:
        assert len(topup.make_due_offers()) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_r_hrs_3_out_with_a_ticket_waiting_accepting_twice_sells_one_package(
    people: Personas,
) -> None:
    waiting = actions.open_ticket(
        people.org_b, channel="email", subject="VAT", contact=people.customer_b
    )
    assert waiting.status == Ticket.Status.AWAITING_PACKAGE
    (offer,) = topup.make_due_offers()
    assert (offer.left_minutes, offer.packages, offer.minutes) == (0, 1, 600)
    buyer = people.user("customer_b")
    first = topup.accept(offer, actor=buyer)
    again = topup.accept(offer, actor=buyer)
    assert first.sold_bank == again.sold_bank
    bank = HourBank.objects.get(kind="package")
    assert bank.sale_key == f"topup-offer-{offer.pk}" and bank.purchase_price_net == 1500
    waiting.refresh_from_db()
    assert waiting.status == Ticket.Status.NEW
    assert AuditEvent.objects.filter(kind="topup.accepted").count() == 1
    with pytest.raises(topup.OfferError, match=r"^status: "):
        topup.decline(offer, actor=buyer)


def test_issue_21_item_4_an_expired_offer_cannot_be_accepted(people: Personas) -> None:
    actions.open_ticket(people.org_b, channel="email", subject="VAT", contact=people.customer_b)
    (offer,) = topup.make_due_offers()
    TopUpOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now())
    with pytest.raises(topup.OfferError, match=r"^expires_at: "):
        topup.accept(offer, actor=people.user("customer_b"))
    assert not HourBank.objects.filter(kind="package").exists()
    # The next run marks it expired and, the ticket still waiting, offers again.
    (fresh,) = topup.make_due_offers()
    offer.refresh_from_db()
    assert offer.status == "expired" and fresh.pk != offer.pk
    assert AuditEvent.objects.filter(kind="topup.expired", subject_id=str(offer.pk)).exists()


def test_issue_21_item_4_staff_offer_by_hand_once_and_withdraw(people: Personas) -> None:
    contract = people.contract_b
    assert contract is not None
    offer = topup.offer_by_hand(contract, actor=people.agent.user)
    assert (offer.origin, offer.made_by, offer.packages) == ("staff", people.agent.user, 1)
    with pytest.raises(topup.OfferError, match=r"^contract: "):
        topup.offer_by_hand(contract, actor=people.agent.user)
    assert people.contract_a is not None
    with pytest.raises(topup.OfferError, match=r"^contract: "):
        topup.offer_by_hand(people.contract_a, actor=people.agent.user)  # care sells none
    topup.withdraw(offer, reason="cena się zmieni", actor=people.agent.user)
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("withdrawn", "cena się zmieni")
    with pytest.raises(topup.OfferError, match=r"^status: "):
        topup.accept(offer, actor=people.user("customer_b"))
    assert topup.offer_by_hand(contract, actor=people.agent.user).status == "open"
    trail = AuditEvent.objects.filter(kind__startswith="topup.").order_by("pk")
    assert [e.kind for e in trail] == ["topup.offered", "topup.withdrawn", "topup.offered"]


def test_issue_20_item_5_topup_offers_cost_the_same_for_3_or_30_contracts(
    people: Personas,
) -> None:
    """R-HRS-3: a customer about to run out is offered a package before their tickets
    must wait; the beat's pass costs the same statements for 3 contracts as for 30,
    each offered once, audited, and its buyer told."""
    plan = Plan.objects.get(code="KJM-PACKAGE")

    def customers(first: int, count: int) -> None:
        for n in range(first, first + count):
            org = customer_actions.create_organisation(f"Firma {n}", f"firma-{n}")
            customer_actions.add_contact(
                org, f"Klient {n}", emails=[f"k{n}@x.example"], organisation_admin=True
            )
            contract_actions.record_active_contract(
                org, plan, number=f"N/{n}", starts_on=dt.date(2026, 1, 1)
            )
            running_out(org, people.agent)

    costs = []
    # The second pass: the first 3 again (their offers withdrawn) and 27 more.
    for first, count in ((0, 3), (3, 27)):
        TopUpOffer.objects.update(status="withdrawn")
        customers(first, count)
        with CaptureQueriesContext(connection) as captured:
            made = topup.make_due_offers()
        costs.append((made, len(captured)))
    (made_3, cost_3), (made_30, cost_30) = costs
    assert (len(made_3), len(made_30)) == (3, 30)
    assert cost_3 == cost_30, (cost_3, cost_30)
    for offer in made_30:
        assert offer.status == "open" and offer.origin == "forecast"
        assert (
            AuditEvent.objects.filter(kind="topup.offered", subject_id=str(offer.pk)).count() == 1
        )
        (notice,) = CustomerNotice.objects.filter(key=f"topup:{offer.pk}")
        assert notice.contact.organisation_id == offer.organisation_id
    assert topup.make_due_offers() == []  # the next pass makes none
