"""Monthly statements (R-REG-2): subscription, package purchases, hours used per bank,
hours beyond at the rate, out-of-hours emergencies, the update proration when due, net,
VAT, gross, and one line per piece of work. Issuing writes an immutable, numbered copy;
a correction is a new statement that names the one it corrects.

It lives above tickets because a statement is a read of the month's work logs; the
month's closed state it leaves behind is the contracts app's (``contracts.months``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from opiekun.contracts import locks, queries
from opiekun.contracts.banks import bank_label, local_midnight
from opiekun.contracts.models import (
    Contract,
    HourBank,
    LedgerEntry,
    Statement,
    StatementApproval,
    StatementLine,
)
from opiekun.core import audit, exports
from opiekun.core.audit import Actor
from opiekun.customers.models import Contact
from opiekun.reports import signals
from opiekun.tariff import for_minutes, prorate_update, quantise, vat
from opiekun.tariff.periods import month_start, months_in_year_without, next_month_start
from opiekun.tickets import worklogs
from opiekun.tickets.actions import next_reference
from opiekun.tickets.models import WorkLog

Kind = StatementLine.Kind


class StatementError(ValueError):
    """A statement cannot be issued as asked; the message says why."""


@dataclass
class Line:
    kind: str
    description: str
    net: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    day: dt.date | None = None
    ticket_reference: str = ""
    work_kind: str = ""
    raw_minutes: int | None = None
    billable_minutes: int | None = None
    bank: str = ""


@dataclass
class Draft:
    contract: Contract
    month: dt.date
    lines: list[Line] = field(default_factory=list)
    rate: Decimal | None = None

    @property
    def net(self) -> Decimal:
        return quantise(sum((line.net for line in self.lines if line.net is not None), Decimal(0)))

    @property
    def vat_and_gross(self) -> tuple[Decimal, Decimal]:
        return vat(self.net, settings.VAT_RATE_PERCENT)


def hours(minutes: int) -> Decimal:
    return quantise(Decimal(minutes) / 60)


def draft(contract: Contract, month: dt.date) -> Draft:
    """What the statement of ``month`` says, computed from the ledger and the work logs."""
    plan = contract.plan
    start = month_start(month)
    lo, hi = local_midnight(start), local_midnight(next_month_start(start))
    rate = (
        contract.hourly_rate_net if contract.hourly_rate_net is not None else plan.hourly_rate_net
    )
    d = Draft(contract, start, rate=rate)

    fee = queries.period_fee(contract, start)
    if fee:
        seats = f", {contract.seats} workstations" if plan.price_model == "yearly_per_seat" else ""
        d.lines.append(
            Line(
                Kind.SUBSCRIPTION,
                f"{plan.name}{seats}",
                net=fee,
                quantity=Decimal(1),
                unit_price=fee,
            )
        )
    for bank in contract.banks.filter(
        kind=HourBank.Kind.PACKAGE, valid_from__gte=lo, valid_from__lt=hi
    ).order_by("valid_from"):
        price = bank.purchase_price_net
        d.lines.append(
            Line(
                Kind.PACKAGE,
                f"Hour package, {bank_label(bank)}",
                net=price,
                quantity=Decimal(1),
                unit_price=price,
                day=timezone.localtime(bank.valid_from).date(),
            )
        )
    # Work corrections give minutes back as correction entries dated at the work.
    given_back = Q(kind=LedgerEntry.Kind.CORRECTION, work_log__isnull=False)
    used = (
        LedgerEntry.objects.filter(bank__contract=contract, at__gte=lo, at__lt=hi)
        .filter(Q(kind=LedgerEntry.Kind.USE) | given_back)
        .values("bank")
        .annotate(total=Sum("minutes"))
        .order_by("bank")
    )
    banks = {b.pk: b for b in contract.banks.all()}
    for row in used:
        bank = banks[row["bank"]]
        minutes = -int(row["total"])
        if minutes <= 0:
            continue
        d.lines.append(
            Line(
                Kind.BANK,
                f"Used from the {bank_label(bank)}: {minutes} min",
                quantity=hours(minutes),
                bank=bank_label(bank),
            )
        )

    works = worklogs.folded(
        list(
            WorkLog.objects.filter(ticket__contract=contract, started_at__gte=lo, started_at__lt=hi)
            .select_related("ticket")
            .prefetch_related("ledger_entries__bank")
            .order_by("started_at", "pk")
        )
    )
    overage = sum(w.overage_minutes for w in works)
    if overage:
        net = for_minutes(overage, rate) if rate is not None else None
        note = "" if rate is not None else " (no hourly rate agreed: priced separately)"
        d.lines.append(
            Line(
                Kind.OVERAGE,
                f"Beyond the hour banks: {overage} min{note}",
                net=net,
                quantity=hours(overage),
                unit_price=rate,
            )
        )
    emergencies = [w for w in works if w.original.emergency and w.original.out_of_hours]
    for w in emergencies:
        # R-CON-4: under basic care, out-of-hours emergencies are billed at the price list;
        # under a package their (doubled) time was drawn from the banks above.
        charged = plan.unlimited_support and rate is not None
        d.lines.append(
            Line(
                Kind.EMERGENCY,
                f"Out-of-hours emergency, {w.original.ticket.reference}"
                + ("" if charged else " (drawn from the banks)"),
                net=for_minutes(w.billable_minutes, rate) if charged and rate is not None else None,
                quantity=hours(w.billable_minutes),
                unit_price=rate if charged else None,
                day=timezone.localtime(w.original.started_at).date(),
                ticket_reference=w.original.ticket.reference,
            )
        )
    price = contract.annual_update_price_net
    if price and plan.includes_annual_updates and contract.starts_on:
        # R-CON-3: a year with months without care pays price / 12 for each such month;
        # billed in the month care starts (months before) and the month it ends (after).
        year = start.year
        if contract.starts_on.year == year and contract.starts_on.month == start.month:
            months = months_in_year_without(year, contract.starts_on, None)
        elif contract.ends_on and (contract.ends_on.year, contract.ends_on.month) == (
            year,
            start.month,
        ):
            months = months_in_year_without(year, None, contract.ends_on)
        else:
            months = 0
        if months:
            d.lines.append(
                Line(
                    Kind.UPDATE,
                    f"Annual update {year}: {months}/12 without care",
                    net=prorate_update(price, months),
                    quantity=Decimal(months),
                    unit_price=quantise(price / 12),
                )
            )
    for w in works:
        drawn = ", ".join(
            f"{bank_label(bank)} {minutes} min"
            for bank, minutes in w.drawn().items()
            if bank.kind != HourBank.Kind.GUARANTEE
        )
        if w.overage_minutes:
            drawn = ", ".join(filter(None, [drawn, f"beyond the banks {w.overage_minutes} min"]))
        d.lines.append(
            Line(
                Kind.WORK,
                w.described,
                day=timezone.localtime(w.original.started_at).date(),
                ticket_reference=w.original.ticket.reference,
                work_kind=w.original.kind,
                raw_minutes=w.raw_minutes,
                billable_minutes=w.billable_minutes,
                bank=drawn or "not drawn",
            )
        )
    return d


def issue(
    contract: Contract,
    month: dt.date,
    *,
    actor: Actor = None,
    corrects: Statement | None = None,
) -> Statement:
    """Issues the month's statement, or a correction of an issued one."""
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
        if (
            corrects is None
            and Statement.objects.filter(
                contract=contract, period_start=start, corrects__isnull=True
            ).exists()
        ):
            raise StatementError(
                f"month: the statement for {start:%Y-%m} is issued; issue a correction instead"
            )
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
            vat_rate=settings.VAT_RATE_PERCENT,
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
    return statement


def latest(contract: Contract, month: dt.date) -> Statement | None:
    """The document that stands for the month: the last correction, else the original."""
    return (
        Statement.objects.filter(contract=contract, period_start=month_start(month))
        .order_by("-issued_at", "-pk")
        .first()
    )


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
    out.append([*blank, f"VAT {statement.vat_rate}%", None, None, statement.vat])
    out.append([*blank, "gross", None, None, statement.gross])
    return out


def export(statement: Statement, fmt: str) -> bytes:
    if fmt == "csv":
        return exports.to_csv(HEADER, rows(statement))
    if fmt == "xlsx":
        return exports.to_xlsx(statement.number.replace("/", "-"), HEADER, rows(statement))
    raise StatementError(f"format: {fmt!r} is not csv or xlsx")
