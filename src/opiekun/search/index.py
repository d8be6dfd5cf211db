"""Keeps each ticket's search document in step with the ticket. Called inside the
action's transaction (through the tickets' signals), so a search right after the answer
commits finds it, and a rolled-back answer leaves no words behind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from opiekun.core import terms

# A document is words, not the text: a thread of long mails stays well within
# PostgreSQL's limit for one tsvector (1 MB) and a quick FTS5 row.
MAX_WORDS = 20_000
CHUNK = 500


def words(*parts: str) -> str:
    """The searchable words of ``parts``, folded, each once, in order of appearance."""
    found = dict.fromkeys(w for part in parts if part for w in terms.words(part))
    return " ".join(list(found)[:MAX_WORDS])


def head(ticket: Any) -> str:
    """The words of a ticket's own fields and its people's names."""
    return words(
        ticket.reference,
        ticket.subject,
        ticket.description,
        ticket.organisation.name,
        ticket.organisation.short_name,
        ticket.contact.full_name if ticket.contact_id else "",
    )


def opened(tickets: list[Any]) -> int:
    """The documents of tickets just opened, from the rows in hand: one insert, no read
    (issue 20, item 6). A ticket is opened before any message of it exists (the mail
    intake adds its message next, and ``customer_wrote`` refreshes the document then)."""
    from opiekun.search.models import TicketDocument

    TicketDocument.objects.bulk_create(
        [TicketDocument(ticket_id=t.pk, head=head(t), body="", public_body="") for t in tickets],
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["head", "body", "public_body"],
    )
    return len(tickets)


def refresh(ticket_ids: Iterable[int], *, models: Any = None) -> int:
    """Rebuilds the documents of ``ticket_ids``; ``models`` is the app registry (a
    migration passes its historical one). Returns how many were written."""
    if models is None:
        from django.apps import apps as models
    Ticket = models.get_model("tickets", "Ticket")
    Message = models.get_model("tickets", "Message")
    Document = models.get_model("search", "TicketDocument")
    ids = sorted(set(ticket_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        said: dict[int, list[str]] = defaultdict(list)
        public: dict[int, list[str]] = defaultdict(list)
        for ticket_id, direction, subject, text in (
            Message.objects.filter(ticket_id__in=chunk)
            .order_by("pk")
            .values_list("ticket_id", "direction", "subject", "body_text")
        ):
            said[ticket_id] += [subject, text]
            if direction != "note":
                public[ticket_id] += [subject, text]
        documents = [
            Document(
                ticket_id=t.pk,
                head=head(t),
                body=words(*said[t.pk]),
                public_body=words(*public[t.pk]),
            )
            for t in Ticket.objects.filter(pk__in=chunk).select_related("organisation", "contact")
        ]
        Document.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["ticket"],
            update_fields=["head", "body", "public_body"],
        )
        written += len(documents)
    return written


def rebuild(*, models: Any = None) -> int:
    """Every ticket's document, from scratch: after an upgrade, or a restore."""
    if models is None:
        from django.apps import apps as models
    Ticket = models.get_model("tickets", "Ticket")
    return refresh(Ticket.objects.values_list("pk", flat=True).iterator(), models=models)
