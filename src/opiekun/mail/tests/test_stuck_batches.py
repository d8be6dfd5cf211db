"""Issue 20, item 5: the stuck-mail sweep costs the same statements over 3 stuck
messages as over 30, and still sends each again once or fails it visibly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opiekun.mail import tasks
from opiekun.notifications.models import Kind, Notification
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def stuck_answers(ticket: Ticket, p: Personas, count: int, *, tag: str) -> list[Message]:
    """``count`` answers of the agent, pending for 80 minutes; every third one tried
    MAIL_SEND_RETRIES times already."""
    made = []
    for n in range(count):
        message = Message.objects.create(
            ticket=ticket,
            direction=Message.Direction.OUTBOUND,
            channel="email",
            delivery=Message.Delivery.PENDING,
            body_text="Proszę o zrzut ekranu.",
            recipient=f"{tag}{n}@a.example",
            author_staff=p.agent,
        )
        Message.objects.filter(pk=message.pk).update(
            updated_at=timezone.now() - dt.timedelta(minutes=80), attempts=3 if n % 3 == 0 else 0
        )
        made.append(message)
    return made


def sweep(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], int]:
    queued: list[int] = []
    monkeypatch.setattr(tasks.send_message, "delay", queued.append)
    with CaptureQueriesContext(connection) as captured:
        assert tasks.sweep_stuck_mail() == len(queued)
    return queued, len(captured)


def test_issue_20_item_5_the_stuck_mail_sweep_costs_the_same_for_3_or_30(
    contracted_personas: Personas, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MAIL_SEND_RETRIES = 3  # type: ignore[attr-defined]
    p = contracted_personas
    ticket = ticket_actions.open_ticket(p.org_a, channel="email", subject="X", contact=p.customer_a)
    ticket_actions.assign(ticket, p.account_manager, actor=p.agent.user)
    few = stuck_answers(ticket, p, 3, tag="few")
    queued_3, cost_3 = sweep(monkeypatch)
    many = stuck_answers(ticket, p, 30, tag="many")
    queued_30, cost_30 = sweep(monkeypatch)
    assert cost_3 == cost_30, (cost_3, cost_30)
    for batch, queued in ((few, queued_3), (many, queued_30)):
        again = [m for n, m in enumerate(batch) if n % 3]
        hopeless = [m for n, m in enumerate(batch) if n % 3 == 0]
        # Sent again once each: claimed (one more attempt, young again), task queued.
        assert sorted(queued) == sorted(m.pk for m in again)
        for message in again:
            message.refresh_from_db()
            assert (message.delivery, message.attempts) == (Message.Delivery.PENDING, 1)
            assert message.delivery_error == "stuck pending: sent again by the sweep"
        # Tried too often: failed on the ticket, its author and the assignee told once.
        for message in hopeless:
            message.refresh_from_db()
            assert message.delivery == Message.Delivery.FAILED
            assert message.delivery_error == "stuck: still pending after 3 attempts; not sent"
            told = Notification.objects.filter(
                kind=Kind.MAIL_FAILED, key__startswith=f"mail_failed:{message.pk}:"
            )
            assert sorted(n.recipient_id for n in told) == sorted(
                [p.agent.pk, p.account_manager.pk]
            )
            assert told[0].params == {"error": message.delivery_error}
    assert sweep(monkeypatch)[0] == []  # nothing is taken twice
