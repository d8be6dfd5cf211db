"""The history every register test reads: a public office on the EKS hot-line (A) with
questions asked, answered and finished across September, October and November, and a
SHIP customer (B) whose question must never show in A's register."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from opiekun.core.models import AuditEvent
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket

W = ZoneInfo("Europe/Warsaw")
OCTOBER = dt.date(2026, 10, 1)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=W)


def answered(
    ticket: Ticket, staff: StaffMember, when: dt.datetime, body: str, ref: str = ""
) -> None:
    # History as the actions wrote it at that moment: an answer, by a consultant.
    Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        channel=ticket.channel,
        author_staff=staff,
        body_text=body,
        documentation_ref=ref,
        created_at=when,
        delivery=Message.Delivery.SENT,
        sent_at=when,
    )


def finished(ticket: Ticket, when: dt.datetime) -> None:
    AuditEvent.objects.create(
        kind="ticket.resolved", subject_type="tickets.ticket", subject_id=str(ticket.pk), at=when
    )
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved", resolved_at=when)


@pytest.fixture
def office(presets: None) -> Personas:
    """Customer A is a public office on the EKS hot-line, B a SHIP customer."""
    p = make_personas("EKS-HOTLINE", "SHIP-START")
    ask = ticket_actions.open_ticket

    earlier = ask(
        p.org_a,
        channel="email",
        subject="Wrześniowe, otwarte",
        contact=p.customer_a,
        received_at=at(9, 25),
    )
    answered(earlier, p.agent, at(9, 26), "Sprawdzamy.")
    finished(earlier, at(10, 10))
    october = ask(
        p.org_a,
        channel="email",
        subject="Gdzie jest rejestr decyzji?",
        contact=p.customer_a,
        received_at=at(10, 5, 9, 30),
    )
    answered(october, p.agent, at(10, 5, 12), "Menu Rejestry → Decyzje.", "Instrukcja, s. 41")
    ticket_actions.log_work(
        october, staff=p.agent, kind="phone", raw_minutes=17, started_at=at(10, 5, 11)
    )
    finished(october, at(11, 3))  # pending at the end of October
    done = ask(
        p.org_a,
        channel="email",
        subject="Wrześniowe, zamknięte",
        contact=p.customer_a,
        received_at=at(9, 1),
    )
    finished(done, at(9, 2))
    hostile = ask(
        p.org_a,
        channel="email",
        subject='=HYPERLINK("http://evil.example","x")',
        contact=p.customer_a,
        received_at=at(10, 20),
    )
    answered(
        hostile,
        p.agent,
        at(10, 21),
        '<img src="file:///etc/passwd"><link rel=stylesheet href="http://evil.example/x.css">',
    )
    ask(p.org_b, channel="email", subject="Cudze", contact=p.customer_b, received_at=at(10, 6))
    return p
