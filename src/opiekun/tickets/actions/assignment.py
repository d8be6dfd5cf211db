"""Who works a ticket: assign, reassign, unassign, take; and the rule that picks the
assignee of a new ticket (the plan's, else its vendor's: account manager, round robin
among agents on duty, or nobody)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from opiekun.catalog.calendars import working_calendar
from opiekun.catalog.choices import AssignmentRule
from opiekun.catalog.models import Plan, Vendor
from opiekun.core import audit, batch
from opiekun.core.audit import Actor
from opiekun.customers.models import Organisation
from opiekun.staff.models import OnCallShift, StaffMember
from opiekun.tickets import signals
from opiekun.tickets.actions.base import IntakeError, locked
from opiekun.tickets.models import Ticket


def rule_for(plan: Plan | None) -> str:
    """The plan's rule, else its vendor's; without a contract, the account manager."""
    if plan is None:
        return AssignmentRule.ACCOUNT_MANAGER
    if plan.assignment_rule:
        return plan.assignment_rule
    # Kept per process: a vendor's change moves its plans' stamps (catalog.stamps).
    return batch.lasting(
        ("vendor_assignment_rule", plan.vendor_id, plan.updated_at),
        lambda: Vendor.objects.values_list("assignment_rule", flat=True).get(pk=plan.vendor_id),
    )


def on_duty(at: dt.datetime) -> list[StaffMember]:
    """Active agents in working time by their own calendar, or on an on-call shift at
    ``at``. Someone without a calendar is on duty only on a shift: nobody can tell when
    they work."""
    shift = OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at).values("staff")
    agents = StaffMember.objects.filter(is_active=True, is_agent=True).filter(
        Q(calendar__isnull=False) | Q(pk__in=shift)
    )
    on_shift = set(shift.values_list("staff", flat=True))
    return [
        member
        for member in agents.select_related("calendar")
        if member.pk in on_shift
        or (member.calendar and working_calendar(member.calendar).is_working_time(at))
    ]


def next_in_turn(at: dt.datetime | None = None) -> StaffMember | None:
    """The agent on duty who was given a ticket least recently (never first, then by id),
    marked as given one now. Runs inside the intake's transaction: the candidates' rows
    are locked in id order, so two intakes at once queue up and take different people."""
    at = at or timezone.now()
    candidates = [m.pk for m in on_duty(at)]
    if not candidates:
        return None
    # Locking the first row in that order is not enough: a waiting transaction would
    # re-read only the row it waited for. Lock them all, in id order, then re-read.
    list(StaffMember.objects.select_for_update().filter(pk__in=candidates).order_by("pk"))
    chosen = (
        StaffMember.objects.filter(pk__in=candidates)
        .order_by(F("last_assigned_at").asc(nulls_first=True), "pk")
        .first()
    )
    if chosen is not None:
        _mark_given(chosen)
    return chosen


def _mark_given(member: StaffMember) -> None:
    # Never moved backwards: a back-dated stamp would put them first in line again.
    now = timezone.now()
    StaffMember.objects.filter(pk=member.pk).update(last_assigned_at=now)
    member.last_assigned_at = now


def assignee_at_intake(organisation: Organisation, plan: Plan | None) -> StaffMember | None:
    """Whom a new ticket goes to, by the rule of its plan (or vendor)."""
    rule = rule_for(plan)
    if rule == AssignmentRule.ROUND_ROBIN:
        return next_in_turn()
    if rule == AssignmentRule.NONE:
        return None
    manager = organisation.account_manager
    # Only active staff hold tickets: a departed account manager's go to the queue.
    return manager if manager is not None and manager.is_active else None


def assign(ticket: Ticket, assignee: StaffMember | None, *, actor: Actor = None) -> Ticket:
    """Gives the ticket to ``assignee`` (None: to nobody). Only active staff may hold a
    ticket. The same assignee again changes nothing and tells nobody."""
    with transaction.atomic():
        if assignee is not None:
            fresh = StaffMember.objects.select_for_update().filter(pk=assignee.pk).first()
            if fresh is None or not fresh.is_active:
                raise IntakeError("assignee_id: not an active staff member")
            assignee = fresh
        ticket = locked(ticket)
        previous = ticket.assignee
        if (previous.pk if previous else None) == (assignee.pk if assignee else None):
            return ticket
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee", "updated_at"])
        if assignee is not None:
            _mark_given(assignee)
        audit.record(
            "ticket.assigned" if assignee else "ticket.unassigned",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            assignee=str(assignee) if assignee else None,
            assignee_id=assignee.pk if assignee else None,
            previous=str(previous) if previous else None,
            previous_id=previous.pk if previous else None,
        )
        signals.ticket_assigned.send(
            Ticket, ticket=ticket, assignee=assignee, previous=previous, actor=actor
        )
    return ticket


def reassign(ticket: Ticket, assignee: StaffMember, *, actor: Actor = None) -> Ticket:
    """From whoever holds it to ``assignee``."""
    return assign(ticket, assignee, actor=actor)


def unassign(ticket: Ticket, *, actor: Actor = None) -> Ticket:
    """Back to the queue, nobody's."""
    return assign(ticket, None, actor=actor)


def take(ticket: Ticket, *, staff: StaffMember, actor: Actor = None) -> Ticket:
    """ "Mine": the acting staff member takes the ticket."""
    return assign(ticket, staff, actor=actor)
