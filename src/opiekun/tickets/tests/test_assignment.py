"""Assignment (issue 15): assign, reassign, unassign, take, each audited and announced;
the rule that picks a new ticket's assignee, with round robin fair and race-free."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from opiekun.catalog.choices import AssignmentRule
from opiekun.catalog.models import Plan, Vendor
from opiekun.contracts import actions as contract_actions
from opiekun.core.models import AuditEvent
from opiekun.customers import actions as customer_actions
from opiekun.staff import actions as staff_actions
from opiekun.staff.models import OnCallShift, StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions, signals
from opiekun.tickets.models import Ticket


@pytest.fixture
def heard() -> Any:
    got: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        got.append(kwargs)

    signals.ticket_assigned.connect(receiver)
    yield got
    signals.ticket_assigned.disconnect(receiver)


def _agents(count: int) -> list[StaffMember]:
    return [
        staff_actions.create_staff_member(
            f"rr-{n}", full_name=f"Agent {n}", email=f"rr{n}@v.example", password=None
        )
        for n in range(count)
    ]


def _on_shift(*people: StaffMember) -> None:
    now = timezone.now()
    for person in people:
        OnCallShift.objects.create(
            staff=person, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8)
        )


@pytest.mark.django_db
def test_it_assigns_reassigns_unassigns_and_takes_with_audit_and_signal(
    contracted_personas: Personas, heard: list[dict[str, Any]]
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Kto?", contact=p.customer_a)
    assert ticket.assignee == p.account_manager  # the default rule: nothing changed

    actions.reassign(ticket, p.agent, actor=p.agent.user)
    ticket.refresh_from_db()
    assert ticket.assignee == p.agent
    event = AuditEvent.objects.filter(kind="ticket.assigned").get()
    assert event.data["previous_id"] == p.account_manager.pk
    assert event.data["assignee_id"] == p.agent.pk
    assert heard[-1]["assignee"] == p.agent and heard[-1]["previous"] == p.account_manager

    actions.unassign(ticket, actor=p.agent.user)
    ticket.refresh_from_db()
    assert ticket.assignee is None and heard[-1]["assignee"] is None
    assert AuditEvent.objects.filter(kind="ticket.unassigned").count() == 1

    actions.take(ticket, staff=p.account_manager, actor=p.account_manager.user)
    ticket.refresh_from_db()
    assert ticket.assignee == p.account_manager
    p.account_manager.refresh_from_db()
    assert p.account_manager.last_assigned_at is not None

    # The same assignee again: no event, nobody told.
    before = len(heard)
    actions.assign(ticket, p.account_manager, actor=p.agent.user)
    assert len(heard) == before
    assert AuditEvent.objects.filter(kind="ticket.assigned").count() == 2


@pytest.mark.django_db
def test_only_active_staff_may_hold_a_ticket(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="x")
    StaffMember.objects.filter(pk=p.agent.pk).update(is_active=False)
    with pytest.raises(actions.IntakeError, match="assignee_id"):
        actions.assign(ticket, p.agent)
    ticket.refresh_from_db()
    assert ticket.assignee == p.account_manager


@pytest.mark.django_db
def test_a_departed_account_manager_is_not_given_new_tickets(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_active=False)
    p.org_a.refresh_from_db()
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Po odejściu")
    assert ticket.assignee is None


@pytest.mark.django_db
def test_the_rule_none_leaves_new_tickets_in_the_queue(contracted_personas: Personas) -> None:
    p = contracted_personas
    Plan.objects.filter(code="KJM-CARE").update(assignment_rule=AssignmentRule.NONE)
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Niczyje")
    assert ticket.assignee is None and ticket.account_manager == p.account_manager
    opened = AuditEvent.objects.get(kind="ticket.opened")
    assert opened.data["assignment_rule"] == "none"


@pytest.mark.django_db
def test_round_robin_is_fair_the_longest_waiting_agent_first(
    contracted_personas: Personas,
) -> None:
    """The vendor's default applies where the plan says nothing."""
    p = contracted_personas
    Vendor.objects.filter(code="kjm").update(assignment_rule=AssignmentRule.ROUND_ROBIN)
    StaffMember.objects.update(is_agent=False)  # the personas are off duty: no calendar
    a, b, c = _agents(3)
    _on_shift(a, b, c)
    # b was given a ticket by hand a moment ago: a and c (never given one) come first.
    other = actions.open_ticket(p.org_b, channel="email", subject="SHIP")
    actions.assign(other, b)
    got = [
        actions.open_ticket(p.org_a, channel="email", subject=f"RR {n}").assignee for n in range(6)
    ]
    assert got == [a, c, b, a, c, b]
    # Off shift: not on duty any more.
    OnCallShift.objects.filter(staff=c).delete()
    assert actions.open_ticket(p.org_a, channel="email", subject="RR 7").assignee == a
    assert actions.open_ticket(p.org_a, channel="email", subject="RR 8").assignee == b


@pytest.mark.django_db
def test_round_robin_with_nobody_on_duty_leaves_the_ticket_unassigned(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    Plan.objects.filter(code="KJM-CARE").update(assignment_rule=AssignmentRule.ROUND_ROBIN)
    StaffMember.objects.update(calendar=None)
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Noc")
    assert ticket.assignee is None


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_round_robin_under_concurrent_intake_gives_each_agent_an_equal_share(
    contracted_personas: Personas,
) -> None:
    """Twelve intakes at the same moment, four agents on duty: three each. Without the
    row locks two intakes read the same longest-waiting agent and one is skipped."""
    # One customer per vendor: each vendor numbers its tickets under its own lock, so
    # only the round robin's own locking keeps intakes of different vendors apart.
    Vendor.objects.update(assignment_rule=AssignmentRule.ROUND_ROBIN)
    Plan.objects.update(assignment_rule="")
    customers = []
    for n, vendor in enumerate(Vendor.objects.order_by("code")):
        plan = vendor.plans.order_by("code").first()
        assert plan is not None
        org = customer_actions.create_organisation(f"RR {n}", f"rr-{n}")
        contract_actions.record_active_contract(
            org, plan, number=f"RR/{n}", starts_on=dt.date(2026, 1, 1)
        )
        customers.append(org)
    assert len(customers) >= 4
    StaffMember.objects.update(is_agent=False)
    people = _agents(4)
    _on_shift(*people)
    errors = run_in_threads(
        lambda n: actions.open_ticket(
            customers[n % len(customers)], channel="email", subject=f"Równolegle {n}"
        ),
        12,
    )
    assert errors == []
    shares = Counter(Ticket.objects.values_list("assignee", flat=True))
    assert set(shares) == {m.pk for m in people}
    assert sorted(shares.values()) == [3, 3, 3, 3]
