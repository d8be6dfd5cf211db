"""The ticket page's assignment box and work-correction lines, as tags that build their
own context: the page includes each with one line and its view need not know them."""

from __future__ import annotations

from typing import Any

from django import template

from opiekun.console.assignment import box_context
from opiekun.console.corrections import line_context
from opiekun.console.intake import CallerTicketForm
from opiekun.tickets import worklogs

register = template.Library()


@register.inclusion_tag("console/_assignment.html", takes_context=True)
def assignment_box(context: template.Context) -> dict[str, Any]:
    return {
        **box_context(context["request"], context["ticket"]),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("console/_corrections.html", takes_context=True)
def work_corrections(context: template.Context) -> dict[str, Any]:
    ticket = context["ticket"]
    entries = list(
        ticket.work_logs.select_related("staff__user").prefetch_related("ledger_entries__bank")
    )
    return {
        "ticket": ticket,
        "lines": [line_context(work) for work in worklogs.folded(entries)],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("console/_caller_ticket.html", takes_context=True)
def caller_ticket(context: template.Context) -> dict[str, Any]:
    """The caller box's phone-ticket form, for the contact whose number rang."""
    phone = context["phone"]
    form = context.get("caller_form") or CallerTicketForm(
        phone.contact.organisation, initial={"contact": phone.contact.pk}, auto_id="call-%s"
    )
    return {
        "caller_form": form,
        "number": context.get("number", ""),
        "csrf_token": context.get("csrf_token"),
    }
