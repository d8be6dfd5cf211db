"""The topology test (issue 19, item 2): the deployment's processes on their own, on
PostgreSQL and Redis, with a real Dovecot and a real SMTP server. Two web processes, two
workers and one beat; while a customer opens tickets over the API from several threads
and mail keeps arriving, one worker is killed with SIGKILL in the middle of a mail poll
and one web process in the middle of a request. Afterwards nothing is lost or doubled.

It makes its own PostgreSQL database and uses Redis database 2, so it runs in both of
CI's passes (the SQLite one too: the processes it starts are the ones on PostgreSQL)."""

from __future__ import annotations

import collections
import itertools
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from opiekun.testing.mailservers import Dovecot, SmtpSink
from opiekun.testing.plugin import IN_CI
from opiekun.testing.topology import Topology, database_server, environment, post_json

pytestmark = [pytest.mark.slow, pytest.mark.needs_redis, pytest.mark.needs_dovecot]

WEB_PORTS = (8120, 8121)  # team TOPO's ports
REDIS_DB = 2
FIRST_MAIL = 150  # waiting before the start: the first poll takes a while (two chunks)
SENDER = "adam@a.example"  # customer A's contact (KJM-CARE)


@pytest.fixture
def database() -> Iterator[str]:
    server = database_server()
    name = f"opiekun_topo_{os.getpid()}"
    admin = server.replace("postgres://", "postgresql://", 1) + "/postgres"
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL is not reachable at {server}: {exc}")
        pytest.skip(f"needs PostgreSQL at {server}")
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def broker() -> Iterator[str]:
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def mail(n: int) -> tuple[str, bytes]:
    subject = f"Topology mail {n}"
    message = EmailMessage()
    message["From"] = f"Adam Klient <{SENDER}>"
    message["To"] = "pomoc@kjm.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(f"topo{n}", "a.example")
    message.set_content(f"Program nie drukuje faktur ({n}).")
    return subject, message.as_bytes()


def unfinished(log: str, task: str) -> set[str]:
    """Ids of the task's runs a worker's log shows received and not finished."""
    received = set(re.findall(rf"{re.escape(task)}\[([^\]]+)\] received", log))
    finished = set(re.findall(rf"{re.escape(task)}\[([^\]]+)\] (?:succeeded|raised)", log))
    return received - finished


def receipts(sink: SmtpSink) -> list[str]:
    """Subjects of the acknowledgements of our mail: to its sender, about its subject
    (staff are told of new tickets too, and portal tickets get receipts of their own)."""
    subjects = []
    for message in list(sink.messages):
        subject = str(make_header(decode_header(message["Subject"])))
        if SENDER in str(message["To"]) and "Topology mail" in subject:
            subjects.append(subject)
    return subjects


class Customers:
    """Threads opening tickets over the API, across both web processes; each request
    is recorded with its outcome, and the requests in flight per port are counted."""

    def __init__(self, token: str, threads: int = 3) -> None:
        self.token = token
        self.ports = list(WEB_PORTS)
        self.outcomes: list[tuple[str, int, int | None]] = []  # subject, status (0: dropped), id
        self.answered: collections.Counter[int] = collections.Counter()  # 2xx per port
        self.in_flight: collections.Counter[int] = collections.Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)
        ]

    def run(self, number: int) -> None:
        sent = 0
        while not self.stop.is_set():
            sent += 1
            subject = f"API {number}-{sent}"
            with self.lock:
                port = self.ports[sent % len(self.ports)]
                self.in_flight[port] += 1
            try:
                status, body = post_json(
                    port,
                    "/api/v1/tickets",
                    self.token,
                    {"subject": subject, "description": "Nie działa wydruk.", "severity": "normal"},
                )
            except OSError:
                status, body = 0, {}
            finally:
                with self.lock:
                    self.in_flight[port] -= 1
            with self.lock:
                self.outcomes.append((subject, status, body.get("id")))  # type: ignore[arg-type]
                self.answered[port] += 200 <= status < 300
            self.stop.wait(0.2)  # customers, not a load test

    def drop(self, port: int) -> None:
        with self.lock:
            self.ports.remove(port)


