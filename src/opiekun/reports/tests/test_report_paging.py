"""The SLA and hours reports a page at a time (issue 20, item 4): a page is a slice of
the whole report's rows, the pages together are the whole report, and the totals over
all rows (one aggregate in SQL) stand on every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.contracts.models import HourBank
from opiekun.reports import paging, tables
from opiekun.reports.tests.conftest import OCTOBER
from opiekun.reports.tests.test_hours_kept import a_month_of_work
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


def number(cell: Any) -> int:
    return int(cell or 0)


def column_sums(rows: Sequence[Sequence[Any]], columns: range | list[int]) -> list[int]:
    return [sum(number(r[i]) for r in rows) for i in columns]


def test_issue_20_item_4_sla_pages_are_slices_of_the_whole_report_with_its_totals(
    office: Personas,
) -> None:
    whole = tables.sla_report(OCTOBER, OCTOBER).rows
    assert [r[1] for r in whole] == ["Firma A", "Firma B"]
    first = paging.sla_page(OCTOBER, OCTOBER, "1", size=1)
    second = paging.sla_page(OCTOBER, OCTOBER, "2", size=1)
    assert (first.count, first.pages, first.has_next, second.has_previous) == (2, 2, True, True)
    assert first.table.rows + second.table.rows == whole
    assert first.totals == second.totals
    assert first.totals[3:7] == column_sums(whole, range(3, 7))
    assert first.totals[10] == sum(number(r[10]) for r in whole)
    # Nonsense or a page past the end: the first or the last page, never an error.
    assert paging.sla_page(OCTOBER, OCTOBER, "abc", size=1).number == 1
    assert paging.sla_page(OCTOBER, OCTOBER, "999999999999", size=1).number == 2
    assert paging.sla_page(OCTOBER, OCTOBER, "9" * 40, size=1).number == 2
    empty = paging.sla_page(dt.date(2020, 1, 1), dt.date(2020, 1, 1), "3", size=1)
    assert (empty.number, empty.count, empty.table.rows) == (1, 0, [])


def test_issue_20_item_4_the_sla_totals_count_medians_and_ratings_over_all_rows(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    # KJM care guarantees a reaction to a critical outage (R-SLA-4): two reacted tickets.
    for subject in ("one", "two"):
        ticket = actions.open_ticket(
            p.org_a, channel="email", subject=subject, contact=p.customer_a, severity="critical"
        )
        actions.start_work(ticket)
    month = timezone.localdate().replace(day=1)
    whole = tables.sla_report(month, month).rows
    totals = paging.sla_totals(month, month, timezone.now())
    assert totals[3] == sum(number(r[3]) for r in whole) >= 2
    assert totals[9] == max(number(r[9]) for r in whole)
    assert totals[8] is not None and totals[11] is None  # none rated


def test_issue_20_item_4_hours_pages_keep_each_customers_figures_on_its_first_bank(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    month = a_month_of_work(p)
    assert p.contract_b is not None
    # A second bank of B (as a package would be): two rows of B, its figures on the first.
    HourBank.objects.create(
        contract=p.contract_b, kind="package", valid_from=timezone.now(), sale_key="paging"
    )
    whole = tables.hours_report(month).rows
    assert len(whole) >= 2, whole
    pages = [paging.hours_page(month, str(n), size=1) for n in range(1, len(whole) + 1)]
    assert [row for page in pages for row in page.table.rows] == whole
    totals = pages[0].totals
    assert all(page.totals == totals for page in pages)
    assert totals[2:5] == column_sums(whole, [2, 3, 4])
    assert totals[7:9] == column_sums(whole, [7, 8])
    assert HourBank.objects.exclude(kind="guarantee").count() >= len(whole)


def test_issue_20_item_4_the_report_page_shows_a_page_and_the_totals(
    office: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_ROWS", 1)
    agent = Client()
    agent.force_login(office.agent.user)
    query = {"from": "2026-10", "to": "2026-10"}
    first = agent.get("/console/reports/sla/", query).content.decode()
    second = agent.get("/console/reports/sla/", {**query, "page": "2"}).content.decode()
    assert "<td>Firma A</td>" in first and "<td>Firma B</td>" not in first
    assert "<td>Firma B</td>" in second and "<td>Firma A</td>" not in second
    assert "data-totals" in first and "data-totals" in second
    assert 'rel="next" href="?from=2026-10&amp;to=2026-10&amp;page=2"' in first
