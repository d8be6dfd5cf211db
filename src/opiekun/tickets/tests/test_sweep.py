"""The SLA sweep: warnings at 75% of the target, breaches, each notice once, and only
inside the recipient's working time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from opiekun.catalog.models import Plan, WorkingCalendar
from opiekun.celery import app
from opiekun.contracts import actions as contract_actions
from opiekun.testing.personas import Personas, make_personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions, sweep
from opiekun.tickets.models import SlaNotification, Ticket

W = ZoneInfo("Europe/Warsaw")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=W)


@pytest.fixture
def eager_celery():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def start_ticket(personas: Personas, presets: None) -> Ticket:
    contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="SHIP-START"),
        number="S/1",
        starts_on=dt.date(2026, 1, 1),
    )
    # Mon 8:00, 8 h target: warned at 75% (14:00), due 16:00.
    return actions.open_ticket(
        personas.org_a, channel="email", subject="Etykiety", received_at=at(11, 16, 8, 0)
    )


@pytest.mark.django_db
def test_r_sla_1_it_warns_at_75_percent_once(
    start_ticket: Ticket, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    assert start_ticket.warn_at == at(11, 16, 14, 0)
    assert start_ticket.next_check_at == at(11, 16, 14, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.sweep(at(11, 16, 13, 59)) == 0
        assert sweep.sweep(at(11, 16, 14, 5)) == 1
        assert sweep.sweep(at(11, 16, 14, 6)) == 0
    notices = SlaNotification.objects.filter(ticket=start_ticket)
    assert [(n.kind, n.recipient.user.username) for n in notices] == [("warning", "p-opiekun")]
    assert notices.get().sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"[{start_ticket.reference}] Deadline approaching"
    assert "Reaction due Mon 2026-11-16 16:00." in mail.outbox[0].body
    start_ticket.refresh_from_db()
    assert start_ticket.warned_at is not None
    assert start_ticket.next_check_at == at(11, 16, 16, 0)


@pytest.mark.django_db
def test_r_sla_1_it_marks_a_missed_reaction(
    start_ticket: Ticket, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sweep.sweep(at(11, 16, 16, 1))
    start_ticket.refresh_from_db()
    assert start_ticket.reaction_breached is True
    assert start_ticket.next_check_at is None
    assert set(SlaNotification.objects.values_list("kind", flat=True)) == {"breach"}
    assert mail.outbox[0].subject.endswith("Reaction deadline missed")


@pytest.mark.django_db
def test_it_does_not_breach_a_ticket_that_was_answered_in_time(start_ticket: Ticket) -> None:
    actions.start_work(start_ticket, at=at(11, 16, 9, 0))
    assert sweep.sweep(at(11, 16, 16, 1)) == 0
    start_ticket.refresh_from_db()
    assert start_ticket.reaction_breached is False


@pytest.mark.django_db
def test_warnings_wait_for_the_recipients_working_time(
    start_ticket: Ticket, personas: Personas
) -> None:
    manager = personas.account_manager
    manager.calendar = WorkingCalendar.objects.get(code="SHIP-COMMUNITY")  # 10:00-13:00
    manager.save()
    sweep.sweep(at(11, 16, 14, 5))
    assert not SlaNotification.objects.exists()
    start_ticket.refresh_from_db()
    assert start_ticket.warned_at is None
    assert start_ticket.next_check_at == at(11, 16, 16, 0)  # the deadline comes first
    sweep.sweep(at(11, 16, 16, 5))
    start_ticket.refresh_from_db()
    assert start_ticket.reaction_breached is True
    assert start_ticket.next_check_at == at(11, 17, 10, 0)  # the manager's next hours
    sweep.sweep(at(11, 17, 10, 1))
    assert list(SlaNotification.objects.values_list("kind", flat=True)) == ["breach"]


@pytest.mark.django_db
def test_a_claimed_ticket_is_not_handled_twice(start_ticket: Ticket) -> None:
    seen = start_ticket.next_check_at
    assert seen is not None
    assert sweep.handle_one(start_ticket.pk, seen, at(11, 16, 14, 5)) is True
    assert sweep.handle_one(start_ticket.pk, seen, at(11, 16, 14, 5)) is False
    assert SlaNotification.objects.count() == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_warn_once_per_ticket() -> None:
    from opiekun.catalog.actions import load_presets
    from opiekun.catalog.presets import PRESETS

    load_presets(list(PRESETS))
    p = make_personas(plan_a="SHIP-START")
    for n in range(20):
        actions.open_ticket(p.org_a, channel="email", subject=f"t{n}", received_at=at(11, 16, 8, 0))
    handled: list[int] = []
    errors = run_in_threads(lambda n: handled.append(sweep.sweep(at(11, 16, 14, 5))), 2)
    assert errors == []
    assert sum(handled) == 20
    assert SlaNotification.objects.filter(kind="warning").count() == 20


@pytest.mark.django_db
def test_a_sweep_pass_costs_the_same_queries_for_10_or_100_due_tickets(
    personas: Personas, presets: None, django_capture_on_commit_callbacks
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="SHIP-START"),
        number="S/1",
        starts_on=dt.date(2026, 1, 1),
    )
    # R-SLA-1: warned at 75% of 8 working hours: 14:00 for the 8:00 ones, 15:00 for 9:00.
    for n in range(10):
        actions.open_ticket(
            personas.org_a, channel="email", subject=f"a{n}", received_at=at(11, 16, 8)
        )
    for n in range(100):
        actions.open_ticket(
            personas.org_a, channel="email", subject=f"b{n}", received_at=at(11, 16, 9)
        )
    counts = []
    for moment, expected in ((at(11, 16, 14, 5), 10), (at(11, 16, 15, 5), 100)):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False),
        ):
            assert sweep.sweep(moment) == expected
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    # 14: the notices' inbox rows go in under a savepoint (a SAVEPOINT and a RELEASE),
    # so an event told at the same instant by another process is still told once.
    assert counts[1] <= 14, counts
    assert SlaNotification.objects.filter(kind="warning").count() == 110
    assert Ticket.objects.filter(warned_at__isnull=False).count() == 110


@pytest.mark.django_db
def test_issue_20_item_5_a_resolved_ticket_clears_its_next_check_and_leaves_the_sweep(
    start_ticket: Ticket,
) -> None:
    assert start_ticket.next_check_at is not None
    actions.resolve(start_ticket)
    start_ticket.refresh_from_db()
    assert start_ticket.next_check_at is None
    # Past its old warning and deadline, the sweep finds nothing to do with it.
    assert sweep.sweep(at(11, 16, 17, 0)) == 0
    assert not SlaNotification.objects.filter(ticket=start_ticket).exists()


@pytest.mark.django_db
def test_a_closed_ticket_clears_its_next_check(start_ticket: Ticket) -> None:
    assert start_ticket.next_check_at is not None
    actions.close(start_ticket)
    start_ticket.refresh_from_db()
    assert start_ticket.next_check_at is None
    actions.reopen(start_ticket)
    start_ticket.refresh_from_db()
    assert start_ticket.next_check_at == at(11, 16, 14, 0)  # watched again (R-SLA-1)
