"""The search document of a ticket: its words, kept beside it so that a search is one
indexed lookup, not a join over every message. Written only by ``index.refresh``."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketDocument(models.Model):
    """``head``: reference, subject, question, organisation and contact, the words that
    rank first. ``body``: every message and note. ``public_body``: the same without the
    internal notes, searched for a customer. Words folded by ``core.terms``. On
    PostgreSQL a trigger keeps ``internal_vector`` (head+body) and ``public_vector``
    (head+public_body) and a GIN index covers each (migration 0002); on SQLite they stay
    empty and an FTS5 table over this one is kept in step by triggers (migration 0001)."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("ticket"),
    )
    head = models.TextField(_("head words"), blank=True)
    body = models.TextField(_("message words"), blank=True)
    public_body = models.TextField(_("words the customer sees"), blank=True)
    # Written by the database (PostgreSQL's trigger), never by the application.
    internal_vector = SearchVectorField(null=True, editable=False)
    public_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("ticket search document")
        verbose_name_plural = _("ticket search documents")

    def __str__(self) -> str:
        return f"search document of ticket {self.ticket_id}"
