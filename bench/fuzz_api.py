"""Property-based fuzzing of the whole API (issue 13: no input gives a 5xx).

schemathesis generates calls for every operation of /api/v1/openapi.json, valid ones
and invalid ones, and sends them to the WSGI app in this process as two personas: a
staff member (the demo's ``agent``) and a customer (the demo's ``nowak``), each with a
bearer token. The data is the quick start's: ``preset load all`` and ``demo``, plus an
attachment, on a fresh database: SQLite by default, or PostgreSQL with
``--database-url postgres://postgres@127.0.0.1:5432/NAME`` (NAME is dropped and created
afresh, and dropped at the end). Path ids are drawn mostly from rows that exist, so the
calls reach the code behind the permission checks. A call answered 5xx is a server
error (schemathesis' ``not_a_server_error``); each is printed with a curl command.

  .venv/bin/python bench/fuzz_api.py [--examples 100] [--database-url URL]

Last line: fuzz_api: database=<vendor> staff_calls=<n> staff_server_errors=<n>
customer_calls=<n> customer_server_errors=<n>  (exit 1 when any server error)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=100, help="generated calls per operation and mode"
    )
    parser.add_argument("--database-url", default="", help="postgres://... (default: SQLite)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="opiekun-fuzz-"))
    url = options.database_url or f"sqlite:///{work}/opiekun.sqlite3"
    os.environ.update(
        DEBUG="false",  # as in production: errors as the API documents them
        SECRET_KEY="fuzz-only-secret-key-fuzz-only-secret-key",  # noqa: S106
        # Production requires its own key for stored secrets; any valid one serves here.
        OPIEKUN_SECRET_BOX_KEY="ZnV6ei1vbmx5LXNlY3JldC1ib3gta2V5LTMyLWJ5dGU=",  # noqa: S106
        # The calls come as fast as the machine allows: a 429 would end a path early.
        API_RATE_USER="1000000/min",
        API_RATE_ANON="1000000/min",
        # The calls are plain HTTP inside this process, as behind a TLS proxy.
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=url,
        OPIEKUN_VAR_DIR=str(work / "var"),
        MEDIA_ROOT=str(work / "media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="ERROR",  # every 4xx is expected; a 5xx is logged with its traceback
        DJANGO_SETTINGS_MODULE="opiekun.settings",
    )
    sys.path.insert(0, str(ROOT / "src"))
    postgres = url.startswith("postgres")
    if postgres:
        fresh_database(url)
    try:
        return run(options.examples, "postgresql" if postgres else "sqlite")
    finally:
        from django.db import connections

        connections.close_all()
        if postgres:
            fresh_database(url, create=False)
        shutil.rmtree(work, ignore_errors=True)


def fresh_database(url: str, *, create: bool = True) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres".replace("postgres://", "postgresql://", 1)) as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def run(examples: int, vendor: str) -> int:
    import logging

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from opiekun.api.tests.fuzzing import fuzz
    from opiekun.core import tokens
    from opiekun.customers.models import Organisation
    from opiekun.tickets import attachments
    from opiekun.tickets.models import Attachment, Ticket

    logging.getLogger("django.request").setLevel(logging.ERROR)  # 4xx are expected
    call_command("migrate", verbosity=0)
    call_command("preset", "load", "all", verbosity=0)
    call_command("demo", verbosity=0)
    users = get_user_model().objects
    staff, customer = users.get(username="agent"), users.get(username="nowak")
    for ticket in (
        Ticket.objects.filter(organisation=customer.contact.organisation).first(),
        Ticket.objects.exclude(organisation=customer.contact.organisation).first(),
    ):
        if ticket is not None:
            attachments.store(ticket, "log.txt", b"log", actor=None)
    ids = {
        "ticket_id": list(Ticket.objects.values_list("pk", flat=True)),
        "organisation_id": list(Organisation.objects.values_list("pk", flat=True)),
        "attachment_id": list(Attachment.objects.values_list("pk", flat=True)),
    }
    own = customer.contact.organisation
    # The customer's own rows three times over: mostly past the 404 others get.
    customer_ids = {
        "ticket_id": 3 * [t.pk for t in own.tickets.all()] + ids["ticket_id"],
        "organisation_id": 3 * [own.pk] + ids["organisation_id"],
        "attachment_id": 3
        * list(Attachment.objects.filter(ticket__organisation=own).values_list("pk", flat=True))
        + ids["attachment_id"],
    }
    print(
        f"{vendor}: {len(ids['ticket_id'])} tickets, {len(ids['organisation_id'])} "
        f"organisations, {len(ids['attachment_id'])} attachments; {examples} examples "
        "per operation and mode",
        flush=True,
    )
    summary = [f"database={vendor}"]
    failed = False
    for who, user, their_ids in (("staff", staff, ids), ("customer", customer, customer_ids)):
        headers = {"Authorization": f"Bearer {tokens.create_token(user, 'fuzz')[1]}"}
        started = time.monotonic()
        tally = fuzz(headers, their_ids, examples=examples)
        print(f"{tally.line(who)} in {time.monotonic() - started:.0f} s", flush=True)
        for error in tally.server_errors[:20]:
            print(f"  {error}")
        summary += [f"{who}_calls={tally.calls}", f"{who}_server_errors={len(tally.server_errors)}"]
        failed = failed or bool(tally.server_errors)
    print("fuzz_api: " + " ".join(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
