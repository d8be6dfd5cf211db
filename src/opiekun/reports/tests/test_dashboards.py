"""The console's dashboards: reaction-SLA compliance per plan and month, hours used
against included per customer, the backlog by age; each drawn from the table under it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.contracts import banks
from opiekun.reports import queries
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def tickets(p: Personas) -> dict[str, Ticket]:
    now = timezone.now()
    made = {
        name: actions.open_ticket(
            org,
            channel="email",
            subject=name,
            contact=contact,
            severity=severity,
            received_at=now - dt.timedelta(days=age),
        )
        # KJM care guarantees a reaction to a critical outage only (R-SLA-4, 2 h).
        for name, org, contact, severity, age in (
            ("met", p.org_a, p.customer_a, "critical", 0),
            ("late", p.org_a, p.customer_a, "critical", 10),
            ("pending", p.org_a, p.customer_a, "critical", 0),
            ("unguaranteed", p.org_a, p.customer_a, "normal", 2),
        )
    }
    actions.start_work(made["met"])
    return made


def test_sla_compliance_counts_met_breached_pending_and_no_guarantee(
    contracted_personas: Personas,
) -> None:
    made = tickets(contracted_personas)
    assert [t.guaranteed for t in made.values()] == [True, True, True, False]
    rows = queries.sla_compliance()
    per_plan: dict[str, list[int]] = {}
    for r in rows:
        sums = per_plan.setdefault(r.plan, [0, 0, 0, 0])
        for i, n in enumerate((r.met, r.breached, r.pending, r.no_guarantee)):
            sums[i] += n
    assert per_plan == {"KJM-CARE": [1, 1, 1, 1]}
    assert {r.month for r in rows} <= {
        timezone.localdate(t.received_at).replace(day=1) for t in made.values()
    }


def test_hours_used_against_included_per_customer(contracted_personas: Personas) -> None:
    p = contracted_personas
    assert p.contract_b is not None
    banks.ensure_month_banks(p.contract_b, timezone.localdate())  # 180 min (R-HRS-4)
    ticket = actions.open_ticket(p.org_b, channel="phone", subject="x", contact=p.customer_b)
    actions.log_work(ticket, staff=p.agent, kind="remote", raw_minutes=200)  # 210 billable
    rows = {h.organisation: h for h in queries.hours_by_customer(timezone.localdate())}
    assert (rows["Firma B"].included, rows["Firma B"].used, rows["Firma B"].overage) == (
        180,
        180,
        30,
    )


def test_backlog_by_age_and_status(contracted_personas: Personas) -> None:
    tickets(contracted_personas)
    statuses, rows = queries.backlog_by_age()
    by_age = {r.bucket: r for r in rows}
    assert [r.bucket for r in rows] == ["< 1 d", "1-3 d", "3-7 d", "7-30 d", "> 30 d"]
    assert by_age["< 1 d"].total == 2 and by_age["1-3 d"].total == 1
    assert by_age["7-30 d"].total == 1 and by_age["> 30 d"].total == 0
    assert "in_progress" in statuses and by_age["< 1 d"].by_status["in_progress"] == 1


def test_the_dashboard_page_carries_the_chart_tables_and_is_staff_only(
    contracted_personas: Personas,
) -> None:
    tickets(contracted_personas)
    agent = Client()
    agent.force_login(contracted_personas.user("agent"))
    page = agent.get("/console/dashboards/").content.decode()
    assert page.count('data-chart="') == 3 and "charts.js" in page
    assert 'data-v="1"' in page and "KJM-CARE" in page
    assert agent.get("/console/dashboards/?month=garbage").status_code == 200
    for who in ("customer_a", "customer_b", "outsider"):
        client = Client()
        client.force_login(contracted_personas.user(who))
        assert client.get("/console/dashboards/").status_code == 404, who


def test_r_sla_4_the_sla_report_gives_median_and_worst_reaction_in_working_minutes(
    contracted_personas: Personas,
) -> None:
    from zoneinfo import ZoneInfo

    from opiekun.reports import tables

    p = contracted_personas
    w = ZoneInfo("Europe/Warsaw")
    late_evening = actions.open_ticket(
        p.org_a,
        channel="email",
        subject="Awaria wieczorem",
        severity="critical",
        contact=p.customer_a,
        received_at=dt.datetime(2026, 10, 5, 21, 30, tzinfo=w),
    )
    # The critical clock runs 7:00-22:00 every day: 30 min that evening, 45 the next morning.
    actions.start_work(late_evening, at=dt.datetime(2026, 10, 6, 7, 45, tzinfo=w))
    quick = actions.open_ticket(
        p.org_a,
        channel="email",
        subject="Awaria w dzień",
        severity="critical",
        contact=p.customer_a,
        received_at=dt.datetime(2026, 10, 7, 10, 0, tzinfo=w),
    )
    actions.start_work(quick, at=dt.datetime(2026, 10, 7, 10, 20, tzinfo=w))
    actions.open_ticket(
        p.org_a,
        channel="email",
        subject="Pytanie",
        contact=p.customer_a,
        received_at=dt.datetime(2026, 10, 8, 10, 0, tzinfo=w),
    )
    table = tables.sla_report(dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    (row,) = table.rows
    assert row[:7] == ["KJM-CARE", "Firma A", "2026-10", 2, 0, 0, 1]
    assert row[7] == "plan gwarantuje reakcję tylko dla: awaria krytyczna (1)"  # in Polish
    assert row[8:10] == [48, 75]  # median of 75 and 20, the worst
    assert row[10:] == [0, None]  # no satisfaction ratings yet
    late_evening.refresh_from_db()
    assert tables.reaction_minutes(late_evening) == 75
