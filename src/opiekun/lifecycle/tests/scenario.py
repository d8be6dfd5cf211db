"""A month of support on customer A's contract, through the real actions: a question by
portal with a file, an answer with a file, work logged, the ticket closed, the register
issued. Shared by the backup, retention and erasure tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from opiekun.reports import actions as report_actions
from opiekun.reports import register
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

PDF = b"%PDF-1.4 zrzut z kopii\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40


@dataclass
class Month:
    ticket: Ticket
    month: dt.date
    register_hashes: dict[str, str]
    issued_csv: bytes


def hashes(p: Personas, month: dt.date) -> dict[str, str]:
    """Every organisation's register hash of ``month``, as the system computes it now."""
    return {org.short_name: register.build(org, month).content_hash for org in (p.org_a, p.org_b)}


def a_month_of_support(p: Personas) -> Month:
    ticket = actions.open_ticket(
        p.org_a,
        channel="portal",
        subject="Błąd wydruku faktury",
        contact=p.customer_a,
    )
    actions.customer_message(
        ticket,
        contact=p.customer_a,
        body="Dzień dobry, tu Adam Klient (tel. 601 000 001, adam@a.example): wydruk się zawiesza.",
        channel="portal",
        files=[("zrzut.pdf", PDF)],
    )
    actions.answer(
        ticket,
        staff=p.agent,
        body="Panie Adamie, proszę zaktualizować sterownik, instrukcja w załączniku.",
        documentation_ref="DOC-7",
        files=[("instrukcja.png", PNG)],
    )
    actions.log_work(ticket, staff=p.agent, kind="remote", raw_minutes=25)
    actions.resolve(ticket)
    actions.close(ticket)
    month = timezone.localdate().replace(day=1)
    _made, data, _issued = report_actions.issue_register(p.org_a, month, "csv")
    return Month(Ticket.objects.get(pk=ticket.pk), month, hashes(p, month), data)
