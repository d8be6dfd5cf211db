"""The beat's contract jobs in a fixed number of queries a batch (issue 20, item 5): the
month's grants, the expiry of banks past their validity, contracts that start and end.
Each reads what a batch needs at once, locks it, and writes with bulk inserts, so a pass
over 2,000 contracts costs what a pass over 3 does."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from opiekun.catalog.choices import AllotmentPeriod
from opiekun.contracts import signals
from opiekun.contracts.banks import in_force_during, local_midnight
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.core import audit, batch
from opiekun.core.language import stored_label
from opiekun.core.models import AuditEvent
from opiekun.tariff.periods import month_start, next_month_start

# Rows handled in one transaction: small enough that the locks are short, large enough
# that a pass over every contract is a few rounds.
BATCH = 500

Wanted = tuple[int, str, int]  # contract id, bank kind, minutes


def _wanted(contract: Contract, start: dt.date) -> list[tuple[str, int]]:
    """The banks ``contract`` gets for the month starting ``start`` (as
    ``banks.ensure_month_banks`` grants them one by one)."""
    if not in_force_during(contract, start, next_month_start(start)):
        return []
    plan = contract.plan
    included = (
        contract.included_minutes
        if contract.included_minutes is not None
        else plan.included_minutes
    )
    wanted: list[tuple[str, int]] = []
    if plan.allotment_period == AllotmentPeriod.MONTH and included > 0:
        wanted.append((HourBank.Kind.ALLOTMENT, included))
    if plan.guaranteed_monthly_minutes:
        wanted.append((HourBank.Kind.GUARANTEE, plan.guaranteed_monthly_minutes))
    return wanted


def _missing(contracts: list[Contract], start: dt.date) -> list[Wanted]:
    valid_from = local_midnight(start)
    have = set(
        HourBank.objects.filter(
            contract__in=[c.pk for c in contracts],
            valid_from=valid_from,
            kind__in=[HourBank.Kind.ALLOTMENT, HourBank.Kind.GUARANTEE],
        ).values_list("contract_id", "kind")
    )
    return [
        (c.pk, kind, minutes)
        for c in contracts
        for kind, minutes in _wanted(c, start)
        if (c.pk, kind) not in have
    ]


def grant_monthly(today: dt.date | None = None) -> int:
    """Every contract in force gets this month's banks once (R-HRS-4, R-SLA-5). Hourly,
    most passes find every bank there: two reads a batch of contracts. The ones missing
    are granted under a lock of their contracts, read again, so a second beat (or a
    redelivered task) waiting on that lock then finds them and grants nothing."""
    start = month_start(today or timezone.localdate())
    granted = 0
    contracts = Contract.objects.filter(
        status__in=[Contract.Status.ACTIVE, Contract.Status.NOTICE]
    ).select_related("plan")
    for page in batch.chunks(contracts, BATCH):
        missing = _missing(page, start)
        if missing:
            granted += _grant(sorted({pk for pk, _kind, _m in missing}), start)
    return granted


def _grant(contract_ids: list[int], start: dt.date) -> int:
    with transaction.atomic():
        locked = list(
            Contract.objects.select_for_update(of=("self",))
            .filter(pk__in=contract_ids)
            .select_related("plan")
            .order_by("pk")
        )
        missing = _missing(locked, start)
        if not missing:
            return 0
        valid_from, expires_at = local_midnight(start), local_midnight(next_month_start(start))
        banks = HourBank.objects.bulk_create(
            [
                HourBank(contract_id=pk, kind=kind, valid_from=valid_from, expires_at=expires_at)
                for pk, kind, _minutes in missing
            ]
        )
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    bank=bank,
                    kind=LedgerEntry.Kind.GRANT,
                    minutes=minutes,
                    reason=f"{stored_label(HourBank.Kind(kind))} for {start:%Y-%m}",
                    at=valid_from,
                )
                for bank, (_pk, kind, minutes) in zip(banks, missing, strict=True)
            ]
        )
        # A bulk insert sends no post_save: the kept monthly figures are told at once.
        signals.ledger_written.send(LedgerEntry, bank_ids=[b.pk for b in banks], month=start)
        return len(banks)


def expire_due(now: dt.datetime | None = None) -> int:
    """Closes every bank whose validity has ended, writing off what is left (R-HRS-3,
    R-HRS-4: unused hours do not carry over), a batch at a time: the due banks locked
    (``skip_locked`` on PostgreSQL, so two sweeps share the work; SQLite's write lock
    serialises), their balances in one grouped read, then one insert of the expiry
    entries, one update and one insert of the audit events. Idempotent: a closed bank
    is not due."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            due = list(
                HourBank.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(closed_at__isnull=True, expires_at__lte=now)
                .select_related("contract")
                .order_by("pk")[:BATCH]
            )
            if not due:
                return done
            left: dict[int, int] = defaultdict(int)
            for pk, total in (
                LedgerEntry.objects.filter(bank__in=[b.pk for b in due])
                .values_list("bank_id")
                .annotate(total=Sum("minutes"))
                .order_by()
            ):
                left[pk] = int(total or 0)
            # An expiry entry is neither a grant nor a use: the kept monthly figures
            # (granted, used) do not change, so no recount is asked for.
            LedgerEntry.objects.bulk_create(
                [
                    LedgerEntry(
                        bank=bank,
                        kind=LedgerEntry.Kind.EXPIRY,
                        minutes=-left[bank.pk],
                        at=bank.expires_at or now,
                        reason="validity ended; unused hours lapse",
                    )
                    for bank in due
                    if left[bank.pk] > 0
                ]
            )
            HourBank.objects.filter(pk__in=[b.pk for b in due]).update(
                closed_at=F("expires_at"), updated_at=now
            )
            events = []
            for bank in due:
                event = audit.event("bank.expired", bank, lapsed=left[bank.pk])
                event.organisation_id = bank.contract.organisation_id
                events.append(event)
            AuditEvent.objects.bulk_create(events)
            done += len(due)


