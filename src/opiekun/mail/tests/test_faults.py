"""Faults while reading mail: the worker killed, the database failing mid-message, the
IMAP connection dropped mid-batch. After recovery each of 500 messages exists exactly
once, and the server has every one marked done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone

from opiekun.mail import actions, ingest, poll
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import parse
from opiekun.testing.mailcorpus import generate
from opiekun.testing.mailservers import Dovecot
from opiekun.testing.personas import Personas
from opiekun.tickets.models import Message, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.needs_dovecot]
N = 500
SENDERS = ["adam@a.example", "beata@b.example", "nieznany@c.example"]


class Killed(BaseException):
    """What SIGKILL does to a worker, as far as the code after it is concerned: nothing
    more of it runs (not even ``except Exception``)."""


@pytest.fixture
def corpus(mailbox: Mailbox, dovecot_server: Dovecot) -> list[bytes]:
    messages = generate(N, SENDERS)
    dovecot_server.append(mailbox.username, messages)
    return messages


def count_calls(target: Callable[..., Any], on_call: Callable[[int], None]) -> Callable[..., Any]:
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        on_call(calls)
        return target(*args, **kwargs)

    return wrapper


def poll_until_done(mailbox: Mailbox, rounds: int = 10) -> list[poll.PollResult]:
    results = []
    for _ in range(rounds):
        # A dead poll's lease is left to run out, as it would be.
        results.append(
            poll.poll(mailbox, now=timezone.now() + poll.LEASE + dt.timedelta(seconds=1))
        )
        if not results[-1].error:
            return results
    raise AssertionError(f"still failing after {rounds} polls: {results[-1].line()}")


def assert_each_exactly_once(corpus: list[bytes], mailbox: Mailbox, server: Dovecot) -> None:
    ids = [parse(raw).message_id for raw in corpus]
    kept = list(InboundMail.objects.values_list("dedupe_key", flat=True))
    assert len(kept) == N == len(set(kept))
    assert {i for i in ids if i} <= set(kept)
    assert InboundMail.objects.filter(state=InboundMail.State.RECEIVED).count() == 0
    # Every message that went onto a ticket did so once, and no ticket is half-made.
    ingested = InboundMail.objects.filter(state=InboundMail.State.INGESTED)
    on_threads = Message.objects.filter(direction=Message.Direction.INBOUND)
    assert on_threads.count() == ingested.count()
    assert Ticket.objects.filter(messages__isnull=True, channel="email").count() == 0
    assert server.count(mailbox.username, f"NOT KEYWORD {poll.DONE_KEYWORD}") == 0


def test_the_worker_killed_mid_message_and_between_commit_and_flag(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    corpus: list[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    route_many, mark_done, release = ingest.route_many, poll._mark_done, poll._release

    def die_at(n: int) -> Callable[[int], None]:
        def check(call: int) -> None:
            if call == n:
                raise Killed

        return check

    assert N // poll.CHUNK >= 4  # the kills below fall in the third chunks
    # 1. Killed while processing the third chunk: its bytes are kept, its tickets are not.
    monkeypatch.setattr(poll, "_release", lambda *a: None)  # a dead worker releases nothing
    monkeypatch.setattr(ingest, "route_many", count_calls(route_many, die_at(3)))
    with pytest.raises(Killed):
        poll.poll(mailbox)
    assert InboundMail.objects.filter(state=InboundMail.State.RECEIVED).count() == poll.CHUNK

    # 2. Killed after the third chunk committed, before the server heard of it.
    monkeypatch.setattr(ingest, "route_many", route_many)
    monkeypatch.setattr(poll, "_mark_done", count_calls(mark_done, die_at(3)))
    with pytest.raises(Killed):
        poll.poll(mailbox, now=timezone.now() + poll.LEASE + dt.timedelta(seconds=1))

    # 3. A healthy worker later: the received one is finished, the rest read once.
    monkeypatch.setattr(poll, "_mark_done", mark_done)
    monkeypatch.setattr(poll, "_release", release)
    [last] = poll_until_done(mailbox)
    assert last.duplicates == poll.CHUNK  # the chunk committed, never marked, is read again
    assert_each_exactly_once(corpus, mailbox, dovecot_server)


def test_the_database_failing_mid_message(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    corpus: list[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing_after_writing(target: Callable[..., Any], failures: set[int]) -> Callable[..., Any]:
        calls = 0

        def wrapper(*args: Any) -> Any:
            nonlocal calls
            calls += 1
            result = target(*args)  # tickets, messages, attachments are written...
            if calls in failures:
                raise OperationalError("server closed the connection unexpectedly")  # ...then
            return result

        return wrapper

    # Both paths: a chunk's bulk routing, and a single message's (replies, recovery).
    monkeypatch.setattr(ingest, "route_many", failing_after_writing(ingest.route_many, {2, 4}))
    monkeypatch.setattr(ingest, "route", failing_after_writing(ingest.route, {10, 40}))
    results = poll_until_done(mailbox)
    assert [r.error.startswith("database: OperationalError") for r in results] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert_each_exactly_once(corpus, mailbox, dovecot_server)


def test_the_imap_connection_dropped_mid_batch(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    corpus: list[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def drop(call: int) -> None:
        if call in (2, 4):
            dovecot_server.kick(mailbox.username)  # the server hangs up on us mid-chunk

    monkeypatch.setattr(actions, "receive_many", count_calls(actions.receive_many, drop))
    results = poll_until_done(mailbox)
    assert [bool(r.error) for r in results] == [True, True, False]
    assert results[0].error.startswith("IMAP:")
    assert_each_exactly_once(corpus, mailbox, dovecot_server)
