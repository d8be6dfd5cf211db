"""Actions on hour banks (R-HRS-3, R-HRS-4, R-HRS-5, R-SLA-5). Every change of a balance
is a ledger entry; a balance is the sum of its entries. Callers that draw run inside the
transaction of the work they bill (tickets.actions.log_work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.catalog.choices import AllotmentPeriod
from opiekun.contracts import locks, signals
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.language import stored_label
from opiekun.tariff.periods import add_months, month_start, next_month_start

if TYPE_CHECKING:
    from opiekun.tickets.models import WorkLog


class BankError(ValueError):
    """A bank operation cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Draw:
    bank: HourBank
    minutes: int


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def balance(bank: HourBank) -> int:
    return int(bank.entries.aggregate(total=Sum("minutes"))["total"] or 0)


def with_balances(banks: QuerySet[HourBank]) -> QuerySet[HourBank]:
    """Each bank with its balance as ``balance_minutes``, in one query."""
    return banks.annotate(balance_minutes=Sum("entries__minutes"))


def open_banks(banks: QuerySet[HourBank], at: dt.datetime | None = None) -> list[HourBank]:
    """Of ``banks``, those in force at ``at`` (now) with their balances, in the order
    ``draw`` takes from them: the soonest-expiring first."""
    at = at or timezone.now()
    valid = banks.filter(closed_at__isnull=True, valid_from__lte=at).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=at)
    )
    return list(with_balances(valid).order_by(F("expires_at").asc(nulls_last=True)))


def run_out_forecast(
    bank: HourBank, at: dt.datetime | None = None, *, used_lately: int | None = None
) -> dt.date | None:
    """When ``bank`` runs out at the pace of the last 30 days (``used_lately`` when read
    for many banks at once by ``recent_use``); None when nothing was used then, or when
    at that pace it lasts past its expiry (it expires first)."""
    at = at or timezone.now()
    used = used_lately if used_lately is not None else recent_use([bank.pk], at).get(bank.pk, 0)
    left = int(getattr(bank, "balance_minutes", None) or balance(bank))
    if used <= 0 or left <= 0:
        return None
    runs_out = at + dt.timedelta(days=30 * left / used)
    if bank.expires_at is not None and runs_out >= bank.expires_at:
        return None
    return timezone.localtime(runs_out).date()


def recent_use(bank_ids: Iterable[int], at: dt.datetime) -> dict[int, int]:
    """Minutes each bank gave out in the 30 days before ``at``, in one grouped query."""
    since = at - dt.timedelta(days=30)
    rows = LedgerEntry.objects.filter(
        bank_id__in=list(bank_ids), kind=LedgerEntry.Kind.USE, at__gt=since, at__lte=at
    )
    sums = rows.values("bank_id").annotate(total=Sum("minutes")).order_by()
    return {row["bank_id"]: -int(row["total"] or 0) for row in sums}


def bank_label(bank: HourBank, *, for_screen: bool = False) -> str:
    """How a bank is named: in stored text (statement lines, ledger reasons) always the
    same English words; ``for_screen`` in the reader's language."""
    local = timezone.localtime(bank.valid_from)
    if bank.kind == HourBank.Kind.PACKAGE:
        if for_screen:
            return _("package of %(day)s") % {"day": f"{local:%Y-%m-%d}"}
        return f"package of {local:%Y-%m-%d}"
    kind = HourBank.Kind(bank.kind)
    return f"{kind.label if for_screen else stored_label(kind)} {local:%Y-%m}"


def _grant(bank: HourBank, minutes: int, reason: str, actor: Actor) -> None:
    LedgerEntry.objects.create(
        bank=bank,
        kind=LedgerEntry.Kind.GRANT,
        minutes=minutes,
        reason=reason,
        actor=audit.acting_user(actor),
        at=bank.valid_from,
    )


