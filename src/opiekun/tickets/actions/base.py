"""What every ticket action shares: the refusal, checked text, the locked row, the clock's save."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.tickets import clocks
from opiekun.tickets.models import Appointment, Message, Ticket

HOT01_FIELDS = (
    "form_date",
    "form_sign",
    "requester_name",
    "office_name",
    "return_channel",
    "return_address",
)


class IntakeError(ValueError):
    """A ticket cannot be opened as asked; the message says which field is wrong."""


def checked_text(
    field: str, value: str, model: type[Ticket | Message | Appointment] | None = None
) -> str:
    """A text the databases can store, within its column: refused, not cut, so SQLite
    (which would keep a longer one) and PostgreSQL (which would fail) answer alike."""
    limit = bounds.column_length(model, field) if model else None
    return bounds.text(field, value, max_length=limit, error=IntakeError)


def local_iso(t: dt.datetime | None) -> str | None:
    """Audit data shows moments in the desk's zone, whether read from the database (UTC)
    or just computed."""
    return timezone.localtime(t).isoformat() if t else None


def locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("contract__plan")
        .get(pk=ticket.pk)
    )


def save_clock_change(ticket: Ticket, kind: str, actor: Actor, **data: object) -> Ticket:
    ticket.next_check_at = clocks.next_check(ticket)
    # Every change of the clock passes here: the reaction, a pause counted after it, a
    # plan changed under it; the stored reaction figure follows each (issue 20).
    clocks.record_reaction(ticket)
    ticket.save()
    audit.record(kind, ticket, actor=actor, organisation=ticket.organisation, **data)
    return ticket


# The channels an answer can leave by, for each channel a question came in by (R-CH-2):
# the same one by default; a portal question is answered on the portal too.
ANSWER_CHANNELS = {
    Channel.EMAIL: Channel.EMAIL,
    Channel.PORTAL: Channel.PORTAL,
    Channel.FAX: Channel.FAX,
    Channel.PHONE: Channel.PHONE,
    Channel.MOBILE: Channel.PHONE,
    Channel.FORUM: Channel.FORUM,
    Channel.REMOTE: Channel.PHONE,
}
