"""Issue 20, item 4: the hours report and the dashboards' hours read the monthly figures
the actions keep (reports.hours), with the figures the ledger and the work logs give:
the report's old ledger queries are kept below as the reference (R-HRS-4, R-HRS-5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opiekun.contracts import banks
from opiekun.contracts.models import HourBank, LedgerEntry
from opiekun.reports import hours, queries, tables
from opiekun.reports.models import BankMonth, CustomerMonth
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import WorkLog

pytestmark = pytest.mark.django_db


def ledger_by_customer(month: dt.date) -> list[tuple[str, int, int, int]]:
    """The dashboards' hours as read from the ledger before issue 20."""
    lo, hi = hours.bounds_of(month)
    found: dict[str, list[int]] = {}
    for row in (
        LedgerEntry.objects.filter(at__gte=lo, at__lt=hi)
        .exclude(bank__kind=HourBank.Kind.GUARANTEE)
        .values("bank__contract__organisation__name")
        .annotate(
            granted=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.GRANT)),
            used=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.USE)),
        )
    ):
        figures = found.setdefault(row["bank__contract__organisation__name"], [0, 0, 0])
        figures[0] += row["granted"] or 0
        figures[1] += -(row["used"] or 0)
    for row in (
        WorkLog.objects.filter(started_at__gte=lo, started_at__lt=hi, overage_minutes__gt=0)
        .values("ticket__organisation__name")
        .annotate(total=Sum("overage_minutes"))
    ):
        found.setdefault(row["ticket__organisation__name"], [0, 0, 0])[2] += row["total"]
    return sorted(
        ((name, *figures) for name, figures in found.items()),  # type: ignore[misc]
        key=lambda h: (-(h[2] + h[3]), h[0]),
    )


def ledger_columns(month: dt.date) -> dict[str, object]:
    """The hours report's month columns as read from the ledger before issue 20."""
    lo, hi = hours.bounds_of(month)
    by_bank = {
        row["bank"]: (row["granted"] or 0, -(row["used"] or 0))
        for row in LedgerEntry.objects.filter(at__gte=lo, at__lt=hi)
        .values("bank")
        .annotate(
            granted=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.GRANT)),
            used=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.USE)),
        )
    }
    extra = {
        row["ticket__organisation"]: (row["overage"] or 0, row["emergencies"] or 0)
        for row in WorkLog.objects.filter(started_at__gte=lo, started_at__lt=hi)
        .values("ticket__organisation")
        .annotate(
            overage=Sum("overage_minutes"),
            emergencies=Count("pk", filter=Q(emergency=True, out_of_hours=True)),
        )
    }
    return {"banks": by_bank, "extra": extra}


def kept_columns(month: dt.date) -> dict[str, object]:
    return {
        "banks": {m.bank_id: (m.granted, m.used) for m in BankMonth.objects.filter(month=month)},
        "extra": {
            m.organisation_id: (m.overage, m.emergencies)
            for m in CustomerMonth.objects.filter(month=month)
        },
    }


def a_month_of_work(p: Personas) -> dt.date:
    """Allotments, work within and beyond them, an out-of-hours emergency, a correction
    down (negative overage) and one up, on both customers, this month."""
    assert p.contract_a is not None and p.contract_b is not None
    month = timezone.localdate().replace(day=1)
    banks.ensure_month_banks(p.contract_b, month)
    b = actions.open_ticket(p.org_b, channel="phone", subject="B", contact=p.customer_b)
    remote = actions.log_work(b, staff=p.agent, kind="remote", raw_minutes=200)
    actions.log_work(b, staff=p.agent, kind="phone", raw_minutes=20)
    actions.correct_work(remote, raw_minutes=50, reason="Przerwa", staff=p.agent)
    a = actions.open_ticket(
        p.org_a, channel="phone", subject="A", contact=p.customer_a, severity="critical"
    )
    actions.log_work(a, staff=p.agent, kind="phone", raw_minutes=30, emergency=True)
    fix = actions.log_work(a, staff=p.agent, kind="remote", raw_minutes=45)
    actions.correct_work(fix, raw_minutes=90, reason="Dłużej", staff=p.agent)
    return month


def test_r_hrs_5_the_kept_figures_equal_the_ledgers(contracted_personas: Personas) -> None:
    month = a_month_of_work(contracted_personas)
    assert kept_columns(month) == ledger_columns(month)
    kept = [
        (h.organisation, h.included, h.used, h.overage) for h in queries.hours_by_customer(month)
    ]
    assert kept == ledger_by_customer(month)
    # Not a trivial month: B used its allotment and went beyond it.
    assert kept[0][0] == "Firma B" and kept[0][1] > 0 and kept[0][3] > 0


def test_the_hours_report_reads_the_kept_figures(contracted_personas: Personas) -> None:
    month = a_month_of_work(contracted_personas)
    before = tables.hours_report(month).rows
    # Were the report still reading the ledger, emptying the kept figures would not
    # change it.
    BankMonth.objects.update(granted=0, used=0)
    assert tables.hours_report(month).rows != before
    hours.recount_all()
    assert tables.hours_report(month).rows == before


def test_the_migration_backfills_the_months_written_before_it(
    contracted_personas: Personas,
) -> None:
    month = a_month_of_work(contracted_personas)
    expected = kept_columns(month)
    BankMonth.objects.all().delete()
    CustomerMonth.objects.all().delete()
    assert (
        hours.recount_all()
        == len(
            {(b, hours.month_of(at)) for b, at in LedgerEntry.objects.values_list("bank_id", "at")}
        )
        + CustomerMonth.objects.count()
    )
    assert kept_columns(month) == expected


def test_the_dashboards_hours_cost_the_same_queries_for_more_work(
    contracted_personas: Personas,
) -> None:
    month = a_month_of_work(contracted_personas)
    with CaptureQueriesContext(connection) as few:
        queries.hours_by_customer(month)
    b = actions.open_ticket(
        contracted_personas.org_b,
        channel="phone",
        subject="więcej",
        contact=contracted_personas.customer_b,
    )
    for _ in range(5):
        actions.log_work(b, staff=contracted_personas.agent, kind="phone", raw_minutes=10)
    with CaptureQueriesContext(connection) as many:
        queries.hours_by_customer(month)
    assert len(many) == len(few) == 2
