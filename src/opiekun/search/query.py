"""Tickets matching a text, best first: every stem of the text must occur (as a word's
beginning: "drukark" finds "drukarki", "drukarkę"). PostgreSQL ranks by ts_rank over
the weighted vectors (subject and names weigh more than messages) when at most
``RANKED`` tickets match, newest first beyond that, SQLite by FTS5's bm25
with the same weights; both take the stems of ``core.terms``, so a test means the same
on either database."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from opiekun.core import terms
from opiekun.core.counting import limited_count
from opiekun.search import vectors
from opiekun.tickets.models import Ticket

FTS_TABLE = "search_ticketfts"
# bm25 weights of the FTS5 columns head, body, public_body: as PostgreSQL's A against B.
BM25 = "bm25(search_ticketfts, 10.0, 1.0, 1.0)"
# PostgreSQL ranks at most this many matches; a text matching more is shown newest first.
RANKED = 5_000


def matching(tickets: QuerySet[Ticket], text: str, *, public: bool = False) -> QuerySet[Ticket]:
    """``tickets`` narrowed to those matching ``text``, annotated with ``search_rank`` and
    ordered by it. ``public``: a customer's search, which never looks into internal
    notes. A text with no searchable word (too short, only common words) matches the
    reference or subject as typed."""
    wanted = terms.stems(text)
    if not wanted:
        plain = text.strip()
        return tickets.filter(Q(reference__icontains=plain) | Q(subject__icontains=plain))
    if connection.vendor == "postgresql":
        query = SearchQuery(
            " & ".join(f"'{s}':*" for s in wanted), search_type="raw", config=vectors.CONFIG
        )
        column = f"search_document__{vectors.column(public)}"
        matches = tickets.filter(**{column: query}).annotate(
            search_rank=SearchRank(F(column), query)
        )
        if limited_count(matches, RANKED) > RANKED:
            # A word in most documents: ranking them all is a sort of every match (1-2 s
            # at 100,000 tickets) for an order that says little; the newest come first,
            # which the primary key's index gives a page at a time.
            return matches.order_by("-pk")
        return matches.order_by("-search_rank", "-pk")
    columns = "{head public_body}" if public else "{head body}"
    match = f"{columns} : (" + " AND ".join(f'"{s}"*' for s in wanted) + ")"
    # Only constants are formatted in; the text typed goes in as a parameter. Correlated
    # on the outer ticket's id; bm25 is lower for better, hence the minus.
    rank = RawSQL(  # noqa: S611
        f"SELECT -{BM25} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        f' AND rowid = "{Ticket._meta.db_table}"."id"',
        (match,),
    )
    found = RawSQL(  # noqa: S611
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        (match,),
    )
    return (
        tickets.filter(pk__in=found)
        .annotate(search_rank=rank)
        .order_by(F("search_rank").desc(), "-pk")
    )


def ranked(tickets: QuerySet[Ticket]) -> bool:
    """Whether ``matching`` ordered ``tickets`` by rank (a text with searchable words)
    rather than leaving the queue order (a reference or subject as typed)."""
    return "search_rank" in tickets.query.annotations
