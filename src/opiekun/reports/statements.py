"""Monthly statements (R-REG-2): issuing writes an immutable, numbered copy of the month's
draft (``drafts.draft``); issuing the same month again returns the document already issued;
a correction is a new statement that names the one it corrects. Sending marks a statement
sent and tells the apps above (``signals.statement_sent``).

It lives above tickets because a statement is a read of the month's work logs; the
month's closed state it leaves behind is the contracts app's (``contracts.months``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.contracts import locks
from opiekun.contracts.models import Contract, Statement, StatementApproval, StatementLine
from opiekun.contracts.models.statements import VatTreatment
from opiekun.core import audit, exports
from opiekun.core.audit import Actor
from opiekun.customers.models import Contact
from opiekun.reports import signals
from opiekun.reports.drafts import Draft, Line, draft, hours
from opiekun.reports.models import Dispute, StatementSending
from opiekun.tariff.periods import month_start
from opiekun.tickets.actions import next_reference

__all__ = ["Draft", "Line", "StatementError", "draft", "hours", "issue", "latest"]


class StatementError(ValueError):
    """A statement cannot be issued as asked; the message says why."""


def issue(
    contract: Contract,
    month: dt.date,
    *,
    actor: Actor = None,
    corrects: Statement | None = None,
) -> Statement:
    """Issues the month's statement, or a correction of an issued one. Issuing a month
    that has its statement returns that statement: the same document, not an error."""
    return issued(contract, month, actor=actor, corrects=corrects)[0]


def issued(
    contract: Contract,
    month: dt.date,
    *,
    actor: Actor = None,
    corrects: Statement | None = None,
) -> tuple[Statement, bool]:
    """``issue``, and whether it made a new document (False: the month's was returned)."""
    start = month_start(month)
    if start >= month_start(timezone.localdate()) and corrects is None:
        raise StatementError(f"month: {start:%Y-%m} is not over yet")
    with transaction.atomic():
        # A statement is a read of the month's work: no work is logged while it is made.
        locks.hold_organisation(contract.organisation_id)
        contract = (
            Contract.objects.select_for_update()
            .select_related("plan__vendor", "organisation")
            .get(pk=contract.pk)
        )
        if corrects is None:
            # Decided under the organisation's lock, so two runs issuing the same month at
            # once make one document; the unique constraint is the backstop.
            original = Statement.objects.filter(
                contract=contract, period_start=start, corrects__isnull=True
            ).first()
            if original is not None:
                return original, False
        d = draft(contract, start)
        tax, gross = d.vat_and_gross
        statement = Statement.objects.create(
            number=next_reference("ST", start.year),
            contract=contract,
            period_start=start,
            issued_by=audit.acting_user(actor),
            corrects=corrects,
            vendor_name=contract.plan.vendor.name,
            organisation_name=contract.organisation.name,
            organisation_tax_id=contract.organisation.tax_id,
            plan_code=contract.plan.code,
            plan_name=contract.plan.name,
            currency=contract.plan.currency,
            hourly_rate_net=d.rate,
            vat_rate=d.vat_rate,
            vat_treatment=d.vat_treatment,
            net=d.net,
            vat=tax,
            gross=gross,
        )
        StatementLine.objects.bulk_create(
            StatementLine(
                statement=statement,
                position=n,
                kind=line.kind,
                description=line.description[:300],
                day=line.day,
                ticket_reference=line.ticket_reference,
                work_kind=line.work_kind,
                raw_minutes=line.raw_minutes,
                billable_minutes=line.billable_minutes,
                bank=line.bank[:200],
                quantity=line.quantity,
                unit_price=line.unit_price,
                net=line.net,
            )
            for n, line in enumerate(d.lines, start=1)
        )
        audit.record(
            "statement.issued",
            statement,
            actor=actor,
            organisation=contract.organisation,
            month=f"{start:%Y-%m}",
            net=str(statement.net),
            gross=str(statement.gross),
            corrects=corrects.number if corrects else None,
        )
        signals.statement_issued.send(Statement, statement=statement, actor=actor)
    return statement, True


def latest(contract: Contract, month: dt.date) -> Statement | None:
    """The document that stands for the month: the last correction, else the original."""
    return (
        Statement.objects.filter(contract=contract, period_start=month_start(month))
        .order_by("-issued_at", "-pk")
        .first()
    )


def correct(statement: Statement, *, reason: str = "", actor: Actor = None) -> Statement:
    """A correction of the month's standing document: a new statement, drafted from the
    month as it stands now, naming the one it corrects."""
    with transaction.atomic():
        # The same lock issue takes: two corrections at once cannot both correct the same
        # document (the second would no longer be correcting the standing one).
        locks.hold_organisation(statement.contract.organisation_id)
        newest = latest(statement.contract, statement.period_start)
        if newest is not None and newest.pk != statement.pk:
            raise StatementError(
                f"statement: {statement.number} was corrected by {newest.number}; correct that"
            )
        made = issue(statement.contract, statement.period_start, actor=actor, corrects=statement)
        if reason:
            audit.record(
                "statement.correction_reason",
                made,
                actor=actor,
                organisation=statement.contract.organisation,
                corrects=statement.number,
                reason=reason[:500],
            )
    return made


def send(statement: Statement, *, actor: Actor = None) -> StatementSending:
    """Marks the statement sent to the customer and tells the apps above. Sending it again
    returns the first mark (no second notification)."""
    with transaction.atomic():
        locks.hold_organisation(statement.contract.organisation_id)
        already = StatementSending.objects.filter(statement=statement).first()
        if already is not None:
            return already
        newest = latest(statement.contract, statement.period_start)
        if newest is not None and newest.pk != statement.pk:
            raise StatementError(
                f"statement: {statement.number} was corrected by {newest.number}; send that"
            )
        sending = StatementSending.objects.create(
            statement=statement, sent_by=audit.acting_user(actor)
        )
        audit.record(
            "statement.sent",
            statement,
            actor=actor,
            organisation=statement.contract.organisation,
            month=f"{statement.period_start:%Y-%m}",
        )
        signals.statement_sent.send(
            sender=StatementSending, statement=statement, sending=sending, actor=actor
        )
    return sending


def approve(statement: Statement, *, contact: Contact, actor: Actor = None) -> StatementApproval:
    """The customer approves the statement; the month is locked from then on."""
    with transaction.atomic():
        # The same lock as log_work's: no work slips into the month while it closes.
        locks.hold_organisation(statement.contract.organisation_id)
        if statement.contract.organisation_id != contact.organisation_id:
            raise StatementError("statement: not a statement of your organisation")
        if StatementApproval.objects.filter(statement=statement).exists():
            raise StatementError(f"statement: {statement.number} is already approved")
        newest = latest(statement.contract, statement.period_start)
        if newest is not None and newest.pk != statement.pk:
            raise StatementError(
                f"statement: {statement.number} was corrected by {newest.number}; approve that"
            )
        # Issue 21: a month under dispute is approved once the vendor has decided; the
        # lock above is the one a dispute is raised under, so none slips in meanwhile.
        if Dispute.objects.filter(
            contract=statement.contract,
            period_start=statement.period_start,
            status=Dispute.Status.OPEN,
        ).exists():
            raise StatementError(
                "statement: "
                + _("a dispute about this month is open; approve once the vendor has answered it")
            )
        approval = StatementApproval.objects.create(
            statement=statement,
            contract=statement.contract,
            period_start=statement.period_start,
            approved_by=contact,
        )
        audit.record(
            "statement.approved",
            statement,
            actor=actor,
            organisation=statement.contract.organisation,
            contact=contact.pk,
            month=f"{statement.period_start:%Y-%m}",
        )
        signals.statement_approved.send(sender=Statement, statement=statement, actor=actor)
    return approval


HEADER = [
    "#",
    "kind",
    "date",
    "ticket",
    "work kind",
    "raw minutes",
    "billable minutes",
    "bank drawn",
    "description",
    "quantity",
    "unit price (net)",
    "net",
]


def rows(statement: Statement) -> list[list[exports.Cell]]:
    out: list[list[exports.Cell]] = [
        [
            line.position,
            line.kind,
            line.day,
            line.ticket_reference,
            line.work_kind,
            line.raw_minutes,
            line.billable_minutes,
            line.bank,
            line.description,
            line.quantity,
            line.unit_price,
            line.net,
        ]
        for line in statement.lines.all()
    ]
    blank: list[exports.Cell] = [None] * 8
    out.append([*blank, "net", None, None, statement.net])
    out.append([*blank, vat_label(statement), None, None, statement.vat])
    out.append([*blank, "gross", None, None, statement.gross])
    return out


def vat_label(statement: Statement) -> str:
    """The VAT row's label in a statement's file (English, as its other labels)."""
    if statement.vat_treatment == VatTreatment.NP_EU:
        return "VAT np II (reverse charge: the buyer accounts for the VAT)"
    if statement.vat_treatment == VatTreatment.NP_OUTSIDE:
        return "VAT np I (not taxed in Poland)"
    return f"VAT {statement.vat_rate}%"


def export(statement: Statement, fmt: str) -> bytes:
    if fmt == "csv":
        return exports.to_csv(HEADER, rows(statement))
    if fmt == "xlsx":
        return exports.to_xlsx(statement.number.replace("/", "-"), HEADER, rows(statement))
    raise StatementError(f"format: {fmt!r} is not csv or xlsx")
