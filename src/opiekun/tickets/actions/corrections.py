"""Corrections of logged work (issue 15, R-HRS-5): never an edit. A correction is a new
work entry holding the difference to what the original (with its earlier corrections)
says, and the reason; minutes drawn too many go back to the banks they came from as
correction entries of the ledger, minutes drawn too few are drawn as ``log_work`` would.
Both are dated at the original work, so the statement of that month shows them; a
closed month refuses them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opiekun.catalog.choices import WorkKind
from opiekun.contracts import banks, months
from opiekun.contracts import locks as billing_locks
from opiekun.contracts.models import HourBank, LedgerEntry
from opiekun.contracts.tariffs import tariff_for
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.staff.models import StaffMember
from opiekun.tariff import BillingError, bill
from opiekun.tickets import intake
from opiekun.tickets.actions.base import locked
from opiekun.tickets.models import WorkLog

# What closed a month (contracts.months.closed_by), as the reader calls it.
DOCUMENTS = {"statement": gettext_lazy("statement"), "register": gettext_lazy("register")}


def effective(work: WorkLog) -> tuple[int, int, int]:
    """Raw, billable and overage minutes of an original entry with its corrections."""
    rows = WorkLog.objects.filter(corrects=work).aggregate(
        raw=Sum("raw_minutes"), billable=Sum("billable_minutes"), overage=Sum("overage_minutes")
    )
    return (
        work.raw_minutes + int(rows["raw"] or 0),
        work.billable_minutes + int(rows["billable"] or 0),
        work.overage_minutes + int(rows["overage"] or 0),
    )


def correct_work(
    work: WorkLog,
    *,
    raw_minutes: int,
    reason: str,
    staff: StaffMember,
    actor: Actor = None,
) -> WorkLog:
    """Says the work took ``raw_minutes`` (0: it was not done or not billable at all),
    billed again by the plan's rules as it was at the time of the work."""
    raw_minutes = bounds.whole(
        "raw_minutes", raw_minutes, minimum=0, maximum=bounds.MAX_WORK_MINUTES, error=BillingError
    )
    reason = bounds.text("reason", reason.strip(), max_length=300, error=BillingError)
    if not reason:
        raise BillingError("reason: " + _("say why the work is corrected"))
    if work.corrects_id is not None:
        raise BillingError("work: " + _("correct the original entry, not a correction"))
    with transaction.atomic():
        # The same order as log_work: the organisation, the ticket, then the banks.
        billing_locks.hold_organisation(work.ticket.organisation_id)
        ticket = locked(work.ticket)
        work = WorkLog.objects.select_for_update().get(pk=work.pk)
        contract = ticket.contract
        if contract is None:
            raise BillingError("ticket: " + _("no contract in force, so no billing rules apply"))
        local = timezone.localtime(work.started_at)
        closed = months.closed_by(contract, local.date())
        if closed:
            raise BillingError(
                "work: "
                + _("the customer approved the %(document)s of %(month)s; that month is closed")
                % {"document": DOCUMENTS.get(closed, closed), "month": f"{local:%Y-%m}"}
            )
        raw_now, billable_now, overage_now = effective(work)
        if raw_minutes == raw_now:
            raise BillingError(
                "raw_minutes: "
                + _("the work already counts %(minutes)s min") % {"minutes": raw_now}
            )
        plan = contract.plan
        billing = bill(
            tariff_for(plan),
            work.kind,
            raw_minutes,
            out_of_hours=work.out_of_hours,
            emergency=work.emergency,
        )
        billable = billing.billable_minutes if raw_minutes else 0
        correction = WorkLog.objects.create(
            ticket=ticket,
            staff=staff,
            kind=work.kind,
            started_at=work.started_at,
            raw_minutes=raw_minutes - raw_now,
            billable_minutes=billable - billable_now,
            emergency=work.emergency,
            out_of_hours=work.out_of_hours,
            multiplier=work.multiplier,
            note=f"Correction of {work.raw_minutes} min: {reason}"[:1000],
            corrects=work,
            correction_reason=reason,
        )
        delta = billable - billable_now
        overage = 0
        explanation = [f"Corrected to {raw_minutes} min: {billable} min billable ({delta:+d})."]
        if delta < 0:
            overage = -min(overage_now, -delta)
            back = -delta + overage
            if overage:
                explanation.append(f"{-overage} min fewer beyond the banks.")
            explanation += _give_back(work, correction, back, actor)
        elif delta > 0:
            if billing.draws_on_package and not plan.unlimited_support:
                if intake.may_draw_on_package(plan, ticket.contact):
                    draws, overage = banks.draw(contract, delta, work.started_at, correction, actor)
                    explanation += [
                        f"{d.minutes} min more from the {banks.bank_label(d.bank)}." for d in draws
                    ]
                else:
                    overage = delta
                if overage:
                    explanation.append(f"{overage} min more beyond the banks.")
            elif work.kind == WorkKind.EMAIL:
                banks.count_guaranteed_support(contract, delta, work.started_at, correction)
        correction.overage_minutes = overage
        correction.explanation = explanation
        correction.save(update_fields=["overage_minutes", "explanation", "updated_at"])
        audit.record(
            "ticket.work_corrected",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            work_log=work.pk,
            correction=correction.pk,
            raw_before=raw_now,
            raw_after=raw_minutes,
            billable_before=billable_now,
            billable_after=billable,
            reason=reason,
        )
    return correction


