"""Searching articles: PostgreSQL full text (prefix queries over the folded text, ranked)
in production, the same stems as substrings on SQLite. Both take the stems of
``terms``, so a test on either database means the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from opiekun.core import terms
from opiekun.knowledge.models import Article

# A draft is flagged as a likely duplicate from this similarity of its words on.
SIMILAR_FROM = 0.3


def search(
    articles: QuerySet[Article], text: str, *, limit: int = 50, any_word: bool = False
) -> list[Article]:
    """Articles matching every stem of ``text`` (or any, for ``any_word``), best first."""
    wanted = terms.stems(text)
    if not wanted:
        return list(articles.order_by("-published_at", "-created_at")[:limit])
    if connection.vendor == "postgresql":
        joiner = " | " if any_word else " & "
        query = SearchQuery(
            joiner.join(f"'{s}':*" for s in wanted), search_type="raw", config="simple"
        )
        vector = SearchVector("search_text", config="simple")
        found = (
            articles.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "-published_at", "-pk")
        )
        return list(found[:limit])
    matches = [Q(search_text__contains=s) for s in wanted]
    candidates = list(articles.filter(reduce(or_ if any_word else and_, matches))[: limit * 4])

    def rank(article: Article) -> tuple[int, int, float]:
        title = article.title.casefold()
        return (terms.hits(title, wanted), terms.hits(article.search_text, wanted), article.pk)

    return sorted(candidates, key=rank, reverse=True)[:limit]


@dataclass(frozen=True)
class Similar:
    article: Article
    score: float


def similar(
    articles: QuerySet[Article], title: str, question: str = "", *, exclude: int | None = None
) -> list[Similar]:
    """Articles that probably answer the same question, most alike first: the warning
    shown before a second article on one subject is written."""
    text = f"{title}\n{question[:1000]}"
    mine = terms.stems(text)
    candidates = articles.exclude(pk=exclude) if exclude else articles
    found = []
    for article in search(candidates, text, limit=20, any_word=True):
        score = terms.similarity(mine, terms.stems(f"{article.title}\n{article.question[:1000]}"))
        if score >= SIMILAR_FROM:
            found.append(Similar(article, round(score, 2)))
    return sorted(found, key=lambda s: s.score, reverse=True)
