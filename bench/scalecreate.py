"""Ticket creation over HTTP (bench/scale.py, issue 20 item 6's measure): a gunicorn
started here takes POST /api/v1/tickets from 1, 4 and 16 client threads; pgbench runs a
script of the same inserts (copies of the rows one API create wrote) at the same client
counts."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import scaledata
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opiekun.core import tokens
from opiekun.customers.models import Organisation
from opiekun.staff.models import StaffMember

ROOT = Path(__file__).resolve().parent.parent


def quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def machine_busy_seconds() -> float:
    """CPU time all the machine's cores spent busy so far (/proc/stat): PostgreSQL's
    backends come and go with connections, so their share is this less the web workers'
    and the load client's."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / TICK


def own_seconds() -> float:
    times = os.times()
    return times.user + times.system


def children_of(pid: int) -> list[int]:
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


class Profile:
    """Where a create run's time goes (issue 20, item 6: "or the closing note shows by
    profile what bounds it"): the CPU the web workers and PostgreSQL used per ticket, and
    how often a busy backend was waiting for a lock (the gapless reference counter of
    R-CH-1 is the only lock intake holds for long)."""

    def __init__(self, server: int) -> None:
        self.server = server
        self.samples = 0
        self.busy = 0
        self.waiting = 0
        self._stop = threading.Event()

    def __enter__(self) -> Profile:
        self.web0 = cpu_seconds(children_of(self.server))
        self.client0 = own_seconds()
        self.busy0 = machine_busy_seconds()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1", user=db["USER"], dbname=db["NAME"], autocommit=True
        ) as watch:
            while not self._stop.wait(0.05):
                busy, waiting = watch.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'),"
                    " count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')"
                    " FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                ).fetchone()  # type: ignore[misc]
                self.samples += 1
                self.busy += busy
                self.waiting += waiting

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.web = cpu_seconds(children_of(self.server)) - self.web0
        self.client = own_seconds() - self.client0
        self.all = machine_busy_seconds() - self.busy0
        self.pg = max(self.all - self.web - self.client, 0.0)

    def line(self, tickets: int, seconds: float) -> str:
        cores = os.cpu_count() or 1
        per = 1000 / max(tickets, 1)
        used = self.all / (seconds * cores)
        locked = self.waiting / self.busy if self.busy else 0.0
        return (
            f"CPU per ticket: web {self.web * per:.1f} ms, PostgreSQL and the rest"
            f" {self.pg * per:.1f} ms, load client {self.client * per:.1f} ms"
            f" ({used:.0%} of {cores} cores busy); busy backends waiting on a lock {locked:.0%}"
        )


def create_rates(clients: list[int], seconds: int) -> list[tuple[int, float, float, float]]:
    """(clients, opiekun tickets/s, p95 ms, pgbench inserts/s) per client count."""
    staff = StaffMember.objects.select_related("user").get(user__username="bench-agent")
    _token, plain = tokens.create_token(staff.user, f"bench {time.time()}")
    orgs = list(Organisation.objects.values_list("pk", flat=True)[:200])
    script = pgbench_script(plain, orgs[0])
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "opiekun.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "4",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--preload",
            "--log-level",
            "warning",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        wait_for(port)
        # Warm-up, not counted: every worker loads its calendars and plans once.
        http_creates(port, plain, orgs, max(clients), 3)
        results = []
        for n in clients:
            with Profile(server.pid) as profile:
                rate, p95 = http_creates(port, plain, orgs, n, seconds)
            pg = pgbench(script, n, seconds)
            scaledata.log(
                f"create at {n} clients: {rate:.0f}/s (p95 {p95:.0f} ms), pgbench {pg:.0f}/s;"
                f" {profile.line(round(rate * seconds), seconds)}"
            )
            results.append((n, rate, p95, pg))
        return results
    finally:
        server.terminate()
        server.wait()


def wait_for(port: int) -> None:
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def http_creates(
    port: int, token: str, orgs: list[int], n: int, seconds: int
) -> tuple[float, float]:
    latencies: list[float] = []
    failures: list[int] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        k = 0
        mine = []
        while time.monotonic() < stop:
            body = json.dumps(
                {
                    "organisation_id": orgs[(i * 7 + k) % len(orgs)],
                    "channel": "portal",
                    "subject": f"Bench {i}-{k} faktura",
                    "description": "Nie drukuje",
                }
            )
            t0 = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/tickets",
                body,
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                failures.append(response.status)
            mine.append((time.perf_counter() - t0) * 1000)
            k += 1
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    if failures:
        raise RuntimeError(f"ticket create failed: {failures[:5]}")
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
    return len(latencies) / elapsed, p95


def pgbench_script(token: str, organisation: int) -> str:
    """One API create in-process; the rows it inserted become a pgbench transaction that
    inserts copies of them (the ticket's own id carried to the rows that point at it)."""
    client = Client()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'id'"
            " AND table_schema = 'public' AND data_type IN ('bigint', 'integer')"
        )
        before = {}
        for (table,) in cur.fetchall():
            cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            before[table] = cur.fetchone()[0]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/api/v1/tickets",
            {
                "organisation_id": organisation,
                "channel": "portal",
                "subject": "Bench faktura",
                "description": "Nie drukuje",
            },
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.content
    ticket = response.json()["id"]
    inserted = [
        q["sql"].split()[2].strip('"')
        for q in captured.captured_queries
        if q["sql"].startswith("INSERT")
    ]
    scaledata.log(f"one API create: {len(captured)} statements, inserts into {inserted}")
    lines = ["BEGIN;"]
    names = scaledata.columns("tickets_ticket")
    select = ", ".join(
        "'PG-' || :client_id || '-' || floor(random() * 1e12)::bigint"
        if c == "reference"
        else f'"{c}"'
        for c in names
    )
    lines.append(
        f"INSERT INTO tickets_ticket ({quoted(names)})"  # noqa: S608
        f" SELECT {select} FROM tickets_ticket WHERE id = {ticket} RETURNING id AS tid \\gset"
    )
    for table in inserted:
        if table in ("tickets_ticket",):
            continue
        names = scaledata.columns(table)
        with connection.cursor() as cur:
            if table in before:
                cur.execute(f"SELECT id FROM {table} WHERE id > %s", [before[table]])  # noqa: S608
                rows = [f"id = {r[0]}" for r in cur.fetchall()]
            else:  # keyed by its ticket (the search document)
                rows = [f"ticket_id = {ticket}"]
        for row in rows:
            select = ", ".join(
                ":tid"
                if c == "ticket_id"
                else f"CASE WHEN subject_id = '{ticket}' THEN :tid::text ELSE subject_id END"
                if c == "subject_id"
                else "NULL"
                if c == "message_id"
                else f'"{c}"'
                for c in names
            )
            lines.append(
                f"INSERT INTO {table} ({quoted(names)})"  # noqa: S608
                f" SELECT {select} FROM {table} WHERE {row};"
            )
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def pgbench(script: str, clients: int, seconds: int) -> float:
    path = Path(tempfile.mkstemp(suffix=".sql", prefix="opiekun-scale-")[1])
    path.write_text(script)
    db = settings.DATABASES["default"]
    done = subprocess.run(  # noqa: S603
        [
            shutil.which("pgbench") or "pgbench",
            "-n",
            "-f",
            str(path),
            "-c",
            str(clients),
            "-j",
            str(min(clients, 4)),
            "-T",
            str(seconds),
            "-h",
            db["HOST"] or "127.0.0.1",
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    path.unlink()
    found = re.search(r"tps = ([\d.]+)", done.stdout)
    assert found, done.stdout
    return float(found.group(1))