def _give_back(work: WorkLog, correction: WorkLog, minutes: int, actor: Actor) -> list[str]:
    """Returns ``minutes`` to the banks the work drew from, the last drawn first (the
    month's allotment before the packages); the guaranteed-support counter gives back what
    the work no longer uses of it. A bank whose validity has ended lapses what it gets."""
    family = [work.pk, *work.corrections.exclude(pk=correction.pk).values_list("pk", flat=True)]
    net = (
        LedgerEntry.objects.filter(work_log__in=family)
        .values("bank")
        .annotate(used=Sum("minutes"))
        .order_by("-bank")
    )
    used = {row["bank"]: -int(row["used"]) for row in net if row["used"] and row["used"] < 0}
    found = {
        b.pk: b
        for b in HourBank.objects.select_for_update().filter(pk__in=list(used)).order_by("pk")
    }
    notes = []
    remaining = minutes
    billable_after = effective(work)[1]
    for pk in sorted(used, key=lambda pk: (found[pk].kind != HourBank.Kind.ALLOTMENT, -pk)):
        bank = found[pk]
        if bank.kind == HourBank.Kind.GUARANTEE:
            # What the work uses of the limit is at most what it now bills.
            back = max(0, used[pk] - max(0, billable_after))
        else:
            back = min(used[pk], remaining)
            remaining -= back
        if back <= 0:
            continue
        _refund(bank, back, work, correction, actor)
        notes.append(f"{back} min back to the {banks.bank_label(bank)}.")
    return notes


def _refund(bank: HourBank, minutes: int, work: WorkLog, correction: WorkLog, actor: Actor) -> None:
    now = timezone.now()
    LedgerEntry.objects.create(
        bank=bank,
        kind=LedgerEntry.Kind.CORRECTION,
        minutes=minutes,
        work_log=correction,
        at=work.started_at,
        reason=f"work corrected: {correction.correction_reason}"[:300],
        actor=audit.acting_user(actor),
    )
    expired = bank.expires_at is not None and bank.expires_at <= now
    if expired:
        # R-HRS-3/4: unused hours do not outlive the bank; they lapse at once.
        LedgerEntry.objects.create(
            bank=bank,
            kind=LedgerEntry.Kind.EXPIRY,
            minutes=-minutes,
            at=now,
            reason="validity ended; minutes given back by a correction lapse",
        )
    elif bank.closed_at is not None:
        # A package closed because it was used up has time in it again.
        HourBank.objects.filter(pk=bank.pk).update(closed_at=None)
