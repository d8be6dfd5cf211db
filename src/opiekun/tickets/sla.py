"""Which clock and which reaction target a ticket gets, and why (R-SLA-1 .. R-SLA-9).

``terms_for(plan)`` reads a plan once into plain data; ``decide(...)`` is then pure
arithmetic on working calendars and produces the deadlines with their explanation, the
same for the ticket actions, the sweep and `opiekun sla due`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from opiekun.catalog.calendars import working_calendar
from opiekun.catalog.choices import Acknowledgement, Channel, Severity
from opiekun.catalog.models import Plan
from opiekun.core import batch
from opiekun.core.language import stored_label
from opiekun.tickets import notes
from opiekun.workcal import WorkingCalendar
from opiekun.workcal.calendar import WEEKDAYS


@dataclass(frozen=True)
class Target:
    severity: str  # "" = any
    channel: str  # "" = any
    minutes: int
    calendar: WorkingCalendar


@dataclass(frozen=True)
class ChannelTerms:
    open_hours: WorkingCalendar | None  # None: around the clock
    guaranteed: bool
    restriction: str


@dataclass(frozen=True)
class SlaTerms:
    plan_code: str
    service: WorkingCalendar
    targets: tuple[Target, ...]
    channels: dict[str, ChannelTerms]
    guaranteed_monthly_minutes: int | None
    acknowledgement: str
    # The vendor's setting: a portal question is held to the e-mail channel's terms.
    portal_as_email: bool = False

    def guarantee_channel(self, channel: str) -> str:
        """The channel whose terms a ticket from ``channel`` is held to."""
        if channel == Channel.PORTAL and self.portal_as_email:
            return Channel.EMAIL
        return channel


@dataclass
class SlaDecision:
    clock_starts_at: dt.datetime
    due_at: dt.datetime | None
    guaranteed: bool
    target_minutes: int | None
    calendar: WorkingCalendar
    ack_due_at: dt.datetime | None = None
    warn_at: dt.datetime | None = None
    no_guarantee_reason: str = ""
    explanation: list[str] = field(default_factory=list)


def terms_for(plan: Plan) -> SlaTerms:
    # Kept per process: the plan's stamp moves with every change of its targets,
    # channels and calendars (catalog.stamps).
    return batch.lasting(("sla_terms", plan.pk, plan.updated_at), lambda: _terms_for(plan))


def _terms_for(plan: Plan) -> SlaTerms:
    service = working_calendar(plan.calendar)
    targets = tuple(
        Target(
            t.severity,
            t.channel,
            t.minutes,
            working_calendar(t.calendar) if t.calendar else service,
        )
        for t in plan.targets.select_related("calendar")
    )
    channels = {
        c.channel: ChannelTerms(
            working_calendar(c.calendar) if c.calendar else None, c.guaranteed, c.restriction
        )
        for c in plan.channels.select_related("calendar")
    }
    return SlaTerms(
        plan.code,
        service,
        targets,
        channels,
        plan.guaranteed_monthly_minutes,
        plan.acknowledgement,
        plan.portal_counts_as_email,
    )


def find_target(terms: SlaTerms, severity: str, channel: str) -> Target | None:
    """The most specific target: severity and channel, then severity, then channel, then
    the plan's general one."""
    for wanted in ((severity, channel), (severity, ""), ("", channel), ("", "")):
        for target in terms.targets:
            if (target.severity, target.channel) == wanted:
                return target
    return None


