"""`{{ ticket.guarantee_note|for_reader }}`: a stored note in the reader's language."""

from __future__ import annotations

from django import template

from opiekun.tickets import notes

register = template.Library()
register.filter("for_reader", notes.for_reader)
