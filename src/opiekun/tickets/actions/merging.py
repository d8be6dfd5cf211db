"""Merging two tickets of one customer, and splitting a message off into a ticket of its own.

A merge moves the thread, the work and the files to the survivor; the merged ticket is
closed and points to it. Work logs move with their ledger entries untouched (the entries
point to the work log, not the ticket), so the hour banks do not change."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.contracts import locks as billing_locks
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.tickets import signals
from opiekun.tickets.actions.base import IntakeError, checked_text, save_clock_change
from opiekun.tickets.actions.opening import open_ticket
from opiekun.tickets.models import Attachment, Message, Ticket, WorkLog


def _lock_both(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    # Always in id order, so two merges of the same pair cannot deadlock.
    rows = {
        t.pk: t
        for t in Ticket.objects.select_for_update(of=("self",))
        .select_related("contract__plan", "organisation")
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return rows[first.pk], rows[second.pk]


def merge(merged: Ticket, survivor: Ticket, *, actor: Actor = None) -> Ticket:
    """Moves ``merged``'s messages, work logs and attachments to ``survivor``, adds its
    tags there, closes it and points it to the survivor. Returns the survivor."""
    if merged.pk == survivor.pk:
        raise IntakeError("into: " + _("a ticket cannot be merged into itself"))
    if merged.organisation_id != survivor.organisation_id:
        raise IntakeError("into: " + _("only tickets of the same customer can be merged"))
    with transaction.atomic():
        # Work logs move: the organisation lock first, as for logging work and issuing a
        # statement (lock order organisation, then tickets), so no statement reads half.
        billing_locks.hold_organisation(merged.organisation_id)
        merged, survivor = _lock_both(merged, survivor)
        if merged.organisation_id != survivor.organisation_id:
            raise IntakeError("into: " + _("only tickets of the same customer can be merged"))
        for ticket in (merged, survivor):
            if ticket.merged_into_id is not None:
                raise IntakeError(
                    "into: "
                    + _("%(reference)s was already merged into another ticket")
                    % {"reference": ticket.reference}
                )
        moved = {
            "messages": Message.objects.filter(ticket=merged).update(ticket=survivor),
            "work_logs": WorkLog.objects.filter(ticket=merged).update(ticket=survivor),
            "attachments": Attachment.objects.filter(ticket=merged).update(ticket=survivor),
        }
        survivor.tags.add(*merged.tags.all())
        merged.merged_into = survivor
        if merged.status != Ticket.Status.CLOSED:
            merged.status = Ticket.Status.CLOSED
            merged.closed_at = timezone.now()
        merged.paused_since = None
        save_clock_change(merged, "ticket.merged", actor, into=survivor.reference, **moved)
        audit.record(
            "ticket.merged_in",
            survivor,
            actor=actor,
            organisation=survivor.organisation,
            source=merged.reference,
            **moved,
        )
        signals.ticket_changed.send(Ticket, ticket_ids=[merged.pk, survivor.pk], actor=actor)
    return survivor


def split(message: Message, *, subject: str = "", actor: Actor = None) -> Ticket:
    """Opens a new ticket for the same customer and contact (through the usual intake, so
    it gets its own deadlines) and moves the message and its files there."""
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("ticket").get(pk=message.pk)
        source = Ticket.objects.select_for_update(of=("self",)).get(pk=message.ticket_id)
        if source.merged_into_id is not None:
            raise IntakeError("message: " + _("the ticket was merged; split on the survivor"))
        if not source.description and not source.messages.exclude(pk=message.pk).exists():
            # Nothing of the question would be left on the old ticket.
            raise IntakeError("message: " + _("the ticket's only message cannot be split off"))
        subject = checked_text("subject", subject.strip(), Ticket) or (
            checked_text("subject", f"{source.subject} ({source.reference})"[:300], Ticket)
        )
        created = open_ticket(
            source.organisation,
            channel=source.channel,
            severity=source.severity,
            subject=subject,
            contact=source.contact,
            product=source.product,
            actor=actor,
        )
        message.ticket = created
        message.save(update_fields=["ticket", "updated_at"])
        files = Attachment.objects.filter(message=message).update(ticket=created)
        audit.record(
            "ticket.split",
            source,
            actor=actor,
            organisation=source.organisation,
            message_id=message.pk,
            into=created.reference,
            attachments=files,
        )
        audit.record(
            "ticket.split_from",
            created,
            actor=actor,
            organisation=created.organisation,
            source=source.reference,
            message_id=message.pk,
        )
        signals.ticket_changed.send(Ticket, ticket_ids=[source.pk, created.pk], actor=actor)
    return created
