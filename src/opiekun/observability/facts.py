"""The figures that are facts in the database or the broker, read when Prometheus
scrapes: each one aggregate query (or one broker call per queue), never a loop over
tickets, and right however many processes there are. A part that cannot be read is
left out and says so (``opiekun_scrape_ok{part=...} 0``), so the rest still reaches
the operator."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from opiekun.catalog.choices import Channel
from opiekun.celery import app
from opiekun.core.models import WorkerHeartbeat
from opiekun.mail import outbound
from opiekun.mail.models import Mailbox
from opiekun.observability import broker
from opiekun.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)


def _tickets(now: dt.datetime) -> Iterator[GaugeMetricFamily]:
    states = GaugeMetricFamily("opiekun_open_tickets", "Open tickets, by state.", labels=["state"])
    counted = dict(
        Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    for state in Ticket.OPEN_STATUSES:
        states.add_metric([str(state)], counted.get(state, 0))
    yield states
    # The sweep's reading of a missed deadline (tickets/sweep.py): due, passed, not met;
    # the reaction clock only while it runs (guaranteed, not paused).
    missed = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).aggregate(
        reaction=Count(
            "pk",
            filter=Q(
                reaction_due_at__lt=now,
                reacted_at__isnull=True,
                guaranteed=True,
                paused_since__isnull=True,
            ),
        ),
        acknowledgement=Count("pk", filter=Q(ack_due_at__lt=now, acknowledged_at__isnull=True)),
        promise=Count("pk", filter=Q(answer_promised_at__lt=now, answered_at__isnull=True)),
    )
    breached = GaugeMetricFamily(
        "opiekun_deadlines_breached",
        "Open tickets past a deadline not yet met, by deadline.",
        labels=["deadline"],
    )
    for deadline, count in sorted(missed.items()):
        breached.add_metric([deadline], count)
    yield breached


def _mail(now: dt.datetime) -> Iterator[GaugeMetricFamily]:
    lag = GaugeMetricFamily(
        "opiekun_mail_poll_lag_seconds",
        "Seconds since each active mailbox was last read successfully (since it was "
        "added, if never).",
        labels=["mailbox"],
    )
    read = (
        Mailbox.objects.filter(is_active=True)
        .annotate(last=Coalesce("last_polled_at", "created_at"))
        .values_list("name", "last")
        .order_by("name")
    )
    for name, last in read:
        lag.add_metric([name], max(0.0, (now - last).total_seconds()))
    yield lag
    outgoing = GaugeMetricFamily(
        "opiekun_outgoing_mail_problems",
        "Outbound e-mail failed for good, or stuck pending past MAIL_STUCK_MINUTES.",
        labels=["problem"],
    )
    failed = Message.objects.filter(
        channel=Channel.EMAIL,
        direction=Message.Direction.OUTBOUND,
        delivery=Message.Delivery.FAILED,
    ).count()
    outgoing.add_metric(["failed"], failed)
    outgoing.add_metric(["stuck"], outbound.stuck(now).count())
    yield outgoing
    beat = WorkerHeartbeat.objects.filter(name="celery").values_list("seen_at", flat=True).first()
    if beat is not None:
        yield GaugeMetricFamily(
            "opiekun_heartbeat_age_seconds",
            "Seconds since a worker last ran the heartbeat that beat sends every minute.",
            value=max(0.0, (now - beat).total_seconds()),
        )


def _queues(now: dt.datetime) -> Iterator[GaugeMetricFamily]:
    depth = GaugeMetricFamily(
        "opiekun_queue_depth", "Messages waiting in the broker, by queue.", labels=["queue"]
    )
    for name, count in broker.queue_depths(app, broker.queue_names(app)).items():
        depth.add_metric([name], count)
    yield depth


PARTS: dict[str, Callable[[dt.datetime], Iterator[GaugeMetricFamily]]] = {
    "tickets": _tickets,
    "mail": _mail,
    "broker": _queues,
}


class FactsCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        ok = GaugeMetricFamily(
            "opiekun_scrape_ok", "1 when this part of the figures could be read.", labels=["part"]
        )
        for part, read in PARTS.items():
            try:
                # Read whole before yielding: a part that fails halfway adds nothing.
                families = list(read(now))
            except Exception:
                logger.exception("metrics: %s could not be read", part)
                ok.add_metric([part], 0)
                continue
            ok.add_metric([part], 1)
            yield from families
        yield ok
