"""Bounces both ways: a delivery report about mail we sent marks that message failed on
its ticket; mail over the size limit is kept, opens nothing, and its sender is told."""

from __future__ import annotations

from django.conf import settings

from opiekun.core import audit
from opiekun.mail import outbound, signals
from opiekun.mail.filing import IngestError
from opiekun.mail.models import InboundMail
from opiekun.mail.parse import InboundMessage
from opiekun.tickets.models import Message


def delivery_report(inbound: InboundMail, parsed: InboundMessage) -> None:
    """A bounce of our mail: the message it bounces is marked failed on its ticket."""
    report = parsed.delivery_report
    if report is None:
        raise IngestError("report: not a delivery report")
    ours = (
        Message.objects.filter(
            message_id=report.original_message_id, direction=Message.Direction.OUTBOUND
        )
        .select_related("ticket__organisation")
        .first()
        if report.original_message_id
        else None
    )
    inbound.state = InboundMail.State.IGNORED
    if ours is None:
        inbound.reason = "a delivery report about mail that is not ours"
        return
    error = f"bounced: {report.recipient} {report.diagnostic}".strip()
    changed = (
        Message.objects.filter(pk=ours.pk)
        .exclude(delivery=Message.Delivery.FAILED)
        .update(delivery=Message.Delivery.FAILED, delivery_error=error[:500])
    )
    if not changed:  # a second report about the same mail: the newer error is kept
        Message.objects.filter(pk=ours.pk).update(delivery_error=error[:500])
    audit.record(
        "ticket.mail_bounced",
        ours.ticket,
        organisation=ours.ticket.organisation,
        message=ours.pk,
        error=error,
    )
    if changed:
        ours.refresh_from_db(fields=["delivery", "delivery_error"])
        signals.delivery_failed.send(Message, message=ours, error=error[:500])
    inbound.ticket = ours.ticket
    inbound.reason = f"delivery report: {error}"[:500]


def too_large(inbound: InboundMail, parsed: InboundMessage) -> None:
    limit = settings.MAIL_MAX_MESSAGE_BYTES
    inbound.state = InboundMail.State.TOO_LARGE
    inbound.reason = f"{inbound.size} bytes is over the limit of {limit} bytes"
    # The bounce goes to the sender (send_bounce writes to inbound.sender), counted too.
    if parsed.automatic or not outbound.automatic_mail_allowed(parsed.sender):
        inbound.reason += "; not bounced (automatic mail or the daily limit)"
        return
    outbound.count_automatic(parsed.sender)
    inbound.reason += f"; bounced to {parsed.sender}"
    outbound.queue_bounce(inbound)