def wait_for(what: str, check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def diagnose(db: psycopg.Connection[Any], path: Path) -> None:
    """What the database was doing when the test gave up (the database is dropped after)."""
    lines = [
        repr(row)
        for query in (
            "SELECT pid, state, wait_event_type, wait_event, now() - xact_start,"
            " left(query, 200) FROM pg_stat_activity WHERE datname = current_database()",
            "SELECT state, count(*) FROM mail_inboundmail GROUP BY state",
            "SELECT lease_until, last_polled_at, last_error FROM mail_mailbox",
            "SELECT classid, objid, pid FROM pg_locks WHERE locktype = 'advisory'",
        )
        for row in db.execute(query).fetchall()
    ]
    path.write_text("\n".join(lines))


def test_it_loses_and_doubles_nothing_when_a_worker_and_a_web_process_die(
    dovecot_server: Dovecot, database: str, broker: str, tmp_path: Path
) -> None:
    sink = SmtpSink().start()
    topology = Topology(environment(database, broker, tmp_path, sink.port), tmp_path)
    db = psycopg.connect(database.replace("postgres://", "postgresql://", 1), autocommit=True)
    customers: Customers | None = None
    try:
        topology.manage("migrate", "--noinput", "-v0")
        # As the image does at build time: `opiekun web` would otherwise collect on start.
        topology.manage("collectstatic", "--noinput", "-v0")
        user = dovecot_server.add_user(f"topo{os.getpid()}")
        setup = topology.script("setup", str(dovecot_server.port), user, dovecot_server.password)
        subjects = []
        first = [mail(n) for n in range(FIRST_MAIL)]
        dovecot_server.append(user, [raw for _, raw in first])
        subjects += [s for s, _ in first]

        for label, port in zip(("web1", "web2"), WEB_PORTS, strict=True):
            topology.start(label, "web", port=port)
        topology.start("worker1", "worker")
        topology.start("worker2", "worker")
        topology.start("beat", "beat")
        # A second beat started by mistake (its own schedule file): it must do no harm.
        (tmp_path / "beat2").mkdir()
        topology.start("beat2", "beat", OPIEKUN_VAR_DIR=str(tmp_path / "beat2"))
        for port in WEB_PORTS:
            topology.wait_http(port)
        started = time.time()

        customers = Customers(str(setup["token"]))
        for thread in customers.threads:
            thread.start()

        # 1. A worker killed in the middle of a mail poll: the mailbox leased, some of
        # the mail kept, not all of it.
        def mid_poll() -> bool:
            row = db.execute(
                "SELECT m.lease_until IS NOT NULL, (SELECT count(*) FROM mail_inboundmail)"
                " FROM mail_mailbox m"
            ).fetchone()
            return bool(row and row[0] and 0 < row[1] < FIRST_MAIL)

        wait_for("the first mail poll", mid_poll, 90)

        # The worker whose poll is running: a poll received and not finished. (Two beats
        # send two polls a period; the second finds the mailbox busy and finishes.)
        def running_polls() -> list[str]:
            return [
                label
                for label in ("worker1", "worker2")
                if unfinished(topology.log(label), "opiekun.mail.tasks.poll_mailbox")
            ]

        wait_for("one running poll", lambda: len(running_polls()) == 1, 30)
        [polling] = running_polls()
        topology.crash(polling)
        assert unfinished(topology.log(polling), "opiekun.mail.tasks.poll_mailbox")
        kept_at_kill = db.execute("SELECT count(*) FROM mail_inboundmail").fetchone()[0]  # type: ignore[index]
        assert 0 < kept_at_kill < FIRST_MAIL

        # 2. A web process killed while a request to it is in flight, once both have
        # answered a few.
        wait_for(
            "both web processes answering",
            lambda: all(customers.answered[p] >= 3 for p in WEB_PORTS),
            90,
        )
        wait_for("a request in flight on web1", lambda: customers.in_flight[WEB_PORTS[0]] > 0, 30)
        topology.crash("web1")
        customers.drop(WEB_PORTS[0])

        # 3. Mail keeps arriving and customers keep writing after both crashes.
        for n in range(FIRST_MAIL, FIRST_MAIL + 40):
            subject, raw = mail(n)
            dovecot_server.append(user, [raw])
            subjects.append(subject)
            time.sleep(0.25)

        # Every mail becomes a ticket (mailbox read at least every minute), and every
        # acknowledgement leaves.
        def all_mail_in() -> bool:
            row = db.execute(
                "SELECT count(*) FILTER (WHERE state = 'ingested'), count(*) FROM mail_inboundmail"
            ).fetchone()
            return bool(row and row[0] == row[1] == len(subjects))

        wait_for("every mail on a ticket", all_mail_in, 150)
        customers.stop.set()
        for thread in customers.threads:
            thread.join(timeout=60)
        wait_for("every acknowledgement", lambda: len(receipts(sink)) >= len(subjects), 120)
        time.sleep(6)  # a late duplicate acknowledgement would arrive within a beat period
        elapsed = time.time() - started
        facts = topology.script("facts")
        acknowledged = receipts(sink)
        (tmp_path / "facts.json").write_text(json.dumps(facts))
        (tmp_path / "outcomes.json").write_text(json.dumps(customers.outcomes))
        (tmp_path / "acknowledged.json").write_text(json.dumps(acknowledged))
    except AssertionError:
        diagnose(db, tmp_path / "diagnosis.txt")
        raise
    finally:
        if customers is not None:
            customers.stop.set()
        topology.stop_all()
        sink.stop()
        db.close()

    print(  # the figures of the run, for the report (-s shows them)
        f"kept at the kill {kept_at_kill}/{FIRST_MAIL}; requests {len(customers.outcomes)};"
        f" {elapsed:.0f} s; logs in {tmp_path}"
    )
    tickets = facts["tickets"]
    assert isinstance(tickets, list)
    by_subject = collections.Counter(t["subject"] for t in tickets)

    # Every mail is a ticket exactly once.
    email_tickets = [t for t in tickets if t["channel"] == "email"]
    assert sorted(t["subject"] for t in email_tickets) == sorted(subjects)
    assert all(by_subject[s] == 1 for s in subjects)
    inbound = facts["inbound"]
    assert isinstance(inbound, list)
    assert len({row["ticket_id"] for row in inbound}) == len(subjects)
    assert all(t["messages"] >= 1 and t["opened_event"] for t in email_tickets)

    # Every API request answered 2xx is stored once, as answered; one that failed (the
    # killed web process) is stored whole or not at all.
    outcomes = customers.outcomes
    accepted = [(s, i) for s, status, i in outcomes if 200 <= status < 300]
    failed = [s for s, status, _ in outcomes if not 200 <= status < 300]
    assert len(accepted) >= 20, collections.Counter(status for _, status, _ in outcomes)
    assert failed, "the killed web process dropped no request"
    stored = {t["id"]: t for t in tickets}
    for subject, ticket_id in accepted:
        assert stored[ticket_id]["subject"] == subject
        assert by_subject[subject] == 1
    shapes = {(stored[i]["deadline"], stored[i]["messages"]) for _, i in accepted}
    for subject in failed:
        assert by_subject[subject] <= 1
        whole = [t for t in tickets if t["subject"] == subject]
        # Whole: its audit event came in the same transaction, and it has what every
        # accepted API ticket has (a deadline and messages only where those have them:
        # the plan decides the first, and an API ticket's description is not a message).
        assert all(t["opened_event"] and (t["deadline"], t["messages"]) in shapes for t in whole)

    # Every acknowledgement was sent once: one per mail ticket at the SMTP server.
    references = collections.Counter(
        m.group(1) for subject in acknowledged if (m := re.match(r"\[([^\]]+)\]", subject))
    )
    assert references == collections.Counter(t["reference"] for t in email_tickets)

    # The SLA sweep ran once per period (SLA_SWEEP_SECONDS=5) although two beats sent
    # it every period, and never missed long: a sweep that cannot start within its
    # period (workers busy or killed) is dropped, and the next period's does the work.
    sends = [
        len(re.findall(r"Sending due task sla-sweep", topology.log(beat)))
        for beat in ("beat", "beat2")
    ]
    assert min(sends) >= elapsed // 5 - 4, sends
    sweeps = facts["sweeps"]
    assert isinstance(sweeps, list)
    periods = [s["period"] for s in sweeps]
    assert len(periods) == len(set(periods))
    assert len(periods) <= elapsed // 5 + 2 < sum(sends)
    assert max(b - a for a, b in itertools.pairwise(periods)) <= 4, periods
    assert periods[-1] - periods[0] >= elapsed // 5 - 6
    assert all(s["finished"] for s in sweeps)
