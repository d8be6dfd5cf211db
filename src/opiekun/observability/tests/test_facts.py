"""The figures /metrics reads at scrape time (issue 19, item 6): open tickets per state,
deadlines breached, mail poll lag per mailbox, outgoing mail failures, queue depth per
queue, each from the database or the broker as it is now."""

from __future__ import annotations

import datetime as dt
import socket
import time
import uuid

import pytest
from celery import Celery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opiekun.celery import app
from opiekun.core.actions import record_heartbeat
from opiekun.mail.models import Mailbox
from opiekun.observability import broker
from opiekun.observability.tests.scrape import TOKEN, has, scrape, value
from opiekun.testing.personas import Personas
from opiekun.testing.plugin import IN_CI
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"
REDIS = "redis://127.0.0.1:6379/3"  # this suite's own Redis database


@pytest.fixture(autouse=True)
def _token(settings: pytest.FixtureRequest) -> None:
    settings.METRICS_TOKEN = TOKEN  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_r_sla_1_it_counts_open_tickets_per_state_and_missed_deadlines(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    two_weeks_ago = timezone.now() - dt.timedelta(days=14)
    # SHIP START guarantees a reaction to e-mail within 8 working hours (R-SLA-5).
    late = ticket_actions.open_ticket(
        p.org_b, channel="email", subject="Stara", received_at=two_weeks_ago
    )
    ticket_actions.open_ticket(p.org_b, channel="email", subject="Nowa")
    done = ticket_actions.open_ticket(
        p.org_b, channel="email", subject="Załatwiona", received_at=two_weeks_ago
    )
    ticket_actions.close(done)
    # Its deadline passed long ago, and nobody reacted.
    assert late.guaranteed, late.guarantee_note
    assert late.reaction_due_at and late.reaction_due_at < timezone.now()
    samples = scrape()
    assert value(samples, "opiekun_open_tickets", state="new") == 2
    for state in Ticket.OPEN_STATUSES:  # every open state is there, 0 or not
        assert has(samples, "opiekun_open_tickets", state=str(state))
    assert not has(samples, "opiekun_open_tickets", state="closed")
    # The closed one missed its deadline too, but it is no longer open.
    assert value(samples, "opiekun_deadlines_breached", deadline="reaction") == 1
    assert value(samples, "opiekun_scrape_ok", part="tickets") == 1


@pytest.mark.django_db
def test_the_ticket_figures_are_a_few_aggregate_queries_however_many_tickets(
    contracted_personas: Personas,
) -> None:
    for number in range(12):
        ticket_actions.open_ticket(contracted_personas.org_a, channel="phone", subject=f"{number}")
    with CaptureQueriesContext(connection) as queries:
        scrape()
    ticket_queries = [q for q in queries.captured_queries if "tickets_ticket" in q["sql"]]
    assert len(ticket_queries) == 2  # states, deadlines: no query per ticket


@pytest.mark.django_db
def test_r_sla_8_it_tells_how_long_each_mailbox_went_unread(contracted_personas: Personas) -> None:
    now = timezone.now()
    read = Mailbox.objects.create(
        name="pomoc", address="pomoc@kjm.example", host="h", username="u", password="p"
    )
    Mailbox.objects.filter(pk=read.pk).update(last_polled_at=now - dt.timedelta(minutes=30))
    never = Mailbox.objects.create(
        name="faktury", address="faktury@kjm.example", host="h", username="u", password="p"
    )
    Mailbox.objects.filter(pk=never.pk).update(created_at=now - dt.timedelta(hours=3))
    Mailbox.objects.create(
        name="stara", address="stara@kjm.example", host="h", username="u", password="p",
        is_active=False,
    )  # fmt: skip
    samples = scrape()
    lag = "opiekun_mail_poll_lag_seconds"
    assert 30 * 60 <= value(samples, lag, mailbox="pomoc") < 60 * 60
    assert 3 * 3600 <= value(samples, lag, mailbox="faktury") < 4 * 3600
    assert not has(samples, lag, mailbox="stara")  # switched off: nobody waits on it


@pytest.mark.django_db
def test_it_counts_outgoing_mail_failed_and_stuck(contracted_personas: Personas) -> None:
    ticket = ticket_actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")

    def outbound(delivery: str, minutes_ago: int) -> None:
        message = Message.objects.create(
            ticket=ticket,
            direction=Message.Direction.OUTBOUND,
            channel="email",
            delivery=delivery,
            body_text="Odpowiedź.",
            recipient="adam@a.example",
        )
        moment = timezone.now() - dt.timedelta(minutes=minutes_ago)
        Message.objects.filter(pk=message.pk).update(updated_at=moment)

    outbound(Message.Delivery.FAILED, 5)
    outbound(Message.Delivery.PENDING, 500)  # its task was lost: stuck
    outbound(Message.Delivery.PENDING, 1)  # on its way
    outbound(Message.Delivery.SENT, 500)
    samples = scrape()
    assert value(samples, "opiekun_outgoing_mail_problems", problem="failed") == 1
    assert value(samples, "opiekun_outgoing_mail_problems", problem="stuck") == 1


@pytest.mark.django_db
def test_it_tells_the_age_of_the_heartbeat() -> None:
    assert not has(scrape(), "opiekun_heartbeat_age_seconds")
    record_heartbeat("celery")
    assert 0 <= value(scrape(), "opiekun_heartbeat_age_seconds") < 600


@pytest.mark.django_db
def test_it_shows_every_kind_of_queue_and_what_waits_in_one() -> None:
    """Through the configured broker: the filesystem one, or Redis in CI's second pass."""
    samples = scrape()
    for kind in ("mail", "notifications", "exports", "default"):
        assert has(samples, "opiekun_queue_depth", queue=kind)
    assert value(samples, "opiekun_scrape_ok", part="broker") == 1
    _two_waiting_then_gone(app)


def _two_waiting_then_gone(celery: Celery) -> None:
    queue = f"obs-test-{uuid.uuid4().hex[:8]}"
    assert broker.queue_depths(celery, [queue]) == {queue: 0}  # never declared: none
    try:
        for _ in range(2):
            celery.send_task("opiekun.observability.tests.nothing", queue=queue)
        counted = {queue: 0}
        deadline = time.monotonic() + 30
        # RabbitMQ counts a published message a moment later than it acknowledges it.
        while counted[queue] < 2 and time.monotonic() < deadline:
            counted = broker.queue_depths(celery, [queue])
            time.sleep(0.1)
        assert counted == {queue: 2}
    finally:
        with celery.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.needs_redis
def test_it_counts_a_redis_queue() -> None:
    _two_waiting_then_gone(Celery("obs-redis", broker=REDIS, set_as_current=False))


def test_it_counts_a_rabbitmq_queue() -> None:
    if not _reachable(5672):
        if IN_CI:
            pytest.fail("CI=true but RabbitMQ is not reachable on 127.0.0.1:5672")
        pytest.skip("needs RabbitMQ on 127.0.0.1:5672")
    _two_waiting_then_gone(Celery("obs-rabbitmq", broker=RABBITMQ, set_as_current=False))


@pytest.mark.django_db
def test_a_broker_that_is_down_leaves_the_other_figures(broker_down: str) -> None:
    samples = scrape()
    assert value(samples, "opiekun_scrape_ok", part="broker") == 0
    assert not has(samples, "opiekun_queue_depth", queue="mail")
    assert value(samples, "opiekun_scrape_ok", part="tickets") == 1
    assert has(samples, "opiekun_open_tickets", state="new")
