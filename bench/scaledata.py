"""The data set of bench/scale.py: N tickets on PostgreSQL in the shape the actions write.

The catalogue (`preset load all`), an agent and 2,000 organisations with contracts on the
seed plans are made through the real actions. Then one template ticket goes through the
real actions too (opened by e-mail, answered, replied to by the customer, worked on,
resolved, closed), and every other row is a copy of the template's rows made by
``INSERT ... SELECT ... generate_series`` in the database: tickets over three years (5 %
open, the newest), their messages, work logs, ledger entries and audit events, monthly
hour banks per contract with their grants. Columns the copy does not set take the
template's value, so a column added by a later migration still gets a real value; only
columns the database computes (generated, identity) are left to it.

The template's words are replaced by words drawn from a small vocabulary, so a search
for a common word matches many tickets and one for RARE matches one in 10,000."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.core import batch
from opiekun.core.models import AuditEvent
from opiekun.customers import actions as customer_actions
from opiekun.customers.models import Organisation
from opiekun.reports import hours
from opiekun.search import index
from opiekun.staff import actions as staff_actions
from opiekun.tickets import actions, clocks
from opiekun.tickets.models import Message, Ticket, WorkLog

ORGANISATIONS = 2000
YEARS = 3
OPEN_SHARE = 20  # one ticket in 20 is open
BIG = "Wielki Klient"  # organisation 0 writes one ticket in 20: the big customer
RARE = "ksylofon"  # one ticket in 10,000 has it in its subject
COMMON = "faktura"  # in about one subject in 6
WORDS = [
    COMMON,
    "drukarka",
    "licencja",
    "kadry",
    "płace",
    "serwer",
    "raport",
    "błąd",
    "eksport",
    "wydruk",
    "JPK",
    "bilans",
    "magazyn",
    "zamknięcie",
    "roku",
    "aktualizacja",
    "baza",
    "kopia",
    "hasło",
    "uprawnienia",
    "deklaracja",
    "przelew",
    "księgowanie",
    "kontrahent",
]
SEVERITIES = ["normal", "normal", "normal", "high", "low", "critical"]
PASSWORD = "bench-scale-password"  # noqa: S105


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def columns(table: str) -> list[str]:
    """The columns an INSERT may set: not the identity, not the generated ones."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " AND is_identity = 'NO' AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cur.fetchall()]


def copy(table: str, overrides: dict[str, str], source: str, params: list[Any]) -> int:
    """INSERT INTO table SELECT each column from ``src`` (the template's row), or its
    override, FROM ``source`` (which names the template's row ``src``)."""
    names = columns(table)
    select = ", ".join(overrides.get(name, f"src.{name}") for name in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} ({quoted}) SELECT {select} {source}", params)
        return cur.rowcount


def words(seed: str, count: int) -> str:
    """A SQL expression of ``count`` vocabulary words picked by hashing ``seed``."""
    array = "ARRAY[" + ", ".join(f"'{w}'" for w in WORDS) + "]"
    return " || ' ' || ".join(
        f"({array})[1 + abs(hashint4(({seed})::int * {7 + 13 * i})) %% {len(WORDS)}]"
        for i in range(count)
    )


def people() -> tuple[Any, list[int]]:
    """The catalogue, an agent and the 2,000 organisations, through the actions."""
    call_command("preset", "load", "all", verbosity=0)
    agent = staff_actions.create_staff_member(
        "bench-agent",
        full_name="Agata Bench",
        email="agent@bench.example",
        password=PASSWORD,
        roles=("agent", "account_manager", "manager"),
    )
    plans = list(Plan.objects.filter(guaranteed_monthly_minutes__isnull=False).order_by("code"))
    plans = plans or list(Plan.objects.order_by("code"))
    starts = (timezone.localdate() - dt.timedelta(days=365 * YEARS + 31)).replace(day=1)
    template_plan = Plan.objects.get(code="SHIP-START")
    ids = []
    for i in range(ORGANISATIONS):
        name = BIG if i == 0 else f"Klient {i:04d}"
        org = customer_actions.create_organisation(name, f"klient-{i:04d}", account_manager=agent)
        # The single point of contact may draw on the hour package (R-PPL-2).
        customer_actions.add_contact(
            org,
            f"Kontakt {i:04d}",
            emails=[f"k{i}@c{i}.example"],
            single_point_of_contact=True,
        )
        plan = template_plan if i == 0 else plans[i % len(plans)]
        contract_actions.record_active_contract(org, plan, number=f"S/{i}", starts_on=starts)
        ids.append(org.pk)
        if i % 250 == 0:
            log(f"organisations: {i}/{ORGANISATIONS}")
    return agent, ids