def grant_package(
    contract: Contract,
    *,
    purchased_on: dt.date,
    minutes: int | None = None,
    price_net: Decimal | None = None,
    sale_key: str = "",
    actor: Actor = None,
) -> HourBank:
    """A prepaid package: the plan's hours, valid for its months or until used up,
    whichever comes first (R-HRS-3: bought 10 March, valid through 10 June). A second
    package bought today (a top-up) is valid from the moment it is sold; on a past day
    a second one is taken for a duplicate and refused."""
    plan = contract.plan
    minutes = plan.included_minutes if minutes is None else minutes
    if minutes <= 0:
        raise BankError(f"minutes: a package needs a positive number of minutes, got {minutes}")
    if plan.package_validity_months is None:
        raise BankError(f"plan {plan.code} sells no packages with a validity")
    last_day = add_months(purchased_on, plan.package_validity_months)
    with transaction.atomic():
        locks.hold_organisation(contract.organisation_id)
        Contract.objects.select_for_update().get(pk=contract.pk)
        valid_from = local_midnight(purchased_on)
        if HourBank.objects.filter(
            contract=contract, kind=HourBank.Kind.PACKAGE, valid_from=valid_from
        ).exists():
            if purchased_on != timezone.localdate():
                raise BankError(f"purchased_on: a package bought on {purchased_on} exists already")
            valid_from = timezone.now()
        bank = HourBank.objects.create(
            sale_key=sale_key,
            contract=contract,
            kind=HourBank.Kind.PACKAGE,
            valid_from=valid_from,
            # Valid through the last day: it expires when that day ends.
            expires_at=local_midnight(last_day + dt.timedelta(days=1)),
            purchase_price_net=price_net if price_net is not None else plan.price_net,
        )
        _grant(bank, minutes, f"package bought on {purchased_on}", actor)
        audit.record(
            "bank.package_granted",
            bank,
            actor=actor,
            organisation=contract.organisation,
            minutes=minutes,
            valid_through=last_day.isoformat(),
        )
        # R-HRS-3: the tickets that waited for a package go back to the queue.
        signals.package_granted.send(sender=Contract, contract=contract, actor=actor)
    return bank


def ensure_month_banks(
    contract: Contract, month: dt.date, *, actor: Actor = None
) -> list[HourBank]:
    """The month's allotment (R-HRS-4) and guaranteed-support counter (R-SLA-5), granted
    once: a second call, or a second worker, finds them and grants nothing."""
    plan = contract.plan
    start = month_start(month)
    if not in_force_during(contract, start, next_month_start(start)):
        return []
    wanted = []
    included = (
        contract.included_minutes
        if contract.included_minutes is not None
        else plan.included_minutes
    )
    if plan.allotment_period == AllotmentPeriod.MONTH and included > 0:
        wanted.append((HourBank.Kind.ALLOTMENT, included))
    if plan.guaranteed_monthly_minutes:
        wanted.append((HourBank.Kind.GUARANTEE, plan.guaranteed_monthly_minutes))
    banks = []
    valid_from, expires_at = local_midnight(start), local_midnight(next_month_start(start))
    for kind, minutes in wanted:
        with transaction.atomic():
            bank, created = HourBank.objects.get_or_create(
                contract=contract,
                kind=kind,
                valid_from=valid_from,
                defaults={"expires_at": expires_at},
            )
            if created:
                _grant(
                    bank,
                    minutes,
                    f"{stored_label(HourBank.Kind(bank.kind))} for {start:%Y-%m}",
                    actor,
                )
        banks.append(bank)
    return banks


def in_force_during(contract: Contract, start: dt.date, end: dt.date) -> bool:
    """In force on some day of [start, end)."""
    if contract.status not in (
        Contract.Status.ACTIVE,
        Contract.Status.NOTICE,
        Contract.Status.TERMINATED,
        Contract.Status.EXPIRED,
    ):
        return False
    if contract.starts_on is None or contract.starts_on >= end:
        return False
    return contract.ends_on is None or contract.ends_on >= start


