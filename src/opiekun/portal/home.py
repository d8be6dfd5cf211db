"""The portal's home (issue 16): my organisation's tickets with each open one's reaction
deadline and whether it was met, and the balances a customer understands: used, left,
expiry, the run-out forecast, the plan's working hours and the holidays ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.views.decorators.http import require_GET

from opiekun.catalog.calendars import working_calendar
from opiekun.catalog.models import Plan
from opiekun.contracts import banks
from opiekun.contracts import queries as contract_queries
from opiekun.contracts.models import HourBank, LedgerEntry
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only
from opiekun.portal.topup import open_offers
from opiekun.portal.wording import holidays_rule, short_hours
from opiekun.tickets import access
from opiekun.tickets.models import Ticket
from opiekun.workcal import WorkingCalendar

HOLIDAYS_AHEAD_DAYS = 60


@dataclass(frozen=True)
class Deadline:
    """How an open ticket's reaction deadline stands: 'due', 'met', 'missed', 'paused' or
    'none' (no guarantee)."""

    state: str
    due_at: dt.datetime | None
    reacted_at: dt.datetime | None


def deadline(ticket: Ticket, now: dt.datetime) -> Deadline:
    due, reacted = ticket.reaction_due_at, ticket.reacted_at
    if not ticket.guaranteed or due is None:
        return Deadline("none", None, reacted)
    if reacted is not None:
        missed = ticket.reaction_breached or reacted > due
        return Deadline("missed" if missed else "met", due, reacted)
    if ticket.reaction_breached:
        return Deadline("missed", due, None)
    if ticket.paused_since is not None:
        # Waiting for the customer stops the clock (R-SLA-9): the deadline moves on resume.
        return Deadline("paused", due, None)
    if due <= now:
        return Deadline("missed", due, None)
    return Deadline("due", due, None)


def balances(contact: Contact) -> list[HourBank]:
    """The organisation's hour banks in force, each with ``balance_minutes`` (left),
    ``used_minutes`` and ``runs_out_on`` (the forecast at the last 30 days' pace)."""
    mine = HourBank.objects.filter(contract__organisation=contact.organisation_id).exclude(
        kind=HourBank.Kind.GUARANTEE
    )
    found = banks.open_banks(
        mine.annotate(
            used_total=Sum("entries__minutes", filter=Q(entries__kind=LedgerEntry.Kind.USE))
        )
    )
    for bank in found:
        bank.used_minutes = -int(bank.used_total or 0)  # type: ignore[attr-defined]
        bank.runs_out_on = banks.run_out_forecast(bank)  # type: ignore[attr-defined]
        bank.label = banks.bank_label(bank, for_screen=True)  # type: ignore[attr-defined]
    return found


def _holiday_language() -> str | None:
    """The `holidays` package's name for the reader's language; None: its default."""
    return {"en": "en_US", "pl": "pl"}.get((get_language() or "")[:2])


def holidays_ahead(calendar: WorkingCalendar, today: dt.date) -> list[tuple[dt.date, str]]:
    """The days the calendar is closed in the next 60 days that its week would work,
    with the holiday's name in the reader's language ("closed" for a closed date)."""
    import holidays  # the same package workcal reads; here for its translated names

    last = today + dt.timedelta(days=HOLIDAYS_AHEAD_DAYS)
    closed = calendar.closed_days_between(today, last)
    named: dict[dt.date, str] = {}
    if calendar.observes_holidays and calendar.holiday_country:
        named = dict(
            holidays.country_holidays(
                calendar.holiday_country,
                subdiv=calendar.holiday_subdivision or None,
                years=sorted({today.year, last.year}),
                language=_holiday_language(),
            )
        )
    return [(day, named.get(day) or pgettext("day", "closed")) for day, _why in closed]


def _plan_hours(plan: Plan | None) -> dict[str, object]:
    if plan is None:
        return {}
    calendar = working_calendar(plan.calendar)
    return {
        "plan": plan,
        "plan_hours": short_hours(calendar),
        "plan_holidays_rule": holidays_rule(calendar),
        "holidays": holidays_ahead(calendar, timezone.localdate()),
    }


@require_GET
@contacts_only
def home(request: HttpRequest, contact: Contact) -> HttpResponse:
    now = timezone.now()
    tickets = list(access.visible_tickets(request.user).order_by("-received_at")[:100])
    rows = [(t, deadline(t, now) if t.status in Ticket.OPEN_STATUSES else None) for t in tickets]
    contract = contract_queries.contract_in_force(contact.organisation, timezone.localdate())
    return render(
        request,
        "portal/home.html",
        {
            "contact": contact,
            "rows": rows,
            "banks": balances(contact),
            "offers": open_offers(contact),
            **_plan_hours(contract.plan if contract else None),
        },
    )
