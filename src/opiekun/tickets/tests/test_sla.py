"""Ticket clocks from the contract: R-SLA-1 .. R-SLA-9 on the seed plans."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from opiekun.catalog.models import CalendarInterval, Plan, WorkingCalendar
from opiekun.contracts import actions as contract_actions
from opiekun.core.audit import events_for
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=W)


def on_plan(p: Personas, code: str):
    """Organisation A on the given plan since 1 January 2026."""
    contract_actions.record_active_contract(
        p.org_a, Plan.objects.get(code=code), number=f"T/{code}", starts_on=dt.date(2026, 1, 1)
    )
    return p.org_a


def test_r_sla_1_start_email_friday_1530_is_due_monday_1530(
    personas: Personas, presets: None
) -> None:
    org = on_plan(personas, "SHIP-START")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 20, 15, 30))
    assert ticket.clock_starts_at == at(11, 20, 15, 30)
    assert ticket.reaction_due_at == at(11, 23, 15, 30)
    assert ticket.guaranteed is True
    assert ticket.queue_due_at == ticket.reaction_due_at
    assert ticket.sla_explanation[-1] == "Reaction due Mon 2026-11-23 15:30."
    assert events_for(ticket).get().data["reaction_due_at"] == at(11, 23, 15, 30).isoformat()


def test_r_sla_2_after_hours_the_clock_starts_next_working_morning(
    personas: Personas, presets: None
) -> None:
    org = on_plan(personas, "SHIP-START")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 20, 17, 20))
    assert ticket.clock_starts_at == at(11, 23, 8, 0)
    assert ticket.reaction_due_at == at(11, 23, 16, 0)  # R-SLA-9: the close, not Tue 8:00
    assert "outside working time" in ticket.sla_explanation[1]


def test_r_sla_3_standard_rolls_over_independence_day(personas: Personas, presets: None) -> None:
    org = on_plan(personas, "SHIP-STANDARD")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 10, 15, 0))
    assert ticket.reaction_due_at == at(11, 12, 9, 0)
    assert (
        "Not a working day: Wed 2026-11-11 (National Independence Day)." in ticket.sla_explanation
    )


def test_r_sla_4_kjm_critical_outage_clock_runs_7_to_22_every_day(
    personas: Personas, presets: None
) -> None:
    org = on_plan(personas, "KJM-CARE")
    critical = actions.open_ticket(
        org, channel="email", subject="stoi", severity="critical", received_at=at(11, 14, 21, 30)
    )  # a Saturday
    assert critical.reaction_due_at == at(11, 15, 8, 30)
    assert critical.pinned is False  # the vendor did not choose "critical first" (ADR 4)
    normal = actions.open_ticket(
        org, channel="email", subject="pytanie", received_at=at(11, 14, 21, 30)
    )
    assert normal.reaction_due_at is None
    assert normal.guarantee_note == "the plan guarantees a reaction only for: critical outage"
    assert normal.clock_starts_at == at(11, 16, 7, 0)  # KJM working hours 7-16


def test_r_sla_5_only_email_tickets_are_guaranteed(personas: Personas, presets: None) -> None:
    org = on_plan(personas, "SHIP-START")
    phone = actions.open_ticket(org, channel="phone", subject="x", received_at=at(11, 16, 9, 0))
    assert phone.guaranteed is False
    assert phone.reaction_due_at is None
    assert phone.guarantee_note == "the plan guarantees a reaction only for tickets sent by e-mail"
    assert phone.queue_due_at == phone.received_at  # sorts by arrival (ADR 2)


def test_r_sla_5_no_guarantee_once_the_month_limit_is_used(
    personas: Personas, presets: None
) -> None:
    org = on_plan(personas, "SHIP-EMAIL")  # limit 3 h of e-mail support a month
    first = actions.open_ticket(org, channel="email", subject="a", received_at=at(11, 2, 9, 0))
    assert first.guaranteed is True
    # Three hours of e-mail work this month use up the counter (175 + 5 documenting).
    work = actions.log_work(
        first, staff=personas.agent, kind="email", raw_minutes=175, started_at=at(11, 3, 10, 0)
    )
    assert work.billable_minutes == 180
    assert work.overage_minutes == 0  # e-mail support is part of the subscription
    later = actions.open_ticket(org, channel="email", subject="b", received_at=at(11, 16, 9, 0))
    assert later.guaranteed is False
    assert later.guarantee_note == "this month's guaranteed-support limit of 3 h is used (3 h)"
    assert any("No guaranteed reaction time" in line for line in later.sla_explanation)


def test_r_sla_6_hot01_receipt_is_due_by_the_end_of_the_next_working_day(
    personas: Personas, presets: None
) -> None:
    org = on_plan(personas, "EKS-HOTLINE")
    # Thursday 16:20 counts as received on Friday; confirmation due by Monday's close.
    ticket = actions.open_ticket(
        org, channel="fax", subject="HOT-01", received_at=at(11, 19, 16, 20)
    )
    assert ticket.clock_starts_at == at(11, 20, 8, 0)
    assert ticket.ack_due_at == at(11, 23, 16, 0)
    assert ticket.next_check_at == ticket.ack_due_at
    done = actions.acknowledge_receipt(ticket, actor=personas.agent.user, at=at(11, 20, 9, 0))
    assert done.acknowledged_at == at(11, 20, 9, 0)
    assert done.ack_breached is False
    assert done.status == Ticket.Status.ACKNOWLEDGED
    assert done.next_check_at is None


def test_r_sla_6_a_late_acknowledgement_is_marked(personas: Personas, presets: None) -> None:
    org = on_plan(personas, "EKS-HOTLINE")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 2, 10, 0))
    late = actions.acknowledge_receipt(ticket, at=at(11, 5, 9, 0))
    assert late.ack_breached is True


def test_r_sla_6_a_promised_answer_time_is_tracked(personas: Personas, presets: None) -> None:
    org = on_plan(personas, "EKS-HOTLINE")
    ticket = actions.open_ticket(org, channel="phone", subject="x")
    promised = timezone.now() + dt.timedelta(hours=3)
    ticket = actions.promise_answer(ticket, promised, actor=personas.agent.user)
    assert ticket.answer_promised_at == promised
    assert ticket.next_check_at is not None and ticket.next_check_at <= promised
    with pytest.raises(actions.IntakeError, match="answer_by: must be in the future"):
        actions.promise_answer(ticket, timezone.now() - dt.timedelta(minutes=1))


def test_r_sla_9_waiting_for_the_customer_stops_the_clock(
    personas: Personas, presets: None
) -> None:
    org = on_plan(personas, "SHIP-START")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 16, 9, 0))
    assert ticket.reaction_due_at == at(11, 17, 9, 0)
    paused = actions.wait_for_customer(ticket, at=at(11, 16, 10, 0))
    assert paused.status == Ticket.Status.WAITING_CUSTOMER
    assert paused.next_check_at is None  # no warnings while the clock is stopped
    resumed = actions.customer_replied(ticket, at=at(11, 16, 14, 0))
    assert resumed.paused_minutes == 240
    assert resumed.reaction_due_at == at(11, 17, 13, 0)
    assert "Paused while waiting for the customer: 4 h added." in resumed.sla_explanation


def test_r_sla_9_a_calendar_change_recomputes_and_keeps_pause_time(
    personas: Personas, presets: None
) -> None:
    org = on_plan(personas, "SHIP-START")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 16, 9, 0))
    actions.wait_for_customer(ticket, at=at(11, 16, 10, 0))
    actions.customer_replied(ticket, at=at(11, 16, 14, 0))
    # Row by row, as the catalog writes them: each save moves the plans' stamp, so the
    # terms kept per process are compiled again (catalog.stamps, ADR 35).
    for interval in CalendarInterval.objects.filter(calendar__code="SHIP-START"):
        interval.end = dt.time(14, 0)
        interval.save()
    recomputed = actions.recompute_deadlines(ticket, reason="hours now 8-14")
    # 8 h target + 4 h paused = 12 h of 8-14 from Mon 9:00: 5 h Mon, 6 h Tue, 1 h Wed.
    assert recomputed.paused_minutes == 240
    assert recomputed.reaction_due_at == at(11, 18, 9, 0)
    event = events_for(recomputed).filter(kind="ticket.deadlines_recomputed").get()
    assert event.data == {
        "reason": "hours now 8-14",
        "before": at(11, 17, 13, 0).isoformat(),
        "after": at(11, 18, 9, 0).isoformat(),
    }


def test_the_reaction_is_starting_work_and_may_be_late(personas: Personas, presets: None) -> None:
    org = on_plan(personas, "SHIP-START")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 16, 9, 0))
    started = actions.start_work(ticket, actor=personas.agent.user, at=at(11, 17, 10, 0))
    assert started.reacted_at == at(11, 17, 10, 0)
    assert started.reaction_breached is True  # due Tue 9:00
    assert started.status == Ticket.Status.IN_PROGRESS
    assert started.next_check_at is None


def test_r_sla_9_editing_a_calendar_in_the_admin_recomputes_open_tickets(
    personas: Personas,
    presets: None,
    client,
    django_capture_on_commit_callbacks,
) -> None:
    from opiekun.celery import app
    from opiekun.demo import load as demo

    org = on_plan(personas, "SHIP-START")
    ticket = actions.open_ticket(org, channel="email", subject="x", received_at=at(11, 16, 9, 0))
    demo.load_demo()
    verified_login(client, User.objects.get(username="kierownik"))
    calendar = WorkingCalendar.objects.get(code="SHIP-START")
    intervals = list(calendar.intervals.order_by("weekday"))
    form = {
        "code": calendar.code,
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "holiday_country": "PL",
        "holiday_subdivision": "",
        "observes_holidays": "on",
        "intervals-TOTAL_FORMS": str(len(intervals)),
        "intervals-INITIAL_FORMS": str(len(intervals)),
        "dates-TOTAL_FORMS": "0",
        "dates-INITIAL_FORMS": "0",
    }
    for n, interval in enumerate(intervals):
        form.update(
            {
                f"intervals-{n}-id": str(interval.pk),
                f"intervals-{n}-calendar": str(calendar.pk),
                f"intervals-{n}-weekday": str(interval.weekday),
                f"intervals-{n}-start": "08:00",
                f"intervals-{n}-end": "14:00",
            }
        )
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/catalog/workingcalendar/{calendar.pk}/change/", form)
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 302, response.content[:2000]
    ticket.refresh_from_db()
    # 8 h of 8-14 from Mon 9:00: 5 h Mon, 3 h Tue.
    assert ticket.reaction_due_at == at(11, 17, 11, 0)
    assert events_for(ticket).filter(kind="ticket.deadlines_recomputed").exists()


def test_the_explanation_reads_in_the_desk_s_zone_whatever_zone_the_moment_is_in(
    presets: None,
) -> None:
    # A moment read back from the database is in UTC; the explanation still says 16:46.
    from opiekun.tickets import sla as sla_module

    plan = Plan.objects.get(code="KJM-CARE")
    utc = dt.datetime(2026, 11, 21, 15, 46, tzinfo=dt.UTC)
    decision = sla_module.decide(
        sla_module.terms_for(plan), received_at=utc, channel="email", severity="normal"
    )
    assert "Received Sat 2026-11-21 16:46" in " ".join(decision.explanation)
