"""Keyset pages of the API's ticket lists (issue 20, item 2; ADR 33): ``next`` and
``previous`` links carry a signed cursor over the queue order with the id as its
tie-breaker, a cursor the list did not make is a 400 naming it, the old ``limit`` and
``offset`` keep working, and a page costs the same queries at 5 rows as at 50."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.api.pagination import MAX_LIMIT
from opiekun.console.tests.test_queue_page import client_for, open_many
from opiekun.core import keyset
from opiekun.testing.personas import Personas
from opiekun.tickets.models import Ticket
from opiekun.tickets.queries import QUEUE_KEYS, QUEUE_ORDER

pytestmark = pytest.mark.django_db


def tied(p: Personas, count: int) -> list[int]:
    """``count`` open tickets, all arriving and due at the same moment (ties on every
    sort column but the id), two of them pinned, one of a higher priority: the pages
    cross from one run of the order's directions to the next. Their ids in queue order."""
    tickets = open_many(p, count)
    moment = timezone.now() - dt.timedelta(days=3)
    ids = [t.pk for t in tickets]
    # Test data shaped directly: the ties are what is tested, not the actions.
    Ticket.objects.filter(pk__in=ids).update(
        received_at=moment, queue_due_at=moment, pinned=False, queue_priority=1
    )
    Ticket.objects.filter(pk__in=ids[3:5]).update(pinned=True)
    Ticket.objects.filter(pk__in=ids[7:8]).update(queue_priority=5)
    return list(
        Ticket.objects.filter(pk__in=ids).order_by(*QUEUE_ORDER).values_list("pk", flat=True)
    )


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def walk(client: Client, url: str, key: str = "next") -> list[dict[str, Any]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        pages.append(response.json())
        url = local(pages[-1][key]) if pages[-1][key] else ""
    return pages


@pytest.mark.parametrize("path", ["/api/v1/queue", "/api/v1/tickets?status=open"])
def test_issue_20_item_2_next_and_previous_links_walk_every_ticket_once_over_ties(
    contracted_personas: Personas, path: str
) -> None:
    p = contracted_personas
    expected = tied(p, 23)
    agent = client_for(p, "agent")
    sep = "&" if "?" in path else "?"
    forward = walk(agent, f"{path}{sep}limit=5")
    seen = [item["id"] for page in forward for item in page["items"]]
    assert seen == expected  # the queue order, the id breaking ties; none twice
    assert [len(page["items"]) for page in forward] == [5, 5, 5, 5, 3]
    assert forward[0]["previous"] is None and forward[-1]["next"] is None
    assert all(page["count"] == 23 for page in forward)
    if path == "/api/v1/queue":
        # Positions run on across cursor pages, without counting again.
        assert [i["position"] for page in forward for i in page["items"]] == list(range(1, 24))
    # And back from the last page by the previous links: the same pages, in reverse.
    back = walk(agent, local(forward[-1]["previous"]), key="previous")
    assert [[i["id"] for i in page["items"]] for page in back] == [
        [i["id"] for i in page["items"]] for page in reversed(forward[:-1])
    ]
    # The filters stay on the links.
    assert parse_qs(urlsplit(forward[0]["next"]).query)["limit"] == ["5"]


def test_issue_20_item_2_limit_and_offset_keep_working_and_link_on_by_cursor(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    expected = tied(p, 12)
    agent = client_for(p, "agent")
    page = agent.get("/api/v1/queue?limit=4&offset=4").json()
    assert [i["id"] for i in page["items"]] == expected[4:8]
    assert [i["position"] for i in page["items"]] == [5, 6, 7, 8]
    following = agent.get(local(page["next"])).json()
    assert [i["id"] for i in following["items"]] == expected[8:12]
    assert [i["position"] for i in following["items"]] == [9, 10, 11, 12]
    assert "offset=0" in page["previous"]


def test_issue_20_item_2_a_ranked_search_is_paged_by_offset(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    open_many(p, 7, prefix="Drukarka nie drukuje")
    agent = client_for(p, "agent")
    first = agent.get("/api/v1/tickets?q=drukarka&limit=5").json()
    assert len(first["items"]) == 5 and "offset=5" in first["next"]
    rest = agent.get(local(first["next"])).json()
    assert len(rest["items"]) == 2 and rest["next"] is None
    assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in rest["items"])


def _next_cursor(client: Client) -> str:
    page = client.get("/api/v1/queue?limit=2").json()
    return parse_qs(urlsplit(page["next"]).query)["cursor"][0]


@pytest.mark.parametrize("path", ["/api/v1/queue", "/api/v1/tickets"])
def test_issue_20_item_2_a_cursor_the_list_did_not_make_is_a_400_naming_it(
    contracted_personas: Personas, path: str
) -> None:
    p = contracted_personas
    tied(p, 5)
    agent = client_for(p, "agent")
    good = _next_cursor(agent)
    other_list = keyset.Order("other", QUEUE_KEYS.keys)
    made_up = [
        "x",
        "%00",
        good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb"),  # tampered
        good[: len(good) // 2],  # cut short
        "a" * 5000,
        keyset.cursor(other_list, (True, False, 1, timezone.now(), timezone.now(), 1)),
        keyset.cursor(QUEUE_KEYS, (True, False, 1)),  # too few values
        keyset.cursor(QUEUE_KEYS, (True, False, "1", timezone.now(), timezone.now(), 1)),
        keyset.cursor(QUEUE_KEYS, (1, 0, 1, timezone.now(), timezone.now(), 1)),
        keyset.cursor(QUEUE_KEYS, (True, False, 1, "2026-01-01T00:00", timezone.now(), 1)),
        keyset.cursor(QUEUE_KEYS, (True, False, 1, "soon", timezone.now(), 1)),
        keyset.cursor(QUEUE_KEYS, (True, False, 1, timezone.now(), timezone.now(), 1), offset=-1),
    ]
    for cursor in made_up:
        response = agent.get(path, {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert response.json()["field"] == "cursor", cursor
    # The message is in the reader's language.
    polish = agent.get(path, {"cursor": "x"}, headers={"accept-language": "pl"}).json()
    assert polish["detail"] == "to nie jest kursor tej listy: zacznij od pierwszej strony"
    english = agent.get(path, {"cursor": "x"}, headers={"accept-language": "en"}).json()
    assert english["detail"] == "not a cursor of this list: start again from the first page"
    both = agent.get(path, {"cursor": good, "offset": "2"})
    assert both.status_code == 400 and both.json()["field"] == "offset"
    searched = agent.get("/api/v1/tickets", {"cursor": good, "q": "zgłoszenie drukarka"})
    assert searched.status_code == 400 and searched.json()["field"] == "cursor"
    assert agent.get(path, {"limit": MAX_LIMIT + 1}).status_code == 422


def test_issue_20_item_2_outsiders_get_404_and_customers_page_only_their_own(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    tied(p, 12)
    agent = client_for(p, "agent")
    cursor = _next_cursor(agent)
    outsider = client_for(p, "outsider")
    assert outsider.get("/api/v1/queue", {"cursor": cursor}).status_code == 404
    nothing = outsider.get("/api/v1/tickets", {"cursor": cursor})
    assert nothing.status_code in (200, 404)
    if nothing.status_code == 200:
        assert nothing.json()["items"] == [] and nothing.json()["next"] is None
    customer = client_for(p, "customer_a")
    assert customer.get("/api/v1/queue", {"cursor": cursor}).status_code == 404
    own = {t.pk for t in Ticket.objects.filter(organisation=p.org_a)}
    pages = walk(customer, "/api/v1/tickets?limit=2")
    seen = [i["id"] for page in pages for i in page["items"]]
    assert sorted(seen) == sorted(own) and len(seen) == len(set(seen))


@pytest.mark.parametrize("path", ["/api/v1/queue", "/api/v1/tickets"])
def test_issue_20_item_2_a_page_costs_the_same_queries_at_5_and_50_rows(
    contracted_personas: Personas, path: str, django_assert_max_num_queries: Any
) -> None:
    p = contracted_personas
    tied(p, 120)
    agent = client_for(p, "agent")
    agent.get(path)  # the session and the locale are loaded once
    counts = {}
    for size in (5, 50):
        first = agent.get(f"{path}?limit={size}").json()
        # Sign-in, count, the ids by the sort index, the rows: a page that crosses from
        # the pinned to the rest reads the ids twice.
        with django_assert_max_num_queries(10) as seen:
            page = agent.get(local(first["next"])).json()
        assert len(page["items"]) == size
        counts[size] = len(seen.captured_queries)
    assert counts[5] == counts[50]
