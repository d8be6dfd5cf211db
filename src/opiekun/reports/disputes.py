"""Disputes before a month is approved (issue 21, item 3): the customer questions a work
entry or a statement line with a reason; the vendor answers, accepts (a correcting work
entry, then the month's statement is issued again) or rejects with a reason. While a
dispute of a month is open, its statement cannot be approved (``statements.approve``).

Each step holds the organisation's lock, the one behind every decision about its money
and months (``contracts.locks``): a dispute cannot be raised while the month is being
approved, nor the statement approved while a dispute is being raised. Each step writes an
audit event on the dispute (its history, shown on both sides) and sends
``signals.dispute_changed`` for the notifications above."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.contracts import locks, months
from opiekun.contracts.models import Statement, StatementApproval, StatementLine
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.customers.models import Contact
from opiekun.reports import signals, statements
from opiekun.reports.models import Dispute
from opiekun.staff.models import StaffMember
from opiekun.tariff import BillingError
from opiekun.tariff.periods import month_start
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets import worklogs
from opiekun.tickets.models import WorkLog

MAX_TEXT = 1000


class DisputeError(ValueError):
    """A dispute step cannot be taken as asked; the message starts with the field."""


def _text(field: str, value: str) -> str:
    value = bounds.text(field, value.strip(), max_length=MAX_TEXT, error=DisputeError)
    if not value:
        raise DisputeError(f"{field}: " + _("say why"))
    return value


def work_of_line(line: StatementLine) -> WorkLog | None:
    """The work entry a statement's work line shows (a line keeps the ticket, day, kind and
    minutes, not the entry): the original entry of that ticket, day and kind whose minutes
    with its corrections are the line's; the first of that day when none is."""
    if line.kind != StatementLine.Kind.WORK or not line.day:
        return None
    candidates = [
        w
        for w in WorkLog.objects.filter(
            ticket__reference=line.ticket_reference,
            ticket__contract_id=line.statement.contract_id,
            kind=line.work_kind,
            corrects__isnull=True,
        ).order_by("started_at", "pk")
        if timezone.localtime(w.started_at).date() == line.day
    ]
    ids = [w.pk for w in candidates]
    entries = list(WorkLog.objects.filter(Q(pk__in=ids) | Q(corrects__in=ids)))
    works = worklogs.folded(entries)
    same = [w.original for w in works if w.raw_minutes == line.raw_minutes]
    chosen = same or candidates
    return chosen[0] if chosen else None


def raise_dispute(
    contact: Contact,
    *,
    reason: str,
    line: StatementLine | None = None,
    work_log: WorkLog | None = None,
    actor: Actor = None,
) -> Dispute:
    """The customer questions a statement line or a work entry of their organisation."""
    reason = _text("reason", reason)
    if (line is None) == (work_log is None):
        raise DisputeError("line: " + _("question one statement line or one work entry"))
    with transaction.atomic():
        locks.hold_organisation(contact.organisation_id)
        statement: Statement | None = None
        if line is not None:
            statement = line.statement
            contract = statement.contract
            period = statement.period_start
            newest = statements.latest(contract, period)
            if newest is not None and newest.pk != statement.pk:
                raise DisputeError(
                    "line: "
                    + _("statement %(old)s was corrected by %(new)s; question that one")
                    % {"old": statement.number, "new": newest.number}
                )
            work_log = work_of_line(line)
        else:
            assert work_log is not None  # noqa: S101 (one of the two, checked above)
            if work_log.corrects_id is not None:
                raise DisputeError("work: " + _("question the original entry"))
            if work_log.ticket.contract is None:
                raise DisputeError("work: " + _("this work is billed under no contract"))
            contract = work_log.ticket.contract
            period = month_start(timezone.localtime(work_log.started_at).date())
        if contract.organisation_id != contact.organisation_id:
            raise DisputeError("line: " + _("not your organisation's"))
        if StatementApproval.objects.filter(contract=contract, period_start=period).exists() or (
            months.closed_by(contract, period)
        ):
            raise DisputeError(
                "line: "
                + _("the month %(month)s is approved and closed") % {"month": f"{period:%Y-%m}"}
            )
        same = Dispute.objects.filter(status=Dispute.Status.OPEN)
        if (line is not None and same.filter(line=line).exists()) or (
            work_log is not None and same.filter(work_log=work_log).exists()
        ):
            raise DisputeError("line: " + _("it is already questioned; wait for the answer"))
        dispute = Dispute.objects.create(
            organisation_id=contact.organisation_id,
            contract=contract,
            period_start=period,
            statement=statement,
            line=line,
            work_log=work_log,
            reason=reason,
            raised_by=contact,
        )
        _record("dispute.raised", dispute, actor, reason=reason)
    return dispute


