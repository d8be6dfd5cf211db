"""Who is looking at a ticket (issue 15, item 9): the ticket page beats, the others seen
in the last 45 s are shown, and a colleague who left fades out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.notifications import presence
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(personas: Personas) -> Ticket:
    return actions.open_ticket(
        personas.org_a, channel="phone", subject="Kto patrzy", contact=personas.customer_a
    )


def signed_in(personas: Personas, who: str) -> Client:
    client = Client()
    client.force_login(personas.user(who))
    return client


def test_the_ticket_page_beats_and_shows_another_agent(personas: Personas, ticket: Ticket) -> None:
    agent, manager = signed_in(personas, "agent"), signed_in(personas, "account_manager")
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert f'hx-post="/console/tickets/{ticket.pk}/presence"' in page
    assert 'hx-trigger="load, every 20s"' in page and "opiekun/mentions.js" in page
    alone = agent.post(f"/console/tickets/{ticket.pk}/presence").content.decode()
    assert "Alicja" not in alone and "Olgierd" not in alone  # not told about oneself
    both = manager.post(f"/console/tickets/{ticket.pk}/presence").content.decode()
    assert "Alicja Agent" in both and "Olgierd" not in both
    again = agent.post(f"/console/tickets/{ticket.pk}/presence").content.decode()
    assert "Olgierd Opiekun" in again


def test_a_colleague_who_left_fades_after_45_seconds(personas: Personas, ticket: Ticket) -> None:
    start = timezone.now()
    presence.beat(ticket.pk, personas.agent, now=start)
    seen = presence.beat(ticket.pk, personas.account_manager, now=start + dt.timedelta(seconds=44))
    assert [v.name for v in seen] == ["Alicja Agent"]
    later = start + dt.timedelta(seconds=45)
    assert presence.others(ticket.pk, personas.account_manager, now=later) == []
    # The agent, still there, sees the manager, who beat 1 s ago.
    assert [v.name for v in presence.others(ticket.pk, personas.agent, now=later)] == [
        "Olgierd Opiekun"
    ]


def test_outsiders_get_404_and_leave_no_trace(personas: Personas, ticket: Ticket) -> None:
    for who in ("customer_a", "customer_b", "outsider"):
        response = signed_in(personas, who).post(f"/console/tickets/{ticket.pk}/presence")
        assert response.status_code == 404, who
    assert signed_in(personas, "agent").post("/console/tickets/999999/presence").status_code == 404
    assert presence.others(ticket.pk, personas.agent) == []
    # A heartbeat is a POST (it records): a GET is refused.
    assert (
        signed_in(personas, "agent").get(f"/console/tickets/{ticket.pk}/presence").status_code
        == 405
    )
