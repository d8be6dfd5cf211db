"""The broker as an operator sees it: reachable or not, and how many messages wait in
each queue. One kombu connection per call with a short timeout, no retries: a scrape or
a readiness probe must answer in seconds even when the broker is down."""

from __future__ import annotations

from collections.abc import Iterable

from celery import Celery

# The queues by kind of work (issue 19: the processes' split); used when the Celery
# app names no queues of its own.
KINDS = ("mail", "notifications", "exports", "default")
TIMEOUT_SECONDS = 3


def queue_names(app: Celery) -> list[str]:
    configured = app.conf.task_queues
    if configured:
        return sorted({queue.name for queue in configured})
    return sorted({*KINDS, app.conf.task_default_queue})


def check(app: Celery) -> None:
    """Raises when the broker cannot be reached (refused, unknown host, timeout)."""
    with app.connection_for_read(connect_timeout=TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)


def queue_depths(app: Celery, names: Iterable[str]) -> dict[str, int]:
    """Messages waiting per queue. Redis and the filesystem broker are kombu's virtual
    transports, which count (LLEN over the priority lists; the queue's files); RabbitMQ
    answers a passive declare with the count. A queue nobody declared yet holds none."""
    depths: dict[str, int] = {}
    with app.connection_for_read(connect_timeout=TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)
        for name in names:
            depths[name] = _depth(connection, name)
    return depths


def _depth(connection: object, name: str) -> int:
    channel = connection.channel()  # type: ignore[attr-defined]
    try:
        if hasattr(channel, "_size"):
            return int(channel._size(name))
        return int(channel.queue_declare(queue=name, passive=True).message_count)
    except connection.channel_errors:  # type: ignore[attr-defined]
        # RabbitMQ: 404 NOT_FOUND, the queue was never declared (and the channel closed).
        return 0
    finally:
        try:
            channel.close()
        except connection.connection_errors + connection.channel_errors:  # type: ignore[attr-defined]
            pass
