"""The month's credit lines for late reactions (issue 21, item 2).

Which deadlines count: each ticket's explained deadlines (``tickets.sla``) that the
contract holds the vendor to: the guaranteed reaction (R-SLA-1), the confirmation of
receipt (R-SLA-6, the EKS hot-line's reaction: it has no other reaction target) and the
answer time promised to a caller (R-SLA-6, tracked like a deadline). Each missed one is a
breach.

A breach is counted in the month the late step was taken, when the delay is known and can
no longer grow; a step still missing at the month's end is counted in the month it is
taken. The delay is counted in working minutes of the calendar the deadline was counted
in, from the deadline to the step; the reaction deadline already includes the time the
ticket waited for the customer (R-SLA-9), so that waiting is never a delay. A ticket a
manager marked force majeure carries none.

Each line is an ordinary statement line with a negative amount and its explanation, so
the statement's totals, exports and invoices take it as they take any other line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q

from opiekun.contracts import penalties as terms_of
from opiekun.contracts.models import Contract
from opiekun.tariff import penalties
from opiekun.tickets import sla
from opiekun.tickets.models import Ticket
from opiekun.workcal import WorkingCalendar

ZERO = Decimal("0.00")
TIMES = "\N{MULTIPLICATION SIGN}"  # the sign the contracts write

# (deadline column, step column, how the line names the deadline)
DEADLINES = (
    ("reaction_due_at", "reacted_at", "reaction due"),
    ("ack_due_at", "acknowledged_at", "receipt confirmation due"),
    ("answer_promised_at", "answered_at", "answer promised for"),
)


@dataclass(frozen=True)
class Breach:
    ticket: Ticket
    what: str
    due: dt.datetime
    given: dt.datetime
    late_minutes: int


@dataclass(frozen=True)
class Credit:
    """One penalty line: ``net`` is negative (a credit to the customer) and ``quantity``
    x ``unit_price`` = ``net``."""

    description: str
    net: Decimal
    quantity: Decimal
    unit_price: Decimal
    day: dt.date
    ticket_reference: str


def _late_in(lo: dt.datetime, hi: dt.datetime) -> Q:
    found = Q(pk__in=[])
    for due, given, _what in DEADLINES:
        late = Q(**{f"{given}__gte": lo, f"{given}__lt": hi, f"{given}__gt": F(due)})
        if due == "reaction_due_at":
            late &= Q(guaranteed=True)  # no guarantee, no reaction deadline to miss
        found |= late
    return found


def breaches(contract: Contract, lo: dt.datetime, hi: dt.datetime) -> list[Breach]:
    """The contract's missed deadlines whose late step was taken in [lo, hi)."""
    clock = sla.terms_for(contract.plan)
    tickets = (
        Ticket.objects.filter(contract=contract, force_majeure__isnull=True)
        .filter(_late_in(lo, hi))
        .order_by("received_at", "pk")
    )
    found = []
    for ticket in tickets:
        for due_field, given_field, what in DEADLINES:
            due, given = getattr(ticket, due_field), getattr(ticket, given_field)
            if due is None or given is None or not (lo <= given < hi and given > due):
                continue
            if due_field == "reaction_due_at" and not ticket.guaranteed:
                continue
            minutes = _calendar(ticket, due_field, clock).working_minutes_between(due, given)
            found.append(Breach(ticket, what, due, given, minutes))
    found.sort(key=lambda b: (b.given, b.ticket.pk))
    return found


def _calendar(ticket: Ticket, due_field: str, clock: sla.SlaTerms) -> WorkingCalendar:
    if due_field != "reaction_due_at":
        return clock.service  # receipt and promises are kept in the plan's service hours
    target = sla.find_target(clock, ticket.severity, clock.guarantee_channel(ticket.channel))
    return target.calendar if target else clock.service


def _late(minutes: int, basis: str) -> str:
    if basis == penalties.PER_STARTED_HOUR:
        started = penalties.started_hours(minutes)
        return f"{started} working hour{'' if started == 1 else 's'} late"
    return f"{sla.hours(minutes)} of working time late, 1 breach"


def credits(contract: Contract, lo: dt.datetime, hi: dt.datetime, currency: str) -> list[Credit]:
    """The penalty lines of the month [lo, hi), in the order the late steps were taken
    (the month's cap credits the first ones in full)."""
    terms = terms_of.terms_for(contract)
    if terms is None:
        return []
    owed = []
    for breach in breaches(contract, lo, hi):
        amount = penalties.penalty(breach.late_minutes, terms.basis, terms.amount)
        if amount is not None:  # late only outside working time: no working minute lost
            owed.append((breach, amount))
    credited = penalties.capped([amount.amount for _b, amount in owed], terms.monthly_cap)
    tz = sla.terms_for(contract.plan).service.tz
    out = []
    for (breach, amount), given in zip(owed, credited, strict=True):
        text = (
            f"ticket {breach.ticket.reference}: {breach.what} {sla.when(breach.due, tz)}, "
            f"given {sla.when(breach.given, tz)}: {_late(breach.late_minutes, terms.basis)} "
            f"{TIMES} {amount.unit_price} {currency}"
        )
        quantity, unit = amount.quantity, ZERO - amount.unit_price
        if given != amount.amount:
            text += f" (monthly cap {terms.monthly_cap} {currency}: {given} {currency} credited)"
            # The line keeps its own arithmetic: one unit of what is credited.
            quantity, unit = Decimal(1), ZERO - given
        out.append(
            Credit(
                text,
                ZERO - given,
                quantity,
                unit,
                breach.given.astimezone(tz).date(),
                breach.ticket.reference,
            )
        )
    return out
