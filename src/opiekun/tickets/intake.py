"""The contract's rules at intake (R-CH-1, R-PPL-2, R-SLA-4): a ticket is always taken,
and what the plan says about it is written on it."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction

from opiekun.catalog.calendars import working_calendar
from opiekun.catalog.choices import Channel, Severity
from opiekun.catalog.models import Plan
from opiekun.core.language import stored_label
from opiekun.customers.models import Contact
from opiekun.staff.models import OnCallShift, StaffMember
from opiekun.tickets import notes, notices, signals, sla
from opiekun.tickets.models import SlaNotification, Ticket


def channel_note(plan: Plan, channel: str, received_at: dt.datetime) -> str:
    """Why the plan does not open this channel, or not at this hour; '' when it does."""
    if channel == Channel.PORTAL and plan.portal_counts_as_email:
        # The vendor's setting: the portal is held to the e-mail channel's terms.
        channel = Channel.EMAIL
    # The plan's SLA terms hold its channels already (read once per intake's batch).
    opened = sla.terms_for(plan).channels.get(channel)
    label = stored_label(Channel(channel))
    if opened is None:
        return notes.write("plan_closes", plan=plan.code, channel=label)
    said = []
    hours = opened.open_hours
    if hours is not None and not hours.is_working_time(received_at):
        said.append(notes.write("open_hours", channel=label, hours=hours.describe()))
    if opened.restriction:
        said.append(notes.write("restricted", channel=label, restriction=opened.restriction))
    return notes.JOIN.join(said)


def may_draw_on_package(plan: Plan, contact: Contact | None) -> bool:
    """R-PPL-2: where the plan asks for a single point of contact, only designated
    contacts' questions use the hour package."""
    if not plan.single_point_of_contact:
        return True
    return contact is not None and contact.is_single_point_of_contact


def on_call_now(at: dt.datetime) -> list[StaffMember]:
    """Whoever is on shift at ``at``; with no shift in the roster, everyone on call duty."""
    shifts = OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at, staff__is_active=True)
    people = [s.staff for s in shifts.select_related("staff__user")]
    if people:
        return people
    return list(StaffMember.objects.filter(is_on_call=True, is_active=True))


def alert_on_call(ticket: Ticket, plan: Plan) -> list[StaffMember]:
    """R-SLA-4: out of hours only critical outages are handled at once, and the person on
    call is told. Runs in the intake transaction; the e-mails leave after commit."""
    if ticket.severity != Severity.CRITICAL:
        return []
    if working_calendar(plan.calendar).is_working_time(ticket.received_at):
        return []
    told = []
    for person in on_call_now(ticket.received_at):
        notice, created = SlaNotification.objects.get_or_create(
            ticket=ticket, recipient=person, kind=SlaNotification.Kind.ON_CALL
        )
        if created:
            transaction.on_commit(partial(notices.send_sla_notification.delay, notice.pk))
            signals.deadline_noticed.send(SlaNotification, notice=notice)
            told.append(person)
    return told
