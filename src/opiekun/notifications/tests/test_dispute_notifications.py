"""Disputes tell the other side (issue 21, item 3): a question raised tells the work's
author and the account manager in their inbox; an answer or a decision tells the contact
who asked, in their language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from opiekun.notifications import customer_mail
from opiekun.notifications.customer_models import CustomerNotice
from opiekun.notifications.models import Notification
from opiekun.reports import disputes, statements
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def test_a_question_tells_the_vendor_and_the_decision_tells_the_customer(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    assert p.contract_b is not None
    ticket = actions.open_ticket(
        p.org_b,
        channel="phone",
        subject="Etykiety",
        received_at=dt.datetime(2026, 10, 5, 9, tzinfo=W),
    )
    actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=30,
        started_at=dt.datetime(2026, 10, 5, 10, tzinfo=W),
    )
    statement = statements.issue(p.contract_b, dt.date(2026, 10, 1))
    Notification.objects.all().delete()
    dispute = disputes.raise_dispute(
        p.customer_b,
        line=statement.lines.get(kind="work"),
        reason="Było 15 minut",
        actor=p.customer_b.user,
    )
    told = Notification.objects.filter(kind="dispute")
    assert {n.recipient for n in told} == {p.agent, p.account_manager}
    assert {n.ticket_id for n in told} == {ticket.pk}
    assert told.first().params == {"month": "2026-10", "reason": "Było 15 minut"}  # type: ignore[union-attr]
    assert not CustomerNotice.objects.filter(kind="dispute_answer").exists()

    decided = disputes.accept(
        dispute,
        staff=p.agent,
        reason="Według nagrania 15 minut",
        raw_minutes=15,
        actor=p.agent.user,
    )
    notice = CustomerNotice.objects.get(kind="dispute_answer")
    assert notice.contact == p.customer_b
    subject, body = customer_mail.words(notice.kind, notice.contact, None, notice.params)
    assert subject == "Odpowiedź na zastrzeżenie do zestawienia za 2026-10"
    assert "status: przyjęta" in body and "Według nagrania 15 minut" in body
    assert f"/portal/statements/{decided.reissued_id}/" in body
    # The agent who decided is not told about their own step.
    assert Notification.objects.filter(kind="dispute").count() == 2
