"""`{{ ticket.guarantee_note|for_reader }}` and `{{ ticket.sla_explanation|lines_for_reader }}`:
stored notes and explanations in the reader's language."""

from __future__ import annotations

from django import template

from opiekun.tickets import notes

register = template.Library()
register.filter("for_reader", notes.for_reader)
register.filter("lines_for_reader", notes.lines_for_reader)
