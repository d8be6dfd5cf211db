"""Customer notifications under real concurrency (PostgreSQL): an event told from two
transactions at once is stored once, and a notice sent by two workers leaves once."""

from __future__ import annotations

import pytest
from django.core import mail

from opiekun.notifications import customer_actions, customer_tasks
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerNotice
from opiekun.testing.personas import make_personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_told_and_sent_in_parallel_leaves_once() -> None:
    p = make_personas()
    ticket = actions.open_ticket(p.org_a, channel="phone", subject="Wyścig", contact=p.customer_a)
    CustomerNotice.objects.all().delete()  # the receipt's own notice: told again below
    mail.outbox.clear()
    errors = run_in_threads(
        lambda n: customer_actions.tell(
            CustomerKind.RESOLVED, p.customer_a, key=f"race:{ticket.pk}", ticket=ticket
        ),
        8,
    )
    assert errors == []
    notice = CustomerNotice.objects.get()
    sent: list[bool] = []
    errors = run_in_threads(lambda n: sent.append(customer_tasks.send_notice(notice.pk)), 8)
    assert errors == []
    assert sorted(sent) == [False] * 7 + [True]
    assert len([m for m in mail.outbox if m.to == ["adam@a.example"]]) == 1