def template(agent: Any) -> Ticket:
    """One ticket through the real actions: the shape every copy takes."""
    org = Organisation.objects.get(name=BIG)
    contact = org.contacts.get()
    contract = Contract.objects.get(organisation=org)
    banks.ensure_month_banks(contract, timezone.localdate())
    ticket = actions.open_ticket(
        org, channel="portal", subject="Szablon", contact=contact, description="Pytanie"
    )
    actions.start_work(ticket)
    actions.answer(ticket, staff=agent, body="Odpowiedź", channel="portal")
    actions.customer_message(ticket, contact=contact, body="Nie działa", channel="portal")
    actions.answer(ticket, staff=agent, body="Poprawione", channel="portal")
    actions.log_work(ticket, staff=agent, kind="remote", raw_minutes=40)
    actions.resolve(ticket)
    actions.close(ticket)
    ticket.refresh_from_db()
    return ticket


def tickets(n: int, tpl: Ticket) -> None:
    """N tickets copied from the template, newest first: g = 1 is now, g = n three years ago."""
    span = YEARS * 365 * 24 * 3600 / n
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_org")
        # Table names come from the models, not from input.
        cur.execute(
            "CREATE TABLE bench_org AS SELECT row_number() OVER (ORDER BY o.id) - 1 AS idx,"  # noqa: S608
            " o.id AS organisation_id, c.id AS contract_id, p.queue_priority"
            f" FROM {Organisation._meta.db_table} o"
            f" JOIN {Contract._meta.db_table} c ON c.organisation_id = o.id"
            f" JOIN {Plan._meta.db_table} p ON p.id = c.plan_id"
        )
        cur.execute("CREATE UNIQUE INDEX ON bench_org (idx)")
    received = f"(now() - make_interval(secs => g * {span}))"
    is_open = f"g <= {n // OPEN_SHARE}"
    status = (
        f"CASE WHEN {is_open} THEN (ARRAY['new', 'in_progress', 'waiting_customer'])"
        "[1 + g %% 3] ELSE 'closed' END"
    )
    reacted = (
        f"CASE WHEN {is_open} AND g %% 3 = 1 THEN NULL ELSE {received} + interval '47 min' END"
    )
    overrides = {
        "reference": "'S-' || g",
        "organisation_id": "b.organisation_id",
        "contract_id": "b.contract_id",
        "queue_priority": "b.queue_priority",
        "subject": words("g", 3) + f" || CASE WHEN g %% 10000 = 7 THEN ' {RARE}' ELSE '' END",
        "description": words("g + 1", 12),
        "severity": f"(ARRAY{SEVERITIES!r}::text[])[1 + g %% {len(SEVERITIES)}]",
        "status": status,
        "received_at": received,
        "clock_starts_at": received,
        "created_at": received,
        "updated_at": received,
        "reaction_due_at": f"{received} + interval '8 hours'",
        "queue_due_at": f"{received} + interval '8 hours'",
        "warn_at": f"{received} + interval '6 hours'",
        "ack_due_at": "NULL",
        "acknowledged_at": "NULL",
        "reacted_at": reacted,
        "answered_at": reacted,
        "reaction_breached": "g %% 11 = 0",
        # Three in four carry a guaranteed reaction (the template, a portal question on
        # SHIP-START, carries none: R-SLA-5), so the SLA report has medians to compute.
        "guaranteed": "g %% 4 <> 0",
        "guarantee_note": "CASE WHEN g %% 4 <> 0 THEN '' ELSE src.guarantee_note END",
        "resolved_at": f"CASE WHEN {is_open} THEN NULL ELSE {received} + interval '3 hours' END",
        "closed_at": f"CASE WHEN {is_open} THEN NULL ELSE {received} + interval '3 days' END",
        "next_check_at": f"CASE WHEN {is_open} THEN {received} + interval '8 hours' END",
        "pinned": "false",
    }
    made = copy(
        Ticket._meta.db_table,
        overrides,
        f"FROM {Ticket._meta.db_table} src, generate_series(1, %s) g"
        " JOIN bench_org b ON b.idx = CASE WHEN g %% 20 = 1 THEN 0"
        f" ELSE 1 + g %% {ORGANISATIONS - 1} END WHERE src.id = %s",
        [n - 1, tpl.pk],
    )
    log(f"tickets: {made}")
    reactions(tpl)


def reactions(tpl: Ticket) -> None:
    """The kept reaction minutes, counted by the clock actions' own code."""
    reacted = Ticket.objects.filter(pk__gt=tpl.pk, reacted_at__isnull=False).select_related(
        "contract__plan"
    )
    last = tpl.pk
    with batch.batch():
        while chunk := list(reacted.filter(pk__gt=last).order_by("pk")[:5000]):
            for ticket in chunk:
                clocks.record_reaction(ticket)
            Ticket.objects.bulk_update(chunk, ["reaction_working_minutes", "reaction_calendar"])
            last = chunk[-1].pk
    log("reaction minutes counted")