def valid_packages(contract: Contract, at: dt.datetime) -> QuerySet[HourBank]:
    return HourBank.objects.filter(
        contract=contract,
        kind=HourBank.Kind.PACKAGE,
        closed_at__isnull=True,
        valid_from__lte=at,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


def has_valid_package(contract: Contract, at: dt.datetime) -> bool:
    balances = valid_packages(contract, at).annotate(left=Sum("entries__minutes"))
    return balances.filter(left__gt=0).exists()


def with_valid_package(contract_ids: Iterable[int], at: dt.datetime) -> set[int]:
    """``has_valid_package`` of many contracts at one moment: those that have one, in
    one query."""
    return set(
        HourBank.objects.filter(
            contract_id__in=set(contract_ids),
            kind=HourBank.Kind.PACKAGE,
            closed_at__isnull=True,
            valid_from__lte=at,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        .annotate(left=Sum("entries__minutes"))
        .filter(left__gt=0)
        .order_by()
        .values_list("contract_id", flat=True)
        .distinct()
    )


def drawable(contract: Contract, at: dt.datetime) -> list[HourBank]:
    """The banks ``draw`` takes from at ``at``, in its order: the soonest-expiring
    package first, then the month's allotment."""
    candidates = list(valid_packages(contract, at).order_by("expires_at", "valid_from", "pk"))
    allotment = HourBank.objects.filter(
        contract=contract,
        kind=HourBank.Kind.ALLOTMENT,
        valid_from__lte=at,
        expires_at__gt=at,
        closed_at__isnull=True,
    ).first()
    return [*candidates, allotment] if allotment else candidates


def draw(
    contract: Contract,
    minutes: int,
    at: dt.datetime,
    work_log: WorkLog,
    actor: Actor = None,
) -> tuple[list[Draw], int]:
    """Takes ``minutes`` from the banks valid at ``at``: the soonest-expiring package
    first, then the month's allotment; returns the draws and what is left (overage).
    Must run inside a transaction; the banks are locked in id order, so parallel draws
    queue up instead of overdrawing."""
    ensure_month_banks(contract, timezone.localtime(at).date(), actor=actor)
    candidates = drawable(contract, at)
    locked = {
        b.pk: b
        for b in HourBank.objects.select_for_update()
        .filter(pk__in=[b.pk for b in candidates])
        .order_by("pk")
    }
    draws, left = [], minutes
    for candidate in candidates:
        bank = locked[candidate.pk]
        if left == 0:
            break
        available = balance(bank)
        take = min(available, left)
        if take <= 0:
            continue
        LedgerEntry.objects.create(
            bank=bank,
            kind=LedgerEntry.Kind.USE,
            minutes=-take,
            work_log=work_log,
            at=at,
            reason=f"work on {work_log}",
            actor=audit.acting_user(actor),
        )
        draws.append(Draw(bank, take))
        left -= take
        if bank.kind == HourBank.Kind.PACKAGE and available == take:
            # R-HRS-3: a package used up is over, whatever its date says.
            HourBank.objects.filter(pk=bank.pk).update(closed_at=at)
    if draws:
        signals.bank_drawn.send(HourBank, banks=[d.bank for d in draws], actor=actor)
    return draws, left


def count_guaranteed_support(
    contract: Contract, minutes: int, at: dt.datetime, work_log: WorkLog
) -> None:
    """E-mail work counts against the month's guaranteed-support limit (R-SLA-5); past
    the limit it is still done, without the guarantee."""
    banks = ensure_month_banks(contract, timezone.localtime(at).date())
    counter = next((b for b in banks if b.kind == HourBank.Kind.GUARANTEE), None)
    if counter is None or minutes == 0:
        return
    counter = HourBank.objects.select_for_update().get(pk=counter.pk)
    take = min(balance(counter), minutes)
    if take > 0:
        LedgerEntry.objects.create(
            bank=counter,
            kind=LedgerEntry.Kind.USE,
            minutes=-take,
            work_log=work_log,
            at=at,
            reason=f"e-mail work on {work_log}",
        )


def guarantee_used_minutes(contract: Contract, at: dt.datetime) -> int:
    """Minutes used of the month's guaranteed-support limit at ``at``."""
    start = local_midnight(month_start(timezone.localtime(at).date()))
    used = LedgerEntry.objects.filter(
        bank__contract=contract,
        bank__kind=HourBank.Kind.GUARANTEE,
        bank__valid_from=start,
        kind=LedgerEntry.Kind.USE,
    ).aggregate(total=Sum("minutes"))["total"]
    return -int(used or 0)


def correct(bank: HourBank, minutes: int, *, reason: str, actor: Actor = None) -> LedgerEntry:
    """A manager's correction: a new entry, never an edit (R-HRS-5)."""
    if minutes == 0:
        raise BankError("minutes: a correction must change the balance")
    if not reason.strip():
        raise BankError("reason: say why the balance is corrected")
    with transaction.atomic():
        bank = HourBank.objects.select_for_update().get(pk=bank.pk)
        if balance(bank) + minutes < 0:
            raise BankError(f"minutes: the balance would go below zero ({balance(bank)} min left)")
        entry = LedgerEntry.objects.create(
            bank=bank,
            kind=LedgerEntry.Kind.CORRECTION,
            minutes=minutes,
            reason=reason.strip(),
            actor=audit.acting_user(actor),
        )
        audit.record(
            "bank.corrected",
            bank,
            actor=actor,
            organisation=bank.contract.organisation,
            minutes=minutes,
            reason=reason.strip(),
        )
    return entry