def _locked(contract_ids: list[int]) -> list[Contract]:
    """The contracts of a batch, locked until the transaction ends and read again under
    the lock (a second beat may have changed them since the list)."""
    return list(
        Contract.objects.select_for_update(of=("self",))
        .filter(pk__in=contract_ids)
        .select_related("plan")
        .order_by("pk")
    )


def _pages(contracts: QuerySet[Contract]) -> Iterator[list[int]]:
    """The ids of ``contracts``, a batch at a time, by key (what a batch changed may
    leave the set, so an offset would skip rows)."""
    yield from batch.chunks(contracts.values_list("pk", flat=True), BATCH, key=lambda pk: pk)


def activate_due(today: dt.date | None = None) -> int:
    """Accepted contracts whose first day has come become active (R-CON-1) and get this
    month's banks (R-HRS-4), a batch at a time: the list, the lock, one update, one
    insert of the audit events and the batched grant (``_grant``). A second beat waits
    on the lock, then reads them active and does nothing."""
    today = today or timezone.localdate()
    done = 0
    due = Contract.objects.filter(status=Contract.Status.ACCEPTED, starts_on__lte=today)
    for page in _pages(due):
        with transaction.atomic():
            ready = [c for c in _locked(page) if c.status == Contract.Status.ACCEPTED]
            if not ready:
                continue
            Contract.objects.filter(pk__in=[c.pk for c in ready]).update(
                status=Contract.Status.ACTIVE, updated_at=timezone.now()
            )
            events = []
            for contract in ready:
                event = audit.event("contract.activated", contract)
                event.organisation_id = contract.organisation_id
                events.append(event)
            AuditEvent.objects.bulk_create(events)
            _grant([c.pk for c in ready], month_start(today))
            done += len(ready)
    return done


def end_due(today: dt.date | None = None) -> int:
    """Contracts past their last day end, a batch at a time (R-CON-2): terminated after
    notice, expired after a fixed term. The status is read again under the lock, else a
    contract a second beat terminated meanwhile would be "expired" as well."""
    today = today or timezone.localdate()
    done = 0
    running = (Contract.Status.ACTIVE, Contract.Status.NOTICE)
    due = Contract.objects.filter(status__in=running, ends_on__lt=today)
    for page in _pages(due):
        with transaction.atomic():
            ending = [c for c in _locked(page) if c.status in running]
            if not ending:
                continue
            now = timezone.now()
            events = []
            for status, after in (
                (Contract.Status.NOTICE, Contract.Status.TERMINATED),
                (Contract.Status.ACTIVE, Contract.Status.EXPIRED),
            ):
                ids = [c.pk for c in ending if c.status == status]
                if not ids:
                    continue
                Contract.objects.filter(pk__in=ids).update(status=after, updated_at=now)
                for contract in ending:
                    if contract.status == status:
                        event = audit.event("contract.ended", contract, status=after)
                        event.organisation_id = contract.organisation_id
                        events.append(event)
            AuditEvent.objects.bulk_create(events)
            done += len(ending)
    return done
