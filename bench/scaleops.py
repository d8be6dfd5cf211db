"""The operations bench/scale.py times: each page or endpoint of issue 20's table through
Django's test Client (server side, in-process), with the hand-written SQL that reads the
same rows; the SLA sweep pass; ticket creation over HTTP next to pgbench."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import scaledata
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opiekun.customers.models import Organisation
from opiekun.staff.models import StaffMember
from opiekun.tickets import sweep
from opiekun.tickets.models import Ticket

ROOT = Path(__file__).resolve().parent.parent
QUEUE_ORDER = (
    "t.is_open DESC, t.pinned DESC, t.queue_priority DESC, t.queue_due_at, t.received_at, t.id"
)
ROW = (
    "SELECT t.id, t.reference, t.subject, t.status, t.severity, t.channel, t.received_at,"
    " t.reaction_due_at, o.name FROM tickets_ticket t"
    " JOIN customers_organisation o ON o.id = t.organisation_id"
)


@dataclass
class Op:
    name: str
    ours: Callable[[], Any]
    sql: Callable[[], Any] | None
    seen: dict[str, Any]

    def detail(self) -> str:
        kb = self.seen.get("bytes", 0) / 1024
        rows = self.seen.get("rows")
        return f"{kb:.0f} KB" + (f", {rows} rows" if rows is not None else "")


def dsn() -> str:
    db = settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"host={host} port={port} user={db['USER']} dbname={db['NAME']}"


def operations() -> list[Op]:
    staff = StaffMember.objects.select_related("user").get(user__username="bench-agent")
    client = Client()
    client.force_login(staff.user)
    raw = psycopg.connect(dsn(), autocommit=True)
    big = Organisation.objects.get(name=scaledata.BIG).pk
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    lo = timezone.make_aware(dt.datetime.combine(month, dt.time()))
    hi = timezone.make_aware(
        dt.datetime.combine((month + dt.timedelta(days=32)).replace(day=1), dt.time())
    )
    six = timezone.make_aware(
        dt.datetime.combine(
            (timezone.localdate().replace(day=1) - dt.timedelta(days=150)).replace(day=1), dt.time()
        )
    )

    def page(
        url: str, seen: dict[str, Any], rows: Callable[[bytes], int] | None = None
    ) -> Callable[[], Any]:
        def call() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            seen["bytes"] = len(response.content)
            if rows:
                seen["rows"] = rows(response.content)

        return call

    def sql(
        statements: list[str], *params: Any, limit: Callable[[], int] | None = None
    ) -> Callable[[], Any]:
        def call() -> None:
            for statement in statements:
                args = list(params)
                if limit is not None:
                    args.append(limit())
                raw.execute(statement, args).fetchall()  # type: ignore[arg-type]

        return call

    def items(content: bytes) -> int:
        return len(json.loads(content)["items"])

    def table_rows(content: bytes) -> int:
        return len(re.findall(rb"<tr[ >]", content)) - 1

    ops: list[Op] = []

    def add(
        name: str,
        url: str,
        rows: Callable[[bytes], int] | None,
        *statements: str,
        params: tuple[Any, ...] = (),
        limited: bool = False,
    ) -> None:
        seen: dict[str, Any] = {}
        ours = page(url, seen, rows)
        ours()
        limit = (lambda: max(seen.get("rows", 1), 1)) if limited else None
        ops.append(
            Op(
                name,
                ours,
                sql(list(statements), *params, limit=limit) if statements else None,
                seen,
            )
        )

    add(
        "console queue page (/console/)",
        "/console/",
        table_rows,
        f"{ROW} WHERE t.is_open ORDER BY {QUEUE_ORDER} LIMIT %s",
        limited=True,
    )
    add(
        "GET /api/v1/queue",
        "/api/v1/queue",
        items,
        f"{ROW} WHERE t.is_open ORDER BY {QUEUE_ORDER} LIMIT %s",
        limited=True,
    )
    add(
        "GET /api/v1/tickets (staff)",
        "/api/v1/tickets",
        items,
        f"{ROW} ORDER BY {QUEUE_ORDER} LIMIT %s",
        limited=True,
    )
    # A deep page (issue 20, item 2): the 51st page of 100, reached by the cursor of
    # the 50th's next link, next to the same rows by OFFSET in SQL.
    deep = client.get("/api/v1/tickets?limit=100&offset=4900").json()["next"]
    if deep:
        add(
            "GET /api/v1/tickets, row 5,000 on, by cursor",
            deep.partition("testserver")[2],
            items,
            f"{ROW} ORDER BY {QUEUE_ORDER} OFFSET 5000 LIMIT %s",
            limited=True,
        )
    for label, word in (("rare", scaledata.RARE), ("common", scaledata.COMMON)):
        add(
            f"search ?q= {label} word (API)",
            f"/api/v1/tickets?q={word}",
            items,
            f"{ROW} WHERE t.subject ILIKE %s OR t.reference ILIKE %s"
            " ORDER BY t.received_at DESC LIMIT %s",
            params=(f"%{word}%", f"%{word}%"),
            limited=True,
        )
    add(
        "SLA report, 6 months (/console/reports/sla/)",
        "/console/reports/sla/",
        table_rows,
        "SELECT p.code, o.name, date_trunc('month', t.received_at AT TIME ZONE 'Europe/Warsaw') m,"
        " count(*) FILTER (WHERE t.guaranteed AND t.reacted_at IS NOT NULL"
        " AND NOT t.reaction_breached),"
        " count(*) FILTER (WHERE t.guaranteed AND t.reaction_breached),"
        " count(*) FILTER (WHERE NOT t.guaranteed),"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY t.reaction_working_minutes),"
        " max(t.reaction_working_minutes), count(r.id), sum(r.score)"
        " FROM tickets_ticket t JOIN customers_organisation o ON o.id = t.organisation_id"
        " LEFT JOIN contracts_contract c ON c.id = t.contract_id"
        " LEFT JOIN catalog_plan p ON p.id = c.plan_id"
        " LEFT JOIN tickets_rating r ON r.ticket_id = t.id"
        " WHERE t.received_at >= %s GROUP BY 1, 2, 3",
        params=(six,),
    )
    add(
        "hours report (/console/reports/hours/)",
        f"/console/reports/hours/?period={month:%Y-%m}",
        table_rows,
        "SELECT bank_id, sum(minutes) FILTER (WHERE kind = 'grant'),"
        " sum(minutes) FILTER (WHERE kind = 'use')"
        " FROM contracts_ledgerentry WHERE at >= %s AND at < %s GROUP BY bank_id",
        "SELECT t.organisation_id, sum(w.overage_minutes) FROM tickets_worklog w"
        " JOIN tickets_ticket t ON t.id = w.ticket_id"
        " WHERE w.started_at >= %s AND w.started_at < %s"
        " GROUP BY 1",
        params=(lo, hi),
    )
    add(
        "register page of the big customer",
        f"/console/reports/register?organisation={big}&period={month:%Y-%m}",
        table_rows,
        "SELECT t.id, t.received_at, t.subject, m.body_text, m.created_at FROM tickets_ticket t"
        " JOIN tickets_message m ON m.ticket_id = t.id WHERE t.organisation_id = %s"
        " AND t.received_at >= %s AND t.received_at < %s ORDER BY t.received_at",
        params=(big, lo, hi),
    )
    add(
        "dashboards (/console/dashboards/)",
        "/console/dashboards/",
        None,
        "SELECT c.plan_id, date_trunc('month', t.received_at),"
        " count(*) FILTER (WHERE t.reaction_breached),"
        " count(*) FILTER (WHERE t.guaranteed) FROM tickets_ticket t LEFT JOIN contracts_contract c"
        " ON c.id = t.contract_id WHERE t.received_at >= %s GROUP BY 1, 2",
        "SELECT b.contract_id, sum(l.minutes) FROM contracts_ledgerentry l"
        " JOIN contracts_hourbank b"
        " ON b.id = l.bank_id WHERE l.at >= %s GROUP BY 1",
        "SELECT status, count(*) FROM tickets_ticket"
        " WHERE is_open AND received_at >= %s GROUP BY 1",
        params=(six,),
    )
    return ops


def sweep_pass() -> tuple[float, int, int]:
    """500 open tickets due now, one sweep pass: its time and its queries."""
    now = timezone.now()
    due = list(Ticket.objects.filter(is_open=True).values_list("pk", flat=True)[:500])
    Ticket.objects.filter(pk__in=due).update(next_check_at=now - dt.timedelta(minutes=1))
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        swept = sweep.sweep(now)
        elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, len(queries), swept
