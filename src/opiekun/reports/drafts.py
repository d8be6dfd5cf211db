"""What a month's statement says (R-REG-2): subscription, package purchases, hours used per
bank, hours beyond at the rate, out-of-hours emergencies, the update proration when due,
credits for late reactions (``penalties``) and one line per piece of work, computed from
the ledger and the work logs. Issuing it (``statements.issue``) copies a draft onto an
immutable document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from opiekun.contracts import queries
from opiekun.contracts.banks import bank_label, local_midnight
from opiekun.contracts.models import Contract, HourBank, LedgerEntry, StatementLine
from opiekun.reports import penalties
from opiekun.tariff import for_minutes, prorate_update, quantise, taxation, vat
from opiekun.tariff.periods import month_start, months_in_year_without, next_month_start
from opiekun.tickets import worklogs
from opiekun.tickets.models import WorkLog

Kind = StatementLine.Kind


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
    def vat_treatment(self) -> str:
        """The buyer's tax id decides whether Polish VAT is charged (tariff.taxation)."""
        return taxation.treatment(self.contract.organisation.tax_id)

    @property
    def vat_rate(self) -> Decimal:
        return settings.VAT_RATE_PERCENT if self.vat_treatment == taxation.DOMESTIC else Decimal(0)

    @property
    def vat_and_gross(self) -> tuple[Decimal, Decimal]:
        return vat(self.net, self.vat_rate)


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
    for credit in penalties.credits(contract, lo, hi, plan.currency):
        d.lines.append(
            Line(
                Kind.PENALTY,
                credit.description,
                net=credit.net,
                quantity=credit.quantity,
                unit_price=credit.unit_price,
                day=credit.day,
                ticket_reference=credit.ticket_reference,
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
