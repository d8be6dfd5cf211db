"""Remote sessions booked for an agreed slot (R-SLA-7), and phone calls whose work log
runs while the agent talks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import WorkKind
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.staff.models import StaffMember
from opiekun.tickets.actions.base import (
    IntakeError,
    checked_text,
    local_iso,
    locked,
)
from opiekun.tickets.actions.work import log_work
from opiekun.tickets.models import Appointment, Ticket, WorkLog


def book_remote_session(
    ticket: Ticket,
    *,
    staff: StaffMember,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    actor: Actor = None,
) -> Appointment:
    """A remote session at a time agreed with the customer (R-SLA-7): the reaction
    guarantee is met by reacting, not by an immediate session. A session lasts at most
    a day."""
    starts_at = bounds.moment("starts_at", starts_at, error=IntakeError)
    ends_at = bounds.moment("ends_at", ends_at, error=IntakeError)
    checked_text("note", note.strip(), Appointment)
    if ends_at <= starts_at:
        raise IntakeError("ends_at: must be after starts_at")
    if starts_at < timezone.now():
        raise IntakeError("starts_at: a session is booked for a time to come")
    if ends_at - starts_at > dt.timedelta(minutes=bounds.MAX_WORK_MINUTES):
        raise IntakeError("ends_at: a session lasts at most a day")
    with transaction.atomic():
        ticket = locked(ticket)
        appointment = Appointment.objects.create(
            ticket=ticket,
            staff=staff,
            starts_at=starts_at,
            ends_at=ends_at,
            note=note.strip(),
            status=Appointment.Status.CONFIRMED,
        )
        audit.record(
            "ticket.session_booked",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            appointment=appointment.pk,
            starts_at=local_iso(starts_at),
            staff=str(staff),
        )
    return appointment


def cancel_session(appointment: Appointment, *, reason: str, actor: Actor = None) -> Appointment:
    checked_text("reason", reason)  # kept in the audit event's JSON, where PostgreSQL refuses NUL
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        appointment.status = Appointment.Status.CANCELLED
        appointment.save(update_fields=["status", "updated_at"])
        audit.record(
            "ticket.session_cancelled",
            appointment.ticket,
            actor=actor,
            organisation=appointment.ticket.organisation,
            appointment=appointment.pk,
            reason=reason,
        )
    return appointment


def start_call(
    ticket: Ticket, *, staff: StaffMember, at: dt.datetime | None = None, actor: Actor = None
) -> Ticket:
    """The agent took the call this phone ticket came from: its work log is running."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.call_started_at is not None:
            raise IntakeError("call: a call is already under way on this ticket")
        ticket.call_started_at, ticket.call_taken_by = at, staff
        ticket.save(update_fields=["call_started_at", "call_taken_by", "updated_at"])
        audit.record(
            "ticket.call_started",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            at=local_iso(at),
        )
    return ticket


def end_call(
    ticket: Ticket, *, at: dt.datetime | None = None, note: str = "", actor: Actor = None
) -> WorkLog:
    """The call ended: its length is logged as phone work, billed by the plan (R-HRS-2)."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.call_started_at is None or ticket.call_taken_by is None:
            raise IntakeError("call: no call is under way on this ticket")
        started, staff = ticket.call_started_at, ticket.call_taken_by
        minutes = max(1, -(-int((at - started).total_seconds()) // 60))  # started minutes
        # A call left running over a day was not a day-long call: it is billed as one
        # entry's most, and ended, rather than refused and left running for ever.
        minutes = min(minutes, bounds.MAX_WORK_MINUTES)
        Ticket.objects.filter(pk=ticket.pk).update(call_started_at=None, call_taken_by=None)
        return log_work(
            ticket,
            staff=staff,
            kind=WorkKind.PHONE,
            raw_minutes=minutes,
            started_at=started,
            note=note,
            actor=actor,
        )