def answer(dispute: Dispute, *, staff: StaffMember, body: str, actor: Actor = None) -> Dispute:
    """The vendor's answer; the dispute stays open for the customer to read and reply."""
    body = _text("answer", body)
    with transaction.atomic():
        dispute = _locked_open(dispute)
        dispute.answer = body
        dispute.save(update_fields=["answer"])
        _record("dispute.answered", dispute, actor, answer=body, staff=staff.pk)
    return dispute


def accept(
    dispute: Dispute,
    *,
    staff: StaffMember,
    reason: str,
    raw_minutes: int | None = None,
    actor: Actor = None,
) -> Dispute:
    """The vendor accepts: the questioned work is corrected to ``raw_minutes`` (a new
    correcting entry, R-HRS-5) and the month's statement, when one was issued, is issued
    again as a correction for the customer to approve."""
    reason = _text("reason", reason)
    with transaction.atomic():
        dispute = _locked_open(dispute)
        if raw_minutes is not None:
            if dispute.work_log is None:
                raise DisputeError("raw_minutes: " + _("the questioned line is no work entry"))
            try:
                dispute.correction = ticket_actions.correct_work(
                    dispute.work_log,
                    raw_minutes=raw_minutes,
                    reason=f"dispute #{dispute.pk}: {reason}"[:300],
                    staff=staff,
                    actor=actor,
                )
            except BillingError as exc:
                message = str(exc)
                field = message.split(":", 1)[0]
                if field in ("work", "raw_minutes"):
                    message = "raw_minutes:" + message.split(":", 1)[1]
                raise DisputeError(message) from None
        standing = statements.latest(dispute.contract, dispute.period_start)
        if (
            standing is not None
            and not StatementApproval.objects.filter(statement=standing).exists()
        ):
            dispute.reissued = statements.correct(
                standing, reason=f"dispute #{dispute.pk}: {reason}", actor=actor
            )
        _decide(dispute, Dispute.Status.ACCEPTED, staff, reason)
        _record(
            "dispute.accepted",
            dispute,
            actor,
            reason=reason,
            raw_minutes=raw_minutes,
            reissued=dispute.reissued.number if dispute.reissued else None,
        )
    return dispute


def reject(dispute: Dispute, *, staff: StaffMember, reason: str, actor: Actor = None) -> Dispute:
    reason = _text("reason", reason)
    with transaction.atomic():
        dispute = _locked_open(dispute)
        _decide(dispute, Dispute.Status.REJECTED, staff, reason)
        _record("dispute.rejected", dispute, actor, reason=reason)
    return dispute


def _locked_open(dispute: Dispute) -> Dispute:
    locks.hold_organisation(dispute.organisation_id)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise DisputeError(
            "status: " + _("the dispute is %(status)s") % {"status": dispute.get_status_display()}
        )
    return dispute


def _decide(dispute: Dispute, status: str, staff: StaffMember, reason: str) -> None:
    dispute.status = status
    dispute.decision_reason = reason
    dispute.decided_by = staff
    dispute.decided_at = timezone.now()
    dispute.save()


def _record(kind: str, dispute: Dispute, actor: Actor, **data: object) -> None:
    audit.record(kind, dispute, actor=actor, organisation=dispute.organisation, **data)
    signals.dispute_changed.send(Dispute, dispute=dispute, step=kind.split(".")[1], actor=actor)


def of_month(contract_id: int, period_start: dt.date) -> list[Dispute]:
    """A month's disputes, open ones first, with what each questions."""
    found = Dispute.objects.filter(contract_id=contract_id, period_start=period_start)
    return sorted(
        found.select_related("line", "work_log__ticket", "raised_by", "decided_by", "reissued"),
        key=lambda d: (d.status != Dispute.Status.OPEN, -d.raised_at.timestamp(), -d.pk),
    )


def questioned(dispute: Dispute) -> str:
    """What the dispute is about, in the words the customer saw."""
    if dispute.line is not None:
        return dispute.line.description
    if dispute.work_log is not None:
        work = dispute.work_log
        return (
            f"{work.ticket.reference}: {work.note or work.ticket.subject} ({work.raw_minutes} min)"
        )
    return ""


def shown(found: list[Dispute]) -> list[dict[str, object]]:
    """What both sides' pages show of each dispute: it, what it questions, its history."""
    steps = {
        "dispute.raised": _("questioned"),
        "dispute.answered": _("answered"),
        "dispute.accepted": _("accepted"),
        "dispute.rejected": _("rejected"),
    }
    out: list[dict[str, object]] = []
    for dispute in found:
        history = [
            {"at": e.at, "step": steps.get(e.kind, e.kind), "actor": e.actor}
            for e in audit.events_for(dispute).select_related("actor").order_by("at", "pk")
        ]
        out.append({"dispute": dispute, "questioned": questioned(dispute), "history": history})
    return out
