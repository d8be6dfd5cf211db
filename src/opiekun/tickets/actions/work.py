"""Work on a ticket: billed time drawn from the banks (R-HRS, R-BIL), and the scope
classification that decides whether it is billed at all (R-SCP)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import ScopeKind, WorkKind
from opiekun.catalog.models import ScopeItem
from opiekun.contracts import banks, months
from opiekun.contracts import locks as billing_locks
from opiekun.contracts.models import QuoteRequest
from opiekun.contracts.tariffs import out_of_hours, tariff_for
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.staff.models import StaffMember
from opiekun.tariff import BillingError, bill
from opiekun.tickets import intake
from opiekun.tickets.actions.base import (
    IntakeError,
    checked_text,
    locked,
    save_clock_change,
)
from opiekun.tickets.models import Ticket, WorkLog


def log_work(
    ticket: Ticket,
    *,
    staff: StaffMember,
    kind: str,
    raw_minutes: int,
    started_at: dt.datetime | None = None,
    emergency: bool = False,
    note: str = "",
    actor: Actor = None,
) -> WorkLog:
    """Records a piece of work and bills it by the plan's rules (R-HRS-1, R-HRS-2): the
    billable minutes are drawn from the soonest-expiring package, then the month's
    allotment; the rest is overage at the plan's hourly rate. One entry is at most a
    day's minutes (``bounds.MAX_WORK_MINUTES``)."""
    raw_minutes = bounds.work_minutes("minutes", raw_minutes, error=BillingError)
    bounds.text("note", note, error=BillingError)
    if started_at is not None:
        started_at = bounds.moment("started_at", started_at, error=BillingError)
    started_at = started_at or timezone.now()
    if started_at > timezone.now():
        raise BillingError("started_at: cannot be in the future")
    if kind not in WorkKind.values:
        raise BillingError(f"kind: {kind!r} is not one of {', '.join(WorkKind.values)}")
    with transaction.atomic():
        # The package check, the draw and the closed month are one decision (issue 13).
        billing_locks.hold_organisation(ticket.organisation_id)
        ticket = locked(ticket)
        contract = ticket.contract
        if contract is None:
            raise BillingError("ticket: no contract in force, so no billing rules apply")
        closed = months.closed_by(contract, timezone.localtime(started_at).date())
        if closed:
            raise BillingError(
                f"started_at: the customer approved the {closed} of "
                f"{timezone.localtime(started_at):%Y-%m}; that month is closed"
            )
        plan = contract.plan
        billing = bill(
            tariff_for(plan),
            kind,
            raw_minutes,
            out_of_hours=out_of_hours(plan, started_at),
            emergency=emergency,
        )
        if (
            billing.draws_on_package
            and plan.requires_valid_package
            and not banks.has_valid_package(contract, started_at)
        ):
            raise BillingError(
                f"ticket: {ticket.organisation} has no valid package; "
                "work waits until one is bought"
            )
        work = WorkLog.objects.create(
            ticket=ticket,
            staff=staff,
            kind=kind,
            started_at=started_at,
            raw_minutes=raw_minutes,
            billable_minutes=billing.billable_minutes,
            emergency=emergency,
            out_of_hours=billing.out_of_hours,
            multiplier=billing.multiplier,
            note=note,
        )
        explanation = list(billing.explanation)
        overage = 0
        designated = intake.may_draw_on_package(plan, ticket.contact)
        if billing.draws_on_package and not plan.unlimited_support and not designated:
            # R-PPL-2: the package serves the designated contacts only.
            overage = billing.billable_minutes
            explanation.append(
                "Not from a designated contact (single point of contact): "
                f"{overage} min billed at the hourly rate, not from the package."
            )
        elif billing.draws_on_package and not plan.unlimited_support:
            draws, overage = banks.draw(contract, billing.billable_minutes, started_at, work, actor)
            for d in draws:
                explanation.append(
                    f"{d.minutes} min from the {banks.bank_label(d.bank)}, "
                    f"{banks.balance(d.bank)} min left."
                )
            if overage:
                explanation.append(f"{overage} min beyond the banks, billed at the hourly rate.")
        elif kind == WorkKind.EMAIL:
            banks.count_guaranteed_support(contract, billing.billable_minutes, started_at, work)
        work.overage_minutes = overage
        work.explanation = explanation
        work.save(update_fields=["overage_minutes", "explanation", "updated_at"])
        audit.record(
            "ticket.work_logged",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            work_log=work.pk,
            work_kind=kind,
            raw=raw_minutes,
            billable=billing.billable_minutes,
            overage=overage,
        )
    return work


def classify_scope(
    ticket: Ticket, item: ScopeItem, *, note: str = "", actor: Actor = None
) -> Ticket:
    """Classifies the ticket by one line of its plan's scope lists (R-SCP-1..3), which are
    data: included -> in scope; excluded -> billable extra work, with a quote request;
    referred -> referred elsewhere (e.g. the hardware department)."""
    checked_text("note", note)
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.contract is None or item.plan_id != ticket.contract.plan_id:
            raise IntakeError("item: not a scope line of this ticket's plan")
        ticket.scope = {
            ScopeKind.INCLUDED: Ticket.Scope.IN_SCOPE,
            ScopeKind.EXCLUDED: Ticket.Scope.BILLABLE,
            ScopeKind.REFERRED: Ticket.Scope.REFERRED,
        }[ScopeKind(item.kind)]
        ticket.scope_note = (f"{item.text}; {item.refer_to}" if item.refer_to else item.text)[:300]
        quote = None
        if ticket.scope == Ticket.Scope.BILLABLE:
            quote = QuoteRequest.objects.create(
                organisation=ticket.organisation,
                ticket=ticket,
                description=note.strip() or f"{ticket.subject}: {item.text}",
            )
        return save_clock_change(
            ticket,
            "ticket.scope_classified",
            actor,
            scope=ticket.scope,
            item=item.text,
            quote_request=quote.pk if quote else None,
        )
