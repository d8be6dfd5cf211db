"""A notification in words, in the language active when it is shown or e-mailed: the
row keeps only the kind and its parameters (stored text stays English)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opiekun.notifications.models import Kind, Notification
from opiekun.tickets.models import SlaNotification


def headline(notification: Notification) -> str:
    """What happened, without the ticket (shown next to it)."""
    params = notification.params
    kind = notification.kind
    if kind == Kind.NEW_TICKET:
        return _("New ticket")
    if kind == Kind.CUSTOMER_REPLY:
        if params.get("author"):
            return _("Reply from %(author)s") % {"author": params["author"]}
        return _("A customer replied")
    if kind == Kind.ASSIGNED:
        if params.get("by"):
            return _("Assigned to you by %(by)s") % {"by": params["by"]}
        return _("Assigned to you")
    if kind == Kind.MENTION:
        return _("Mentioned in a note by %(author)s") % {"author": params.get("author", "")}
    if kind == Kind.DEADLINE:
        try:
            notice = str(SlaNotification.Kind(params.get("notice")).label)
        except ValueError:
            notice = _("deadline")
        return _("Deadline: %(notice)s") % {"notice": notice}
    if kind == Kind.MAIL_FAILED:
        return _("An e-mail could not be delivered: %(error)s") % {"error": params.get("error", "")}
    if kind == Kind.DISPUTE:
        return _("Statement of %(month)s questioned: %(reason)s") % {
            "month": params.get("month", ""),
            "reason": params.get("reason", ""),
        }
    return str(kind)


def subject(notification: Notification) -> str:
    ticket = notification.ticket
    return f"[{ticket.reference}] {headline(notification)}: {ticket.subject}"
