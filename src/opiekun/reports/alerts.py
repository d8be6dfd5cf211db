"""Alerts to the vendor (issue 17, item 9), for the console page, its badge and the API.
Four lists in five queries whatever the number of contracts (ADR 0022):

- contracts ending within the horizon (30 days);
- contracts whose customer's notice period starts within the horizon: the last day the
  customer can give notice for the contract to end at its end date, or, without one, at
  the end of the plan's minimum duration (R-CON-2: 30 days for the customer);
- hour banks in force (packages and monthly allotments) with 80 % or more of what was
  granted used, or overdrawn;
- customers whose tickets of the last 30 days exceed their usual volume: the mean of the
  90 days before them, 30 days at a time, times VOLUME_PERCENT, with at least
  VOLUME_FLOOR tickets (R-CON-2's renegotiation trigger, "ticket frequency")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from opiekun.contracts.models import Contract, HourBank
from opiekun.tariff.periods import add_months
from opiekun.tickets.models import Ticket

HORIZON_DAYS = 30
USED_PERCENT = 80
WINDOW_DAYS = 30
BASELINE_WINDOWS = 3
VOLUME_PERCENT = 150
VOLUME_FLOOR = 5
IN_FORCE = (Contract.Status.ACTIVE, Contract.Status.NOTICE)


@dataclass(frozen=True)
class ContractAlert:
    contract: Contract
    day: dt.date  # the end, or the day the notice period starts
    days_left: int


@dataclass(frozen=True)
class BankAlert:
    bank: HourBank
    granted_minutes: int
    balance_minutes: int

    @property
    def used_percent(self) -> int:
        used = self.granted_minutes - self.balance_minutes
        return (
            int(Decimal(100 * used) / Decimal(self.granted_minutes))
            if self.granted_minutes
            else 100
        )

    @property
    def overdrawn(self) -> bool:
        return self.balance_minutes < 0


@dataclass(frozen=True)
class VolumeAlert:
    contract: Contract
    recent: int  # tickets of the last WINDOW_DAYS
    usual: Decimal  # the mean of the windows before


@dataclass
class Alerts:
    ending: list[ContractAlert] = field(default_factory=list)
    notice: list[ContractAlert] = field(default_factory=list)
    banks: list[BankAlert] = field(default_factory=list)
    volume: list[VolumeAlert] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ending) + len(self.notice) + len(self.banks) + len(self.volume)


def _ending(today: dt.date, until: dt.date) -> list[ContractAlert]:
    found = Contract.objects.filter(
        status__in=IN_FORCE, ends_on__gte=today, ends_on__lte=until
    ).select_related("organisation", "plan")
    return [
        ContractAlert(c, c.ends_on, (c.ends_on - today).days)
        for c in found.order_by("ends_on")
        if c.ends_on is not None  # the filter says so; the type does not
    ]


def notice_starts(contract: Contract) -> dt.date | None:
    """The first day of the customer's notice period before the contract's end (or the
    end of its minimum duration); None when it runs until notice without a minimum."""
    end = contract.ends_on
    if end is None and contract.starts_on and contract.plan.minimum_months:
        end = add_months(contract.starts_on, contract.plan.minimum_months) - dt.timedelta(days=1)
    if end is None or not contract.plan.customer_notice_days:
        return None
    return end - dt.timedelta(days=contract.plan.customer_notice_days)


def _notice(today: dt.date, until: dt.date) -> list[ContractAlert]:
    # Only contracts with no notice given yet: under notice, the period has started.
    candidates = (
        Contract.objects.filter(status=Contract.Status.ACTIVE, plan__customer_notice_days__gt=0)
        .filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, plan__minimum_months__gt=0))
        .select_related("organisation", "plan")
    )
    found = []
    for contract in candidates:
        starts = notice_starts(contract)
        if starts is not None and today <= starts <= until:
            found.append(ContractAlert(contract, starts, (starts - today).days))
    return sorted(found, key=lambda a: a.day)


def _banks(now: dt.datetime) -> list[BankAlert]:
    found = (
        HourBank.objects.filter(
            kind__in=(HourBank.Kind.PACKAGE, HourBank.Kind.ALLOTMENT),
            closed_at__isnull=True,
            valid_from__lte=now,
            contract__status__in=IN_FORCE,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .annotate(
            balance_minutes=Sum("entries__minutes", default=0),
            granted_minutes=Sum("entries__minutes", filter=Q(entries__minutes__gt=0), default=0),
        )
        .filter(granted_minutes__gt=0)
        # used / granted >= 80 %, in whole numbers: 100 * (granted - balance) >= 80 * granted
        .filter(
            Q(balance_minutes__lt=0)
            | Q(balance_minutes__lte=F("granted_minutes") * (100 - USED_PERCENT) / 100)
        )
        .select_related("contract__organisation", "contract__plan")
        .order_by("balance_minutes")
    )
    return [BankAlert(b, b.granted_minutes, b.balance_minutes) for b in found]


def _volume(now: dt.datetime) -> list[VolumeAlert]:
    recent_from = now - dt.timedelta(days=WINDOW_DAYS)
    baseline_from = recent_from - dt.timedelta(days=WINDOW_DAYS * BASELINE_WINDOWS)
    # A contract younger than the baseline has no usual volume yet.
    eligible = Contract.objects.filter(
        status__in=IN_FORCE, starts_on__lte=timezone.localdate(baseline_from)
    )
    recent = Count("id", filter=Q(received_at__gte=recent_from))
    earlier = Count("id", filter=Q(received_at__lt=recent_from))
    # The test in SQL, in whole numbers (recent > usual x VOLUME_PERCENT / 100, where usual
    # = earlier / BASELINE_WINDOWS): only the customers above it come back, not 2,000 rows
    # and their contracts (issue 20: the dashboards' badge spent seconds loading those).
    counts = (
        Ticket.objects.filter(
            organisation_id__in=eligible.values("organisation_id"),
            merged_into__isnull=True,
            received_at__gte=baseline_from,
            received_at__lt=now,
        )
        .values("organisation_id")
        .annotate(recent=recent, earlier=earlier)
        .filter(recent__gte=VOLUME_FLOOR)
        .filter(GreaterThan(F("recent") * 100 * BASELINE_WINDOWS, F("earlier") * VOLUME_PERCENT))
        .order_by()
    )
    rows = list(counts)
    # The organisation's contract as before: of its eligible ones, the one started first.
    contracts = {
        c.organisation_id: c
        for c in eligible.filter(organisation_id__in=[r["organisation_id"] for r in rows])
        .select_related("organisation", "plan")
        .order_by("-starts_on")
    }
    found = []
    for row in rows:
        usual = Decimal(row["earlier"]) / BASELINE_WINDOWS
        if row["recent"] >= VOLUME_FLOOR and row["recent"] * 100 > usual * VOLUME_PERCENT:
            found.append(
                VolumeAlert(
                    contracts[row["organisation_id"]], row["recent"], usual.quantize(Decimal("0.1"))
                )
            )
    return sorted(found, key=lambda a: -a.recent)


def collect(now: dt.datetime | None = None) -> Alerts:
    now = now or timezone.now()
    today = timezone.localdate(now)
    until = today + dt.timedelta(days=HORIZON_DAYS)
    return Alerts(
        ending=_ending(today, until),
        notice=_notice(today, until),
        banks=_banks(now),
        volume=_volume(now),
    )
