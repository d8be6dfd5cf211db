"""Issue 20: every page and job at N tickets, against the database's own limit.

Builds N tickets (100,000 by default, ``--tickets 1000000``) in a PostgreSQL database of
its own (opiekun_scale_<N>), in the shape the actions write (bench/scaledata.py); a
database already holding N tickets is reused, so a second run only measures
(``--rebuild`` drops it first, ``--drop`` drops it at the end). Then each operation of
the issue's table is timed server-side, in-process through Django's test Client with
DEBUG off (median of 5, after one warm-up call), next to hand-written SQL that reads the
same rows (median of 5, same connection). Ticket creation is measured over HTTP against
a gunicorn started here, at 1, 4 and 16 clients, next to pgbench running a script of
the same inserts at the same client counts.

Last line: scale: tickets=N worst_ratio=R create_ratio=C
(R: the largest opiekun/SQL ratio of the table; C: opiekun's tickets/s at 16 clients over
pgbench's transactions/s at 16 clients.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REPEATS = 5

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--tickets", type=int, default=100_000)
parser.add_argument("--organisations", type=int, default=2000)
parser.add_argument("--rebuild", action="store_true", help="drop and build the data again")
parser.add_argument("--drop", action="store_true", help="drop the database at the end")
parser.add_argument("--clients", default="1,4,16", help="client counts of the create test")
parser.add_argument("--seconds", type=int, default=10, help="length of each create run")
parser.add_argument(
    "--only",
    choices=["pages"],
    help="pages: time the pages only, on a database already built, writing nothing to it"
    " (read-only transactions, sessions in a signed cookie): safe on a shared database",
)
parser.add_argument("--database", help="the database's name (opiekun_scale_<N> if not given)")
parser.add_argument(
    "--create-only",
    action="store_true",
    help="measure ticket creation only (small data is enough for the create rate)",
)
ARGS = parser.parse_args()
DB = ARGS.database or f"opiekun_scale_{ARGS.tickets}" + (
    f"_{ARGS.organisations}" if ARGS.organisations != 2000 else ""
)

os.environ.update(
    DEBUG="false",  # as in production: no query log, compiled templates
    SECRET_KEY="bench-only-secret-key-bench-only-secret-key",  # noqa: S106
    OPIEKUN_SECRET_BOX_KEY="ess0cLwCy8781h9JVAEkDD_BeQnVcd64cVTkVnabClU=",  # noqa: S106
    DATABASE_URL=f"{PG}/{DB}",
    OPIEKUN_VAR_DIR=str(ROOT / "var" / "bench-scale"),
    ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    SECURE_SSL_REDIRECT="false",
    SESSION_COOKIE_SECURE="false",
    CSRF_COOKIE_SECURE="false",
    OTP_REQUIRED_FOR_MANAGERS="false",
    API_RATE_USER="10000000/min",  # the create test is not about the throttle
    CELERY_BROKER_URL="memory://",
    OPIEKUN_ALLOW_EMBEDDED="true",  # one process, no worker: tasks are not what is timed
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    DJANGO_SETTINGS_MODULE="opiekun.settings",
)
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402


def admin(sql: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def held_tickets() -> int | None:
    """N when the database holds a finished build, else None."""
    try:
        with psycopg.connect(f"{PG}/{DB}") as conn:
            return conn.execute("SELECT max(tickets) FROM bench_scale").fetchone()[0]  # type: ignore[index]
    except psycopg.Error:
        return None


if ARGS.only and held_tickets() != ARGS.tickets:
    sys.exit(f"--only {ARGS.only}: {DB} does not hold a finished build of {ARGS.tickets} tickets")
if ARGS.only:
    BUILD = False
elif ARGS.rebuild or held_tickets() != ARGS.tickets:
    admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB}"')
    BUILD = True
else:
    BUILD = False

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# No collectstatic here: pages name their static files without a manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if ARGS.only:
    # Nothing written: no session row, no last-login update, every transaction read-only.
    from django.contrib.auth.signals import user_logged_in

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c default_transaction_read_only=on"
    )
    user_logged_in.receivers = []

import scalecreate  # noqa: E402
import scaledata  # noqa: E402
import scaleops  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

if BUILD:
    scaledata.log(f"building {ARGS.tickets} tickets in {DB}")
    call_command("migrate", verbosity=0)
    scaledata.ORGANISATIONS = ARGS.organisations
    scaledata.build(ARGS.tickets)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
else:
    scaledata.log(f"reusing {DB}: it holds {ARGS.tickets} tickets")
    if not ARGS.only:  # --only writes nothing: the database must be migrated already
        call_command("migrate", verbosity=0)  # the data outlives the code that wrote it


def median_ms(call: object) -> float:
    times = []
    call()  # type: ignore[operator]  # warm-up: caches, plans
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


if ARGS.create_only:
    for clients, ours_rate, p95, pg_rate in scalecreate.create_rates(
        [int(c) for c in ARGS.clients.split(",")], ARGS.seconds
    ):
        print(
            f"create at {clients} clients: {ours_rate:.1f}/s (p95 {p95:.0f} ms),"
            f" pgbench {pg_rate:.0f}/s, ratio {ours_rate / pg_rate:.3f}"
        )
    sys.exit(0)

rows = []
for op in scaleops.operations():
    ours = median_ms(op.ours)
    theirs = median_ms(op.sql) if op.sql else None
    ratio = ours / theirs if theirs else None
    rows.append((op.name, ours, op.detail(), theirs, ratio))
    scaledata.log(f"{op.name}: {ours:.0f} ms" + (f", SQL {theirs:.1f} ms" if theirs else ""))

if ARGS.only:
    sweep_ms, sweep_queries, swept = 0.0, 0, 0
    creates: list[tuple[int, float, float, float]] = []
else:
    sweep_ms, sweep_queries, swept = scaleops.sweep_pass()
    creates = scalecreate.create_rates([int(c) for c in ARGS.clients.split(",")], ARGS.seconds)

print()
print(f"Scale benchmark, {ARGS.tickets:,} tickets (database {DB}), server-side medians of 5")
print()
print("| operation | opiekun (ms) | detail | hand-written SQL (ms) | ratio |")
print("|---|---:|---|---:|---:|")
for name, ours, detail, theirs, ratio in rows:
    sql = f"{theirs:.1f}" if theirs else "-"
    times = f"{ratio:.1f}x" if ratio else "-"
    print(f"| {name} | {ours:.0f} | {detail} | {sql} | {times} |")
if not ARGS.only:
    print(
        f"| SLA sweep pass ({swept} due tickets) | {sweep_ms:.0f} | {sweep_queries} queries"
        " | - | - |"
    )
for clients, ours_rate, p95, pg_rate in creates:
    ratio = ours_rate / pg_rate if pg_rate else 0
    print(
        f"| ticket create over the API, {clients} clients | {ours_rate:.0f}/s | p95 {p95:.0f} ms"
        f" | pgbench {pg_rate:.0f}/s | {ratio:.3f} |"
    )
print()
worst = max(r[4] for r in rows if r[4] is not None)
top = max(creates, key=lambda c: c[0]) if creates else (0, 0.0, 0.0, 0.0)
create_ratio = top[1] / top[3] if top[3] else 0.0
if ARGS.drop:
    connection.close()
    admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
print(f"scale: tickets={ARGS.tickets} worst_ratio={worst:.1f} create_ratio={create_ratio:.3f}")