def children(tpl: Ticket) -> None:
    """Messages, work logs, ledger entries and audit events of every copied ticket."""
    new = f"JOIN {Ticket._meta.db_table} t ON t.id > %s"
    shift = "t.received_at + (src.{col} - tpl.received_at)"
    tpl_join = f"JOIN {Ticket._meta.db_table} tpl ON tpl.id = %s"
    made = copy(
        Message._meta.db_table,
        {
            "ticket_id": "t.id",
            "body_text": words("t.id + src.id", 30),
            "message_id": "CASE WHEN src.message_id IS NULL THEN NULL"
            " ELSE 'bench-' || t.id || '-' || src.id END",
            "created_at": shift.format(col="created_at"),
            "updated_at": shift.format(col="created_at"),
            "sent_at": shift.format(col="sent_at"),
        },
        f"FROM {Message._meta.db_table} src {tpl_join} {new} WHERE src.ticket_id = %s",
        [tpl.pk, tpl.pk, tpl.pk],
    )
    log(f"messages: {made}")
    made = copy(
        WorkLog._meta.db_table,
        {
            "ticket_id": "t.id",
            "started_at": shift.format(col="started_at"),
            "created_at": shift.format(col="created_at"),
            "updated_at": shift.format(col="created_at"),
        },
        f"FROM {WorkLog._meta.db_table} src {tpl_join} {new} WHERE src.ticket_id = %s",
        [tpl.pk, tpl.pk, tpl.pk],
    )
    log(f"work logs: {made}")
    hour_banks(tpl)
    made = copy(
        AuditEvent._meta.db_table,
        {
            "subject_id": "t.id::text",
            "organisation_id": "t.organisation_id",
            "at": shift.format(col="at"),
        },
        f"FROM {AuditEvent._meta.db_table} src {tpl_join} {new}"
        " WHERE src.subject_type = 'tickets.ticket' AND src.subject_id = %s",
        [tpl.pk, tpl.pk, str(tpl.pk)],
    )
    log(f"audit events: {made}")
    log(f"monthly hour figures: {hours.recount_all()}")
    # The search documents through the real code: the words are folded in Python.
    ids = list(Ticket.objects.filter(pk__gt=tpl.pk).values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), 20_000):
        index.refresh(ids[start : start + 20_000])
        log(f"search documents: {min(start + 20_000, len(ids))}/{len(ids)}")


def hour_banks(tpl: Ticket) -> None:
    """Per contract and month of the three years, a copy of the template's bank and its
    grant; each work log draws from its contract's bank of the month, as the template's
    did."""
    bank_table, ledger = HourBank._meta.db_table, LedgerEntry._meta.db_table
    use = LedgerEntry.objects.filter(work_log__ticket=tpl).select_related("bank").first()
    if use is None:
        log("the template's work drew on no bank: no ledger copied")
        return
    month = "date_trunc('month', m)"
    made = copy(
        bank_table,
        {
            "contract_id": "b.contract_id",
            "valid_from": month,
            "expires_at": f"{month} + interval '1 month'",
            "closed_at": f"CASE WHEN m < date_trunc('month', now()) THEN {month}"
            " + interval '1 month' END",
            "created_at": month,
            "updated_at": month,
        },
        f"FROM {bank_table} src, bench_org b, generate_series(now() - interval '{YEARS} years',"
        " now() - interval '1 month', interval '1 month') m WHERE src.id = %s",
        [use.bank_id],
    )
    log(f"hour banks: {made}")
    copy(
        ledger,
        {"bank_id": "nb.id", "at": "nb.valid_from"},
        f"FROM {ledger} src JOIN {bank_table} nb ON nb.id > %s WHERE src.bank_id = %s"
        f" AND src.kind = '{LedgerEntry.Kind.GRANT}'",
        [use.bank_id, use.bank_id],
    )
    made = copy(
        ledger,
        {"bank_id": "nb.id", "work_log_id": "w.id", "at": "w.started_at"},
        f"FROM {ledger} src JOIN {WorkLog._meta.db_table} w ON w.ticket_id > %s"
        f" JOIN {Ticket._meta.db_table} t ON t.id = w.ticket_id"
        f" JOIN {bank_table} nb ON nb.contract_id = t.contract_id AND nb.kind = %s"
        " AND nb.valid_from = date_trunc('month', w.started_at) WHERE src.id = %s",
        [tpl.pk, use.bank.kind, use.pk],
    )
    log(f"ledger uses: {made}")


def build(n: int) -> None:
    started = time.monotonic()
    agent, _ids = people()
    tpl = template(agent)
    log(f"template ticket {tpl.reference}: {time.monotonic() - started:.0f} s")
    tickets(n, tpl)
    children(tpl)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_org")
        cur.execute("CREATE TABLE IF NOT EXISTS bench_scale (tickets integer)")
        cur.execute("INSERT INTO bench_scale VALUES (%s)", [n])
    log(f"built {n} tickets in {time.monotonic() - started:.0f} s")
