"""The PostgreSQL side of the search: each document keeps its two weighted vectors in
columns, computed by a trigger from its words (migration 0002), so ranking reads the
stored vectors instead of parsing every matching document again. The columns' names and
the trigger's expressions live here, one definition for the migration and the query."""

from __future__ import annotations

CONFIG = "simple"  # words are folded and stemmed by core.terms, not by PostgreSQL

INTERNAL = "internal_vector"  # head (weight A) and every message and note (B)
PUBLIC = "public_vector"  # head (A) and what the customer sees (B): no internal notes


def _weighted(head: str, body: str) -> str:
    return (
        f"setweight(to_tsvector('{CONFIG}', coalesce(NEW.{head}, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(NEW.{body}, '')), 'B')"
    )


TRIGGER_BODY = (
    f"NEW.{INTERNAL} := {_weighted('head', 'body')}; "
    f"NEW.{PUBLIC} := {_weighted('head', 'public_body')}; RETURN NEW;"
)


def column(public: bool) -> str:
    """The stored vector a search reads: a customer's never looks into internal notes."""
    return PUBLIC if public else INTERNAL
