"""The contract's rules at intake: R-CH-1, R-SLA-4."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from opiekun.catalog.models import Plan
from opiekun.celery import app
from opiekun.contracts import actions as contract_actions
from opiekun.core.audit import events_for
from opiekun.staff import actions as staff_actions
from opiekun.staff.models import OnCallShift
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import SlaNotification

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=W)


def on(p: Personas, code: str) -> None:
    contract_actions.record_active_contract(
        p.org_a, Plan.objects.get(code=code), number=f"I/{code}", starts_on=dt.date(2026, 1, 1)
    )


def test_r_ch_1_a_channel_the_plan_does_not_open_is_taken_and_marked(
    personas: Personas, presets: None
) -> None:
    on(personas, "SHIP-EMAIL")  # e-mail and forum only: no phone
    ticket = actions.open_ticket(
        personas.org_a, channel="phone", subject="x", received_at=at(16, 10)
    )
    assert ticket.pk is not None
    assert ticket.channel_note == "SHIP-EMAIL does not open the phone (general line) channel"


def test_r_ch_1_a_channel_closed_at_that_hour_is_marked(personas: Personas, presets: None) -> None:
    on(personas, "KJM-CARE")  # mobile and general line 7-16 on weekdays, e-mail always
    late_call = actions.open_ticket(
        personas.org_a, channel="mobile", subject="x", received_at=at(16, 18)
    )
    assert late_call.channel_note.startswith("account manager's mobile is open Mon-Fri 07:00-16:00")
    mail_at_night = actions.open_ticket(
        personas.org_a, channel="email", subject="y", received_at=at(16, 23)
    )
    assert mail_at_night.channel_note == ""


def test_r_ch_1_a_restricted_channel_says_so(personas: Personas, presets: None) -> None:
    on(personas, "SHIP-COMMUNITY")
    ticket = actions.open_ticket(
        personas.org_a, channel="email", subject="x", received_at=at(16, 11)
    )
    assert ticket.channel_note == "e-mail: Tylko zgłoszenia błędów"


def test_r_sla_4_a_critical_outage_out_of_hours_alerts_the_person_on_call(
    personas: Personas,
    presets: None,
    django_capture_on_commit_callbacks,
) -> None:
    on(personas, "KJM-CARE")
    duty = staff_actions.create_staff_member(
        "p-dyzur",
        full_name="Dorota Dyżur",
        email="d@v.example",
        password=None,
        roles=("agent", "on_call"),
    )
    spare = staff_actions.create_staff_member(
        "p-zapas",
        full_name="Zenon Zapas",
        email="z@v.example",
        password=None,
        roles=("agent", "on_call"),
    )
    OnCallShift.objects.create(staff=duty, starts_at=at(20, 16), ends_at=at(21, 7))
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ticket = actions.open_ticket(
                personas.org_a,
                channel="email",
                severity="critical",
                subject="Nie działa na żadnym stanowisku",
                received_at=at(20, 21, 30),
            )
    finally:
        app.conf.task_always_eager = False
    notices = SlaNotification.objects.filter(ticket=ticket, kind="on_call")
    assert [n.recipient for n in notices] == [duty]  # the one on shift, not every on-call person
    assert spare not in [n.recipient for n in notices]
    assert mail.outbox[0].subject.endswith("Critical outage out of hours")
    assert events_for(ticket).get(kind="ticket.opened").data["on_call_alerted"] == ["Dorota Dyżur"]


def test_r_sla_4_no_alert_in_hours_or_for_a_normal_ticket(
    personas: Personas, presets: None
) -> None:
    on(personas, "KJM-CARE")
    staff_actions.create_staff_member(
        "p-dyzur", full_name="Dorota Dyżur", email="d@v.example", password=None, roles=("on_call",)
    )
    actions.open_ticket(
        personas.org_a, channel="email", severity="critical", subject="a", received_at=at(20, 10)
    )
    actions.open_ticket(personas.org_a, channel="email", subject="b", received_at=at(20, 21))
    assert not SlaNotification.objects.filter(kind="on_call").exists()
