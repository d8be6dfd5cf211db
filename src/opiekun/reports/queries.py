"""The figures behind the console's dashboards: reaction-SLA compliance per plan and
month, customers' satisfaction ratings, hours used against included per customer, the
backlog by age. Each is one or two
aggregate queries, whatever the number of tickets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Case, Count, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from opiekun.contracts.banks import local_midnight
from opiekun.contracts.models import HourBank
from opiekun.reports.models import BankMonth, CustomerMonth
from opiekun.tariff.periods import add_months, month_start
from opiekun.tickets.models import Rating, Ticket


@dataclass(frozen=True)
class Compliance:
    plan: str
    month: dt.date
    met: int
    breached: int
    pending: int
    no_guarantee: int

    @property
    def share_met(self) -> float | None:
        """Met among the decided guaranteed tickets; None while none is decided."""
        decided = self.met + self.breached
        return self.met / decided if decided else None


def sla_compliance(months: int = 6, now: dt.datetime | None = None) -> list[Compliance]:
    """Tickets received in each of the last ``months`` months, per plan: reaction met,
    breached, still pending, or received without a guarantee."""
    now = now or timezone.now()
    first = add_months(month_start(timezone.localdate(now)), -(months - 1))
    late = Q(reaction_breached=True) | Q(reacted_at__isnull=True, reaction_due_at__lt=now)
    guaranteed = Q(guaranteed=True)
    rows = (
        Ticket.objects.filter(received_at__gte=local_midnight(first))
        .annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("contract__plan__code", "month")
        .annotate(
            met=Count("pk", filter=guaranteed & Q(reacted_at__isnull=False) & ~late),
            breached=Count("pk", filter=guaranteed & late),
            pending=Count("pk", filter=guaranteed & Q(reacted_at__isnull=True) & ~late),
            no_guarantee=Count("pk", filter=Q(guaranteed=False)),
        )
        .order_by("contract__plan__code", "month")
    )
    return [
        Compliance(
            plan=row["contract__plan__code"] or "—",
            month=_as_date(row["month"]),
            met=row["met"],
            breached=row["breached"],
            pending=row["pending"],
            no_guarantee=row["no_guarantee"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Satisfaction:
    plan: str
    organisation: str
    ratings: int
    average: float
    poor: int  # rated 1 or 2: the tickets a manager reads first


def satisfaction(months: int = 6, now: dt.datetime | None = None) -> list[Satisfaction]:
    """Ratings given in the last ``months`` months, per plan and organisation, in one
    aggregate query."""
    now = now or timezone.now()
    first = add_months(month_start(timezone.localdate(now)), -(months - 1))
    rows = (
        Rating.objects.filter(created_at__gte=local_midnight(first))
        .values("ticket__contract__plan__code", "ticket__organisation__name")
        .annotate(
            ratings=Count("pk"), average=Avg("score"), poor=Count("pk", filter=Q(score__lte=2))
        )
        .order_by("ticket__contract__plan__code", "ticket__organisation__name")
    )
    return [
        Satisfaction(
            plan=row["ticket__contract__plan__code"] or "—",
            organisation=row["ticket__organisation__name"],
            ratings=row["ratings"],
            average=round(float(row["average"]), 2),
            poor=row["poor"],
        )
        for row in rows
    ]


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


@dataclass
class Hours:
    organisation: str
    included: int = 0  # minutes granted in the month: allotments and packages bought
    used: int = 0  # minutes drawn from the banks
    overage: int = 0  # minutes beyond the banks, billed at the rate


def hours_by_customer(month: dt.date, limit: int | None = None) -> list[Hours]:
    """Read from the monthly figures the actions keep (reports.hours), not the ledger;
    the busiest ``limit`` customers. (Ordering and cutting in SQL was tried for issue
    20: per-customer subqueries cost 1 s at 2,000 customers, these two grouped reads
    0.15 s.)"""
    start = month_start(month)
    found: dict[str, Hours] = {}
    ledger = (
        BankMonth.objects.filter(month=start)
        .exclude(bank__kind=HourBank.Kind.GUARANTEE)
        .values("bank__contract__organisation__name")
        .annotate(granted=Sum("granted"), used=Sum("used"))
    )
    for row in ledger:
        name = row["bank__contract__organisation__name"]
        hours = found.setdefault(name, Hours(name))
        hours.included += row["granted"] or 0
        hours.used += row["used"] or 0
    overage = (
        CustomerMonth.objects.filter(month=start, overage_added__gt=0)
        .values("organisation__name")
        .annotate(total=Sum("overage_added"))
    )
    for row in overage:
        name = row["organisation__name"]
        found.setdefault(name, Hours(name)).overage += row["total"]
    busiest = sorted(found.values(), key=lambda h: (-(h.used + h.overage), h.organisation))
    return busiest[:limit] if limit is not None else busiest


# Age buckets of the backlog: upper bound in days and label; the last has no bound.
AGES: tuple[tuple[int, str], ...] = ((1, "< 1 d"), (3, "1-3 d"), (7, "3-7 d"), (30, "7-30 d"))
OLDEST = "> 30 d"


@dataclass
class Backlog:
    bucket: str
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def backlog_by_age(now: dt.datetime | None = None) -> tuple[list[str], list[Backlog]]:
    """Open tickets per age bucket and status; the statuses in workflow order."""
    now = now or timezone.now()
    age = Case(
        *(
            When(received_at__gt=now - dt.timedelta(days=bound), then=Value(label))
            for bound, label in AGES
        ),
        default=Value(OLDEST),
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        # Open as "not finished" rather than is_open: the partial index ticket_open_age
        # is defined so.
        Ticket.objects.exclude(status__in=["resolved", "closed"])
        .annotate(age=age)
        .values("age", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["age"]][row["status"]] = row["n"]
    present = {status for by_status in counts.values() for status in by_status}
    order = [s for s in Ticket.Status.values if s in present]
    return order, [
        Backlog(label, {s: counts[label].get(s, 0) for s in order})
        for label in [*(label for _b, label in AGES), OLDEST]
    ]
