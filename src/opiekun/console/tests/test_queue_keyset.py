"""Keyset pages of the console queue (issue 20, item 2; ADR 33): "Next" and "Previous"
carry a cursor over the queue order with the id as tie-breaker, a cursor the queue did
not make is a 400 naming it (with the first page), and a page costs the same queries at
5 rows as at 50."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from opiekun.api.tests.test_keyset_pages import tied
from opiekun.console import queue as queue_page
from opiekun.console.tests.test_queue_page import client_for, references
from opiekun.testing.personas import Personas
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', html)
    return "/console/?" + found.group(1).replace("&amp;", "&") if found else None


def walk(client: Client, url: str | None, rel: str) -> list[list[str]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        pages.append(references(html))
        url = link(html, rel)
    return pages


def test_issue_20_item_2_next_and_previous_walk_the_queue_once_over_ties(
    contracted_personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = contracted_personas
    expected = [Ticket.objects.get(pk=pk).reference for pk in tied(p, 13)]
    monkeypatch.setattr(queue_page, "PAGE_SIZE", 4)
    agent = client_for(p, "agent")
    forward = walk(agent, "/console/?channel=email", "next")
    assert [r for page in forward for r in page] == expected
    assert [len(page) for page in forward] == [4, 4, 4, 1]
    last = agent.get("/console/?channel=email").content.decode()
    assert link(last, "prev") is None and "channel=email" in (link(last, "next") or "")
    # Back from the last page: the same pages in reverse, the filter kept.
    end = agent.get(walk_url(agent, "/console/?channel=email", 3)).content.decode()
    back = walk(agent, link(end, "prev"), "prev")
    assert back == list(reversed(forward[:-1]))


def walk_url(client: Client, url: str, steps: int) -> str:
    for _ in range(steps):
        url = link(client.get(url).content.decode(), "next") or ""
    return url


def test_issue_20_item_2_a_bad_cursor_is_a_400_naming_it_with_the_first_page(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    expected = [Ticket.objects.get(pk=pk).reference for pk in tied(p, 3)]
    agent = client_for(p, "agent")
    for cursor in ("x", "%00", "a" * 3000, "e30:1tampered:signature"):
        response = agent.get(f"/console/?cursor={cursor}")
        assert response.status_code == 400
        html = response.content.decode()
        assert "cursor: to nie jest kursor tej listy" in html  # the agent reads Polish
        assert references(html) == expected
    rows = agent.get(
        "/console/?cursor=x", headers={"hx-request": "true", "hx-target": "queue-rows"}
    )
    assert rows.status_code == 400


@pytest.mark.parametrize("who", ["customer_a", "outsider"])
def test_issue_20_item_2_only_staff_page_the_queue(contracted_personas: Personas, who: str) -> None:
    p = contracted_personas
    tied(p, 6)
    agent = client_for(p, "agent")
    following = link(agent.get("/console/").content.decode(), "next")
    assert following is None  # six rows: one page
    client = client_for(p, who)
    assert client.get("/console/?cursor=x").status_code == 404
    assert client.get("/console/?page=2").status_code == 404


def test_issue_20_item_2_a_queue_page_costs_the_same_queries_at_5_and_50_rows(
    contracted_personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    p = contracted_personas
    tied(p, 120)
    agent = client_for(p, "agent")
    agent.get("/console/")  # the session and the locale are loaded once
    counts = {}
    for size in (5, 50):
        monkeypatch.setattr(queue_page, "PAGE_SIZE", size)
        following = link(agent.get("/console/").content.decode(), "next")
        assert following is not None
        with django_assert_max_num_queries(20) as seen:
            html = agent.get(following).content.decode()
        assert len(references(html)) == size
        counts[size] = len(seen.captured_queries)
    assert counts[5] == counts[50]
