"""Remote sessions in the console (R-SLA-7): booked from the ticket for an agreed slot,
listed per agent, cancelled with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.core.models import AuditEvent
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


def test_r_sla_7_an_agent_books_lists_and_cancels_a_remote_session(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="phone", subject="Zdalnie", contact=p.customer_a)
    agent = Client()
    agent.force_login(p.user("agent"))
    when = timezone.localtime() + dt.timedelta(days=2)
    url = f"/console/tickets/{ticket.pk}/book-session"
    agent.post(url, {"starts_at": when.strftime("%Y-%m-%dT10:00"), "minutes": "45"})
    session = ticket.appointments.get()
    assert timezone.localtime(session.starts_at).hour == 10
    assert session.ends_at - session.starts_at == dt.timedelta(minutes=45)
    assert session.staff == p.agent and session.status == "confirmed"
    mine = agent.get("/console/sessions/").content.decode()
    assert ticket.reference in mine
    other = Client()
    other.force_login(p.user("account_manager"))
    assert ticket.reference not in other.get("/console/sessions/").content.decode()
    assert ticket.reference in other.get("/console/sessions/?view=all").content.decode()
    refused = [
        ({"starts_at": "jutro", "minutes": "45"}, "starts_at: a date and time"),
        ({"starts_at": "2020-01-01T10:00", "minutes": "45"}, "starts_at: a session is booked"),
        ({"starts_at": when.strftime("%Y-%m-%dT11:00"), "minutes": "0"}, "minutes: between"),
    ]
    for body, error in refused:
        page = agent.post(url, body, follow=True).content.decode()
        assert error in page and ticket.appointments.count() == 1, body
    agent.post(f"/console/sessions/{session.pk}/cancel", {"reason": "klient odwołał"})
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert AuditEvent.objects.filter(kind="ticket.session_cancelled").exists()
    assert ticket.reference not in agent.get("/console/sessions/").content.decode()
