"""Remote sessions booked for a slot both sides agreed (R-SLA-7), and the iCal feed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.staff import actions as staff_actions
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


def test_r_sla_7_a_session_is_booked_for_an_agreed_slot_and_shows_in_the_feed(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(
        p.org_a, channel="email", subject="Zdalnie, proszę", contact=p.customer_a
    )
    client = Client()
    client.force_login(p.agent.user)
    start = (timezone.now() + dt.timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    booked = client.post(
        f"/api/v1/tickets/{ticket.pk}/sessions",
        data=json.dumps(
            {
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
                "note": "Połączenie zdalne, hasło przez telefon; ustalone z p. Adamem",
            }
        ),
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    ticket.refresh_from_db()
    assert ticket.reacted_at is None  # a booking is not the reaction (R-SLA-1, R-SLA-7)
    token = staff_actions.calendar_feed_token(p.agent)
    feed = Client().get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    text = feed.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert f"DTSTART:{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in text
    assert f"SUMMARY:{ticket.reference} Firma A: Zdalnie\\, proszę" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    renewed = staff_actions.calendar_feed_token(p.agent, renew=True)
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    assert Client().get(f"/calendar/{renewed}.ics").status_code == 200


def test_a_session_in_the_past_or_backwards_is_refused(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="x")
    now = timezone.now()
    with pytest.raises(
        actions.IntakeError, match="starts_at: a session is booked for a time to come"
    ):
        actions.book_remote_session(
            ticket,
            staff=p.agent,
            starts_at=now - dt.timedelta(hours=2),
            ends_at=now - dt.timedelta(hours=1),
        )
    with pytest.raises(actions.IntakeError, match="ends_at: must be after starts_at"):
        actions.book_remote_session(
            ticket,
            staff=p.agent,
            starts_at=now + dt.timedelta(hours=2),
            ends_at=now + dt.timedelta(hours=1),
        )
    assert not ticket.appointments.exists()
