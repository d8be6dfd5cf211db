"""Monthly hour figures kept as they happen (issue 20, item 4): a bank's minutes granted
and used per month, and a customer's minutes beyond its banks and out-of-hours
emergencies per month. Each write of a ledger entry or a work log recounts the one
month it falls in, inside the writing action's transaction, so the hours report and the
dashboards read a few thousand rows instead of the ledger, with the same figures.

A recount rather than an increment: a work log's overage is set after it is created
(and corrections write negative pieces), and a recount of one bank-month or
customer-month is a small indexed aggregate. The summary row is locked first, so two
actions writing the same month one after the other each count the other's rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Model, Q, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from opiekun.contracts import signals
from opiekun.contracts.banks import local_midnight
from opiekun.contracts.models import LedgerEntry
from opiekun.reports.models import BankMonth, CustomerMonth
from opiekun.tariff.periods import month_start, next_month_start
from opiekun.tickets.models import Ticket, WorkLog


def month_of(moment: dt.datetime) -> dt.date:
    return month_start(timezone.localtime(moment).date())


def bounds_of(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(month), local_midnight(next_month_start(month))


def _locked(model: type[Model], **key: Any) -> None:
    model.objects.bulk_create([model(**key)], ignore_conflicts=True)  # type: ignore[attr-defined]
    model.objects.select_for_update().filter(**key).get()  # type: ignore[attr-defined]


def ledger_figures(bank_id: int, month: dt.date) -> dict[str, int]:
    lo, hi = bounds_of(month)
    sums = LedgerEntry.objects.filter(bank_id=bank_id, at__gte=lo, at__lt=hi).aggregate(
        granted=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.GRANT)),
        used=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.USE)),
    )
    return {"granted": sums["granted"] or 0, "used": -(sums["used"] or 0)}


def work_figures(organisation_id: int, month: dt.date) -> dict[str, int]:
    lo, hi = bounds_of(month)
    sums = WorkLog.objects.filter(
        ticket__organisation_id=organisation_id, started_at__gte=lo, started_at__lt=hi
    ).aggregate(
        overage=Sum("overage_minutes"),
        overage_added=Sum("overage_minutes", filter=Q(overage_minutes__gt=0)),
        emergencies=Count("pk", filter=Q(emergency=True, out_of_hours=True)),
    )
    return {name: value or 0 for name, value in sums.items()}


def recount_bank(bank_id: int, month: dt.date) -> None:
    with transaction.atomic():
        _locked(BankMonth, bank_id=bank_id, month=month)
        BankMonth.objects.filter(bank_id=bank_id, month=month).update(
            **ledger_figures(bank_id, month)
        )


def recount_customer(organisation_id: int, month: dt.date) -> None:
    with transaction.atomic():
        _locked(CustomerMonth, organisation_id=organisation_id, month=month)
        CustomerMonth.objects.filter(organisation_id=organisation_id, month=month).update(
            **work_figures(organisation_id, month)
        )


@receiver(post_save, sender=LedgerEntry, dispatch_uid="reports.hours.ledger_entry_written")
def ledger_entry_written(sender: Any, instance: LedgerEntry, **kwargs: Any) -> None:
    recount_bank(instance.bank_id, month_of(instance.at))


@receiver(signals.ledger_written, dispatch_uid="reports.hours.ledger_written")
def ledger_written(sender: Any, *, bank_ids: list[int], month: dt.date, **kwargs: Any) -> None:
    recount_banks(bank_ids, month)


def recount_banks(bank_ids: list[int], month: dt.date) -> None:
    """``recount_bank`` for many banks of one month in two statements (a grouped read
    and an upsert), for the actions that write ledger entries in bulk."""
    lo, hi = bounds_of(month)
    sums = {
        row["bank_id"]: row
        for row in LedgerEntry.objects.filter(bank__in=bank_ids, at__gte=lo, at__lt=hi)
        .values("bank_id")
        .annotate(
            granted=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.GRANT)),
            used=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.USE)),
        )
        .order_by()
    }
    BankMonth.objects.bulk_create(
        [
            BankMonth(
                bank_id=pk,
                month=month,
                granted=sums.get(pk, {}).get("granted") or 0,
                used=-(sums.get(pk, {}).get("used") or 0),
            )
            for pk in bank_ids
        ],
        update_conflicts=True,
        unique_fields=["bank", "month"],
        update_fields=["granted", "used"],
    )


@receiver(post_save, sender=WorkLog, dispatch_uid="reports.hours.work_log_written")
def work_log_written(sender: Any, instance: WorkLog, **kwargs: Any) -> None:
    organisation = Ticket.objects.filter(pk=instance.ticket_id).values_list(
        "organisation_id", flat=True
    )
    recount_customer(organisation.get(), month_of(instance.started_at))


def _month(value: dt.date | dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def recount_all() -> int:
    """Every bank-month and customer-month, counted from the ledger and the work logs in
    two grouped queries: the backfill of existing data (the migration, the benchmark's
    generated data). Returns how many months were written."""
    zone = timezone.get_current_timezone()
    ledger = (
        LedgerEntry.objects.annotate(month=TruncMonth("at", tzinfo=zone))
        .values("bank_id", "month")
        .annotate(
            granted=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.GRANT)),
            used=Sum("minutes", filter=Q(kind=LedgerEntry.Kind.USE)),
        )
        .order_by()
    )
    bank_months = [
        BankMonth(
            bank_id=row["bank_id"],
            month=_month(row["month"]),
            granted=row["granted"] or 0,
            used=-(row["used"] or 0),
        )
        for row in ledger.iterator()
    ]
    work = (
        WorkLog.objects.annotate(month=TruncMonth("started_at", tzinfo=zone))
        .values("ticket__organisation_id", "month")
        .annotate(
            overage=Sum("overage_minutes"),
            overage_added=Sum("overage_minutes", filter=Q(overage_minutes__gt=0)),
            emergencies=Count("pk", filter=Q(emergency=True, out_of_hours=True)),
        )
        .order_by()
    )
    customer_months = [
        CustomerMonth(
            organisation_id=row["ticket__organisation_id"],
            month=_month(row["month"]),
            overage=row["overage"] or 0,
            overage_added=row["overage_added"] or 0,
            emergencies=row["emergencies"] or 0,
        )
        for row in work.iterator()
    ]
    with transaction.atomic():
        BankMonth.objects.bulk_create(
            bank_months,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["bank", "month"],
            update_fields=["granted", "used"],
        )
        CustomerMonth.objects.bulk_create(
            customer_months,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["organisation", "month"],
            update_fields=["overage", "overage_added", "emergencies"],
        )
    return len(bank_months) + len(customer_months)
