"""The PostgreSQL expressions searched and indexed: one definition, so the GIN indexes of
the migration are the very expressions the query uses (else PostgreSQL would not use
them). ``via`` is the path from the queried model: "" on the document itself,
"search_document__" from a ticket."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db.models import Expression

CONFIG = "simple"  # words are folded and stemmed by core.terms, not by PostgreSQL


def _vector(head: str, body: str) -> Expression:
    return SearchVector(head, weight="A", config=CONFIG) + SearchVector(
        body, weight="B", config=CONFIG
    )


def internal(via: str = "") -> Expression:
    """Everything an agent may see."""
    return _vector(f"{via}head", f"{via}body")


def public(via: str = "") -> Expression:
    """What the customer sees: no internal notes."""
    return _vector(f"{via}head", f"{via}public_body")
