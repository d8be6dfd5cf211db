"""A ticket's history for the agents (the console's timeline and the API's
GET /tickets/{id}/history): its audit trail, one readable line per event in the reader's
language, and the fate of each e-mail the desk sent (delivered or failed, and which
failed one can be sent again: the message row is where delivery is recorded)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from opiekun.catalog.choices import Channel, Severity
from opiekun.core.audit import events_for
from opiekun.tickets.models import Message, Ticket


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str  # the audit event's kind, or mail.delivered / mail.failed
    who: str
    label: str
    detail: str = ""
    failed_message: int | None = None  # the e-mail that can be sent again


def _moment(value: Any) -> str:
    """A moment stored as ISO text, shown in the desk's zone."""
    parsed = parse_datetime(str(value)) if value else None
    return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M") if parsed else ""


def _channel(value: Any) -> str:
    try:
        return str(Channel(value).label)
    except ValueError:
        return str(value or "")


def _severity(value: object) -> str:
    try:
        return str(Severity(str(value)).label)
    except ValueError:
        return str(value or "")


def _work(d: dict[str, Any]) -> str:
    return _("%(raw)s min logged, %(billable)s min billable") % {
        "raw": d.get("raw", "?"),
        "billable": d.get("billable", "?"),
    }


def _recomputed(d: dict[str, Any]) -> str:
    before, after = _moment(d.get("before")) or "—", _moment(d.get("after")) or "—"
    return f"{before} → {after} ({d.get('reason', '')})"


def _assignee(d: dict[str, Any]) -> str:
    return str(d.get("assignee_name") or d.get("assignee") or "")


Describe = Callable[[dict[str, Any]], str]

# The ticket's audit kinds, with a line of detail from the event's data where it helps.
LABELS: dict[str, tuple[Callable[[], str], Describe | None]] = {
    "ticket.opened": (
        lambda: _("Ticket opened"),
        lambda d: (
            _("by %(channel)s, reaction due %(due)s")
            % {
                "channel": _channel(d.get("channel")),
                "due": _moment(d.get("reaction_due_at")) or "—",
            }
        ),
    ),
    "ticket.assigned": (lambda: _("Assigned"), _assignee),
    "ticket.unassigned": (lambda: _("Unassigned"), None),
    "ticket.work_started": (lambda: _("Work started"), None),
    "ticket.acknowledged": (
        lambda: _("Receipt confirmed"),
        lambda d: _("late") if d.get("late") else "",
    ),
    "ticket.paused": (lambda: _("Waiting for the customer: the clock is paused"), None),
    "ticket.resumed": (
        lambda: _("The customer answered: the clock runs again"),
        lambda d: (
            _("%(minutes)s working minutes paused, reaction due %(due)s")
            % {
                "minutes": d.get("paused_minutes", 0),
                "due": _moment(d.get("reaction_due_at")) or "—",
            }
        ),
    ),
    "ticket.answer_promised": (
        lambda: _("Answer time promised"),
        lambda d: _moment(d.get("answer_by")),
    ),
    "ticket.deadlines_recomputed": (
        lambda: _("Deadlines recomputed"),
        _recomputed,
    ),
    "ticket.answered": (
        lambda: _("Answered"),
        lambda d: _channel(d.get("channel")),
    ),
    "ticket.note_added": (lambda: _("Internal note added"), None),
    "ticket.customer_wrote": (lambda: _("The customer wrote"), None),
    "ticket.work_logged": (lambda: _("Work logged"), _work),
    "ticket.work_corrected": (
        lambda: _("Work corrected"),
        lambda d: (
            _("%(before)s → %(after)s min billable: %(reason)s")
            % {
                "before": d.get("billable_before", "?"),
                "after": d.get("billable_after", "?"),
                "reason": d.get("reason", ""),
            }
        ),
    ),
    "ticket.severity_changed": (
        lambda: _("Severity changed"),
        lambda d: f"{_severity(d.get('before'))} → {_severity(d.get('after'))}",
    ),
    "ticket.attachment_added": (lambda: _("File attached"), lambda d: str(d.get("filename", ""))),
    "ticket.resolved": (lambda: _("Resolved"), None),
    "ticket.closed": (lambda: _("Closed"), None),
    "ticket.reopened": (lambda: _("Reopened"), None),
    "ticket.package_arrived": (lambda: _("A package was bought: back in the queue"), None),
    "ticket.scope_classified": (lambda: _("Scope classified"), None),
    "ticket.session_booked": (lambda: _("Remote session booked"), None),
    "ticket.session_cancelled": (lambda: _("Remote session cancelled"), None),
    "ticket.call_started": (lambda: _("Call started"), None),
    "ticket.call_ended": (lambda: _("Call ended"), None),
    "ticket.mail_bounced": (
        lambda: _("E-mail bounced"),
        lambda d: str(d.get("error", "")),
    ),
    "ticket.mail_resent": (lambda: _("E-mail sent again"), None),
    "ticket.article_drafted": (lambda: _("Knowledge-base article drafted"), None),
    "ticket.reaction_breached": (lambda: _("Reaction deadline missed"), None),
    "ticket.ack_breached": (lambda: _("Receipt confirmation deadline missed"), None),
    "ticket.promise_breached": (lambda: _("Promised answer time missed"), None),
}


def _who(user: Any) -> str:
    if user is None:
        return _("the system")
    member = getattr(user, "staff_member", None)
    contact = getattr(user, "contact", None)
    if member is not None:
        return str(member)
    if contact is not None:
        return str(contact.full_name)
    return str(user.get_username())


def _from_event(kind: str, at: dt.datetime, actor: Any, data: dict[str, Any]) -> Entry:
    label, describe = LABELS.get(kind, (None, None))
    return Entry(
        at=at,
        kind=kind,
        who=_who(actor),
        label=label() if label else kind,
        detail=describe(data) if describe else "",
    )


def _mail(message: Message) -> Entry | None:
    """An e-mail's delivery, once it is known (pending mail has no outcome yet)."""
    who = str(message.author_staff) if message.author_staff else _("the system")
    if message.delivery == Message.Delivery.SENT and message.sent_at:
        return Entry(
            message.sent_at, "mail.delivered", who, _("E-mail delivered"), message.recipient
        )
    if message.delivery == Message.Delivery.FAILED:
        return Entry(
            message.updated_at,
            "mail.failed",
            who,
            _("E-mail failed"),
            f"{message.recipient}: {message.delivery_error}",
            failed_message=message.pk,
        )
    return None


def timeline(ticket: Ticket) -> list[Entry]:
    """Newest first."""
    events = events_for(ticket).select_related("actor__staff_member", "actor__contact")
    entries = [_from_event(e.kind, e.at, e.actor, e.data) for e in events]
    mails = ticket.messages.filter(
        direction=Message.Direction.OUTBOUND, channel=Channel.EMAIL
    ).select_related("author_staff__user")
    entries += [entry for m in mails if (entry := _mail(m)) is not None]
    return sorted(entries, key=lambda e: e.at, reverse=True)
