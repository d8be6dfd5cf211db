"""The queue page (issue 15, items 3, 7, 9): resolved and closed tickets by the status
filter, pages of a fixed size with a constant number of queries, tags on the rows and as
a filter, the rows alone for htmx's 20-second refresh, saved views private to their owner."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opiekun.console.queue import PAGE_SIZE
from opiekun.core.models import AuditEvent
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.actions import TicketSpec
from opiekun.tickets.models import SavedView, Ticket

pytestmark = pytest.mark.django_db


def client_for(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def open_many(p: Personas, count: int, prefix: str = "Zgłoszenie") -> list[Ticket]:
    specs = [
        TicketSpec(
            p.org_a if n % 2 else p.org_b,
            "email",
            f"{prefix} {n}",
            "",
            None,
            "normal",
            None,
            False,
            {},
            None,
        )
        for n in range(count)
    ]
    return actions.open_tickets(specs)


def references(html: str) -> list[str]:
    return re.findall(r'<a href="/console/tickets/\d+/">([^<]+)</a>', html)


def test_resolved_and_closed_tickets_are_reached_by_the_status_filter(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    done = actions.open_ticket(p.org_a, channel="email", subject="Już rozwiązane")
    actions.resolve(done)
    shut = actions.open_ticket(p.org_a, channel="email", subject="Dawno zamknięte")
    actions.close(shut)
    actions.open_ticket(p.org_a, channel="email", subject="Wciąż otwarte")
    agent = client_for(p, "agent")
    plain = agent.get("/console/").content.decode()
    assert "Wciąż otwarte" in plain and "Już rozwiązane" not in plain
    resolved = agent.get("/console/?status=resolved").content.decode()
    assert "Już rozwiązane" in resolved and "Wciąż otwarte" not in resolved
    closed = agent.get("/console/?status=closed").content.decode()
    assert "Dawno zamknięte" in closed and "Już rozwiązane" not in closed


def test_pages_have_a_fixed_size_and_links_that_keep_the_filters(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    open_many(p, PAGE_SIZE + 5)
    agent = client_for(p, "agent")
    first = agent.get("/console/?channel=email").content.decode()
    second = agent.get("/console/?channel=email&page=2").content.decode()
    assert len(references(first)) == PAGE_SIZE and len(references(second)) == 5
    assert not set(references(first)) & set(references(second))
    # The next page's link keeps the filters and carries a cursor (issue 20, item 2);
    # an older link's page number still reaches the same rows.
    link = re.search(r'href="\?([^"]*)" rel="next"', first)
    assert link is not None and "channel=email" in link.group(1) and "cursor=" in link.group(1)
    following = agent.get("/console/?" + link.group(1).replace("&amp;", "&")).content.decode()
    assert references(following) == references(second)
    # A page past the end or a word shows a page, never an error.
    assert agent.get("/console/?page=99").status_code == 200
    assert agent.get("/console/?page=x%00").status_code == 200


def _queries_for_a_page(p: Personas, tickets: list[Ticket]) -> int:
    for ticket in tickets[:: max(1, len(tickets) // 40)]:
        actions.add_tags(ticket, ["pilne", f"t{ticket.pk % 3}"])
    agent = client_for(p, "agent")
    agent.get("/console/")  # the session and the locale are loaded once
    with CaptureQueriesContext(connection) as queries:
        html = agent.get("/console/").content.decode()
    assert len(references(html)) == PAGE_SIZE
    assert "pilne" in html  # the tags are on the rows
    return len(queries)


def test_a_queue_page_costs_the_same_queries_with_50_and_500_tickets(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    at_50 = _queries_for_a_page(p, open_many(p, 50))
    at_500 = _queries_for_a_page(p, open_many(p, 450, "Więcej"))
    assert at_50 == at_500
    # And no query per row: with a fixed page size a per-row query would cost the same at
    # 50 and 500 tickets, so the count must also stay well below the page size.
    assert at_50 < 20, at_50


def test_tags_show_on_rows_and_filter_the_queue(contracted_personas: Personas) -> None:
    p = contracted_personas
    vat = actions.open_ticket(p.org_a, channel="email", subject="Korekta VAT")
    actions.open_ticket(p.org_a, channel="email", subject="Drukarka")
    actions.set_tags(vat, ["Faktury"])
    page = client_for(p, "agent").get("/console/?tag=FAKTURY").content.decode()
    assert "Korekta VAT" in page and "Drukarka" not in page and ">Faktury</a>" in page


def test_the_rows_alone_answer_htmx_refresh_and_keep_filters_and_page(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    open_many(p, PAGE_SIZE + 1)
    agent = client_for(p, "agent")
    full = agent.get("/console/?channel=email&page=2").content.decode()
    assert 'hx-trigger="every 20s"' in full
    assert 'hx-get="/console/?channel=email&amp;page=2"' in full
    rows = agent.get(
        "/console/?channel=email&page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-rows"
    ).content.decode()
    assert rows.startswith("<tbody") and "<html" not in rows and len(references(rows)) == 1


def test_a_saved_view_is_listed_reopens_its_filters_and_is_private(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    agent = client_for(p, "agent")
    response = agent.post(
        "/console/queue/views/save",
        {"name": "Zamknięte maile", "query": "status=closed&channel=email&page=3&evil=1"},
    )
    saved = SavedView.objects.get(owner=p.agent)
    assert saved.filters == {"status": "closed", "channel": "email"}
    assert response["Location"] == "/console/?status=closed&channel=email"
    assert AuditEvent.objects.filter(kind="saved_view.saved").exists()
    assert "Zamknięte maile" in agent.get("/console/").content.decode()
    colleague = client_for(p, "account_manager")
    assert "Zamknięte maile" not in colleague.get("/console/").content.decode()
    assert colleague.post(f"/console/queue/views/{saved.pk}/delete").status_code == 404
    assert SavedView.objects.filter(pk=saved.pk).exists()
    agent.post(f"/console/queue/views/{saved.pk}/delete")
    assert not SavedView.objects.filter(pk=saved.pk).exists()


def test_a_saved_view_needs_a_name(contracted_personas: Personas) -> None:
    agent = client_for(contracted_personas, "agent")
    agent.post("/console/queue/views/save", {"name": "  ", "query": "status=closed"})
    assert not SavedView.objects.exists()