def decide(
    terms: SlaTerms,
    *,
    received_at: dt.datetime,
    channel: str,
    severity: str,
    guarantee_used_minutes: int = 0,
    paused_minutes: int = 0,
    warn_share: float = 0.75,
) -> SlaDecision:
    lines = [f"Plan {terms.plan_code}: service hours {terms.service.describe()}."]
    channel = terms.guarantee_channel(channel)
    target = find_target(terms, severity, channel)
    reason = _no_guarantee_reason(terms, target, channel, guarantee_used_minutes)
    calendar = target.calendar if target and not reason else terms.service
    start = calendar.next_working_moment(received_at)
    received = when(received_at, calendar.tz)
    if start == received_at.astimezone(calendar.tz):
        lines.append(f"Received {received}, within working time: the clock starts at once.")
    else:
        # R-SLA-2: after hours, the clock starts at the next working moment.
        lines.append(
            f"Received {received}, outside working time: the clock starts at the "
            f"next working moment, {when(start, calendar.tz)}."
        )
    decision = SlaDecision(start, None, False, None, calendar, no_guarantee_reason=reason)
    if target is None or reason:
        lines.append(f"No guaranteed reaction time: {reason}.")
    else:
        total = target.minutes + paused_minutes
        due = calendar.add_working_time(start, total)
        decision.due_at, decision.guaranteed, decision.target_minutes = due, True, target.minutes
        decision.warn_at = calendar.add_working_time(
            start, int(target.minutes * warn_share) + paused_minutes
        )
        scope = _target_scope(target)
        lines.append(
            f"Reaction target: {hours(target.minutes)} of working time{scope}"
            + (f", counted in {calendar.describe()}" if calendar is not terms.service else "")
            + "."
        )
        if paused_minutes:
            lines.append(f"Paused while waiting for the customer: {hours(paused_minutes)} added.")
        # The calendar's own account of the span, less its first line (the hours, said
        # above) and its last (the due moment, said below).
        lines.extend(calendar.explain_add(start, total)[1:-1])
        lines.append(f"Reaction due {when(due)}.")
    if terms.acknowledgement == Acknowledgement.NEXT_WORKING_DAY:
        # R-SLA-6 (EKS): receipt is confirmed at the latest on the next working day after
        # the day the question counts as received.
        service = terms.service
        first_day = service.next_working_moment(received_at)
        next_day = service.next_working_moment(service.end_of_working_day(first_day))
        decision.ack_due_at = service.end_of_working_day(next_day)
        lines.append(
            "Receipt to be confirmed by the end of the next working day, "
            f"{when(decision.ack_due_at)}."
        )
    decision.explanation = lines
    return decision


def _no_guarantee_reason(
    terms: SlaTerms, target: Target | None, channel: str, used_minutes: int
) -> str:
    if not terms.targets:
        return notes.write("no_guarantee")
    channel_terms = terms.channels.get(channel)
    if target is None:
        severities = {t.severity for t in terms.targets}
        if "" not in severities:
            # KJM care: the 2-hour guarantee is for critical outages only (R-SLA-4).
            names = sorted(stored_label(Severity(s)) for s in severities)
            return notes.write("only_for", names=", ".join(names))
    if target is None or (channel_terms is not None and not channel_terms.guaranteed):
        # R-SLA-5: SHIP guarantees the reaction only for tickets sent by e-mail.
        names = sorted(
            {stored_label(Channel(t.channel)) for t in terms.targets if t.channel}
            or {stored_label(Channel(c)) for c, t in terms.channels.items() if t.guaranteed}
        )
        return notes.write("only_by", names=", ".join(names))
    if channel_terms is None:
        return notes.write("not_opened", channel=stored_label(Channel(channel)))
    limit = terms.guaranteed_monthly_minutes
    if limit is not None and used_minutes >= limit:
        # R-SLA-5: answered, but without a guaranteed reaction, once the limit is used.
        return notes.write("limit_used", limit=hours(limit), used=hours(used_minutes))
    return ""


def _target_scope(target: Target) -> str:
    parts = []
    if target.severity:
        parts.append(f"{target.severity} tickets")
    if target.channel:
        parts.append(f"sent by {stored_label(Channel(target.channel))}")
    return f" ({', '.join(parts)})" if parts else ""


def when(t: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """A moment as the desk reads it: in the calendar's zone (a moment read back from the
    database is in UTC)."""
    local = t.astimezone(tz or t.tzinfo)
    return f"{WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if h and m else (f"{h} h" if h else f"{m} min")
