"""R-Q-1, R-Q-2: contract customers first, then the earliest deadline, then arrival.
Pinning critical outages above that order is a vendor's choice, off by default (ADR 4)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from opiekun.catalog import assignment
from opiekun.catalog.models import Vendor
from opiekun.contracts import banks
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket
from opiekun.tickets.queries import QUEUE_ORDER

W = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def care_and_package(presets: None) -> Personas:
    p = make_personas("KJM-CARE", "KJM-PACKAGE")
    assert p.contract_b is not None
    banks.grant_package(p.contract_b, purchased_on=dt.date(2026, 11, 2))
    return p


def _queue() -> list[str]:
    open_tickets = Ticket.objects.filter(is_open=True).order_by(*QUEUE_ORDER)
    return list(open_tickets.values_list("subject", flat=True))


def test_r_q_1_a_care_question_goes_before_a_package_customers_outage(
    care_and_package: Personas,
) -> None:
    p = care_and_package
    base = dt.datetime(2026, 11, 16, 9, 0, tzinfo=W)
    question = actions.open_ticket(p.org_a, channel="email", subject="pytanie", received_at=base)
    outage = actions.open_ticket(
        p.org_b,
        channel="email",
        subject="awaria",
        severity="critical",
        received_at=base - dt.timedelta(hours=1),
    )
    assert question.queue_priority > outage.queue_priority  # care is a contract, R-Q-1
    assert not outage.pinned
    assert _queue() == ["pytanie", "awaria"]

    kjm = Vendor.objects.get(code="kjm")
    assignment.set_vendor_pinning(kjm, True, actor=p.account_manager.user)
    assert Ticket.objects.get(pk=outage.pk).pinned  # open tickets follow at once
    assert _queue() == ["awaria", "pytanie"]
    later = actions.open_ticket(p.org_b, channel="email", subject="druga", severity="critical")
    assert later.pinned

    assignment.set_vendor_pinning(kjm, False, actor=p.account_manager.user)
    assert not Ticket.objects.filter(pinned=True).exists()
    assert _queue()[0] == "pytanie"


def test_r_q_2_within_contract_customers_the_earliest_deadline_goes_first(
    care_and_package: Personas,
) -> None:
    p = care_and_package
    base = dt.datetime(2026, 11, 16, 9, 0, tzinfo=W)

    def critical(subject: str, at: dt.datetime) -> Ticket:
        return actions.open_ticket(
            p.org_a, channel="email", subject=subject, severity="critical", received_at=at
        )

    first = critical("pierwsza", base)  # due 11:00: 2 h on the 7-22 clock (R-SLA-4)
    second = critical("druga", base + dt.timedelta(hours=1))  # due 12:00
    # KJM care guarantees nothing for a normal question: it counts from its arrival.
    normal = actions.open_ticket(
        p.org_a, channel="email", subject="zwykłe", received_at=base + dt.timedelta(minutes=150)
    )
    assert first.reaction_due_at == base + dt.timedelta(hours=2)
    assert normal.reaction_due_at is None
    assert second.reaction_due_at == base + dt.timedelta(hours=3)
    assert _queue() == ["pierwsza", "zwykłe", "druga"]


def test_the_pinning_is_audited_and_changes_nothing_when_set_again(
    care_and_package: Personas,
) -> None:
    from opiekun.core.models import AuditEvent

    kjm = Vendor.objects.get(code="kjm")
    assignment.set_vendor_pinning(kjm, True, actor=care_and_package.account_manager.user)
    assignment.set_vendor_pinning(kjm, True, actor=care_and_package.account_manager.user)
    assert AuditEvent.objects.filter(kind="vendor.pin_critical_set").count() == 1
