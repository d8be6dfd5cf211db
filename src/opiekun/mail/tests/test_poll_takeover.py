"""A poll whose worker was killed (SIGKILL) does not block its mailbox until the lease
runs out (issue 19's topology test found a ten-minute gap): on PostgreSQL the poll
holds a session advisory lock, which goes with the dead worker's connection."""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from opiekun.mail import poll
from opiekun.mail.models import Mailbox

pytestmark = pytest.mark.needs_postgres


def other_session() -> psycopg.Connection[tuple[object, ...]]:
    """Another worker's connection to the same database."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def test_a_live_poll_elsewhere_keeps_the_mailbox_and_a_dead_one_does_not(db: None) -> None:
    mailbox = Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=1,
        security=Mailbox.Security.PLAIN,
        username="u",
        password="p",
    )
    now = timezone.now()
    # Another worker's poll: its lease on the row, its lock in its session.
    Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=now + poll.LEASE, lease_token="w1")
    worker = other_session()
    worker.execute("SELECT pg_advisory_lock(%s, %s)", [poll.LOCK_SPACE, mailbox.pk])
    assert poll.claim(mailbox.pk, now) is None
    assert mailbox not in poll.due(now)

    worker.close()  # SIGKILL: the connection goes, and the lock with it
    for _ in range(200):  # the server ends the session a moment after the socket closes
        if mailbox.pk not in poll._held_elsewhere():
            break
        time.sleep(0.05)
    assert mailbox in poll.due(now)
    token = poll.claim(mailbox.pk, now)
    assert token is not None
    mailbox.refresh_from_db()
    assert mailbox.lease_token == token
    assert mailbox.lease_until == now + poll.LEASE
    poll._unlock(mailbox.pk)


def test_a_lease_this_session_holds_is_still_respected(db: None) -> None:
    mailbox = Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=1,
        security=Mailbox.Security.PLAIN,
        username="u",
        password="p",
    )
    now = timezone.now()
    assert poll.claim(mailbox.pk, now) is not None
    assert poll.claim(mailbox.pk, now + dt.timedelta(seconds=1)) is None
    poll._unlock(mailbox.pk)
