"""The three reports of the console (issue 8) as tables: one header, typed rows, and which
columns the chart draws. The same table is the page, the chart and the CSV/XLSX export.

- SLA: per plan, organisation and month: reaction met, breached, pending, no guarantee
  (with why), median and worst reaction in working minutes of the target's calendar,
  and the customers' satisfaction ratings (how many, the average).
- Hours: per bank: granted, used and left, expiry, and when it runs out at the pace of
  the last 30 days; per customer: minutes beyond the banks and out-of-hours emergencies.
- Backlog: open tickets by age and status; work by agent in the month."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Greatest, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.contracts import banks
from opiekun.contracts.models import HourBank
from opiekun.core import exports
from opiekun.reports import documents, queries
from opiekun.reports.models import BankMonth, CustomerMonth
from opiekun.tariff.periods import add_months, month_start, next_month_start
from opiekun.tickets import notes
from opiekun.tickets.models import Ticket, WorkLog


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[exports.Cell]] = field(default_factory=list)
    chart: str = "grouped"  # or "stacked"
    series: tuple[int, ...] = ()  # the columns the chart draws
    labels: tuple[int, ...] = (0,)  # the columns that name a bar
    # Rows of the whole report when this table holds only a window of them (a page).
    whole_rows: int | None = None

    def export(self, fmt: str, meta: list[str] | None = None) -> bytes:
        if fmt == "csv":
            return exports.to_csv(self.header, self.rows)
        if fmt == "xlsx":
            return exports.to_xlsx(self.key, self.header, self.rows)
        if fmt == "pdf":
            return documents.table_pdf(self.title, meta or [], self.header, self.rows)
        raise ValueError(f"format: {fmt!r} is not csv, xlsx or pdf")


def _range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return banks.local_midnight(month_start(first)), banks.local_midnight(next_month_start(last))


def reaction_minutes(ticket: Ticket) -> int | None:
    """Working minutes from the clock's start to the first reaction, in the calendar the
    ticket's target is counted in, less the time it waited for the customer: the figure
    the clock actions kept on the row when the ticket reacted (issue 20)."""
    if ticket.reaction_working_minutes is None:
        return None
    return max(ticket.reaction_working_minutes - ticket.paused_minutes, 0)


class Median(Aggregate):
    """PostgreSQL's continuous median: the mean of the two middle values of an even
    count, as ``statistics.median`` gives."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def sla_report(
    first: dt.date,
    last: dt.date,
    now: dt.datetime | None = None,
    *,
    window: slice | None = None,
) -> Table:
    """The report's rows in the order plan, organisation, month; ``window`` (a slice of
    that order) builds only those rows: a page of the console (issue 20)."""
    return _sla_report(first, last, now or timezone.now(), window)


def sla_tickets(first: dt.date, last: dt.date) -> QuerySet[Ticket]:
    """The tickets the report counts, with the local month each one came in."""
    lo, hi = _range(first, last)
    return Ticket.objects.filter(received_at__gte=lo, received_at__lt=hi).annotate(
        month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone())
    )


SLA_KEYS = ("contract__plan__code", "organisation__name", "month")
# The order of the rows, in SQL so a page is a slice of it; a ticket without a plan
# ("—") last, as Python sorted "—" after letters before issue 20.
SLA_ORDER = (
    F("contract__plan__code").asc(nulls_last=True),
    F("organisation__name").asc(),
    F("month").asc(),
)


def sla_figures(now: dt.datetime) -> dict[str, Aggregate]:
    guaranteed = Q(guaranteed=True)
    late = Q(reaction_breached=True) | Q(reacted_at__isnull=True, reaction_due_at__lt=now)
    figures: dict[str, Aggregate] = {
        "met": Count("pk", filter=guaranteed & Q(reacted_at__isnull=False) & ~late),
        "breached": Count("pk", filter=guaranteed & late),
        "pending": Count("pk", filter=guaranteed & Q(reacted_at__isnull=True) & ~late),
        "none": Count("pk", filter=~guaranteed),
        "worst": Max(REACTION, filter=TIMED),
        "rated": Count("rating"),
        "score": Sum("rating__score"),
    }
    if connection.vendor == "postgresql":
        figures["median"] = Median(REACTION, filter=TIMED)
    return figures


TIMED = Q(guaranteed=True) & Q(reaction_working_minutes__isnull=False)
REACTION = Greatest(F("reaction_working_minutes") - F("paused_minutes"), Value(0))


Group = tuple[str, str, dt.date]


def _group(row: dict[str, Any]) -> Group:
    month = (
        timezone.localtime(row["month"]).date()
        if isinstance(row["month"], dt.datetime)
        else row["month"]
    )
    return (row["contract__plan__code"] or "—", row["organisation__name"], month_start(month))


def _sla_report(first: dt.date, last: dt.date, now: dt.datetime, window: slice | None) -> Table:
    table = Table(
        "sla",
        _("Reaction SLA per plan, organisation and month"),
        [
            _("plan"),
            _("organisation"),
            _("month"),
            _("met"),
            _("breached"),
            _("pending"),
            _("no guarantee"),
            _("why no guarantee"),
            _("median reaction (working min)"),
            _("worst reaction (working min)"),
            _("satisfaction ratings"),
            _("average rating (1-5)"),
        ],
        chart="stacked",
        series=(3, 4, 5, 6),
        labels=(0, 1, 2),
    )
    # One aggregate over the columns the actions keep (issue 20): no calendar is walked
    # here. A rating belongs to the month its ticket came in, as the reaction does.
    tickets = sla_tickets(first, last)
    grouped = tickets.values(*SLA_KEYS).annotate(**sla_figures(now)).order_by(*SLA_ORDER)
    if window is not None:
        # The number of rows of the whole report in the same pass: a window function
        # over the groups (a separate count grouped the period's tickets a second time).
        grouped = grouped.annotate(whole_rows=Window(Count("*")))
    found = list(grouped[window] if window is not None else grouped)
    rows = {_group(row): row for row in found}
    if window is not None:
        table.whole_rows = found[0]["whole_rows"] if found else None
        # The rest of the page's figures only for the page's customers.
        tickets = tickets.filter(organisation__name__in={g[1] for g in rows})
    if connection.vendor != "postgresql":
        # SQLite has no median aggregate: the embedded desk reads one integer a reacted
        # ticket of the period instead, still without walking a calendar.
        spans: dict[Group, list[int]] = defaultdict(list)
        for row in tickets.filter(TIMED).values(*SLA_KEYS, minutes=REACTION).order_by():
            spans[_group(row)].append(row["minutes"])
        for group, minutes in spans.items():
            if group in rows:
                rows[group]["median"] = statistics.median(minutes)
    reasons = _why_no_guarantee(tickets.filter(guaranteed=False), SLA_KEYS)
    for group, row in rows.items():
        plan, organisation, month = group
        table.rows.append(
            [
                plan,
                organisation,
                f"{month:%Y-%m}",
                row["met"],
                row["breached"],
                row["pending"],
                row["none"],
                "; ".join(f"{reason} ({n})" for reason, n in reasons.get(group, [])),
                round(row["median"]) if row.get("median") is not None else None,
                row["worst"],
                row["rated"],
                average_rating(row["score"], row["rated"]),
            ]
        )
    return table


def average_rating(score: int | None, rated: int) -> Decimal | None:
    return (Decimal(score or 0) / rated).quantize(Decimal("0.01")) if rated else None


def _why_no_guarantee(
    tickets: QuerySet[Ticket], keys: tuple[str, ...]
) -> dict[Group, list[tuple[str, int]]]:
    """Per group, the reasons in the reader's language, the most frequent first and, among
    equals, the one met first."""
    found: dict[Group, dict[str, list[Any]]] = defaultdict(dict)
    readable: dict[str, str] = {}
    for row in (
        tickets.values(*keys, "guarantee_note")
        .annotate(n=Count("pk"), first=Min("received_at"))
        .order_by()
    ):
        stored = row["guarantee_note"] or notes.write("no_guarantee")
        if stored not in readable:
            # A handful of distinct notes, each translated once: per row it cost seconds.
            readable[stored] = notes.for_reader(stored)
        reason = readable[stored]
        seen = found[_group(row)].setdefault(reason, [0, row["first"]])
        seen[0] += row["n"]
        seen[1] = min(seen[1], row["first"])
    return {
        group: [
            (reason, n)
            for reason, (n, _first) in sorted(by.items(), key=lambda i: (-i[1][0], i[1][1]))
        ]
        for group, by in found.items()
    }


def hours_report(
    month: dt.date, now: dt.datetime | None = None, *, window: slice | None = None
) -> Table:
    """One row a bank in the order organisation, start, with the customer's figures on
    its first bank's row; ``window`` (a slice of that order) builds only those rows."""
    now = now or timezone.now()
    table = Table(
        "hours",
        _("Hours per bank and customer"),
        [
            _("organisation"),
            _("bank"),
            _("granted in the month (min)"),
            _("used in the month (min)"),
            _("left now (min)"),
            _("expires"),
            _("runs out at the current pace"),
            _("beyond the banks (min)"),
            _("out-of-hours emergencies"),
        ],
        series=(2, 3),
        labels=(0, 1),
    )
    # The month's figures as the actions kept them (reports.hours), not the ledger.
    start = month_start(month)
    active = hours_banks(month)
    listed_extra: set[int] = set()
    if window is not None:
        # One bank before the page: whether the page's first row is its customer's first.
        before = max((window.start or 0) - 1, 0)
        chosen = list(banks.with_balances(active)[before : window.stop])
        if window.start and chosen:
            listed_extra.add(chosen.pop(0).contract.organisation_id)
    else:
        chosen = list(banks.with_balances(active))
    ids = [bank.pk for bank in chosen]
    by_bank: dict[int, Mapping[str, Any]] = {
        row["bank"]: row
        for row in BankMonth.objects.filter(month=start, bank__in=ids).values(
            "bank", "granted", "used"
        )
    }
    extra: dict[int, Mapping[str, Any]] = {
        row["organisation"]: row
        for row in CustomerMonth.objects.filter(
            month=start, organisation__in={b.contract.organisation_id for b in chosen}
        ).values("organisation", "overage", "emergencies")
    }
    lately = banks.recent_use(ids, now)
    for bank in chosen:
        org = bank.contract.organisation
        row = by_bank.get(bank.pk, {})
        first_of_org = org.pk not in listed_extra
        listed_extra.add(org.pk)
        ext = extra.get(org.pk, {}) if first_of_org else {}
        expires = timezone.localtime(bank.expires_at).date() if bank.expires_at else None
        forecast = None
        if bank.closed_at is None:
            forecast = banks.run_out_forecast(bank, now, used_lately=lately.get(bank.pk, 0))
        table.rows.append(
            [
                org.name,
                banks.bank_label(bank, for_screen=True),
                row.get("granted") or 0,
                row.get("used") or 0,
                int(bank.balance_minutes or 0),  # type: ignore[attr-defined]
                expires,
                forecast,
                ext.get("overage") or 0 if first_of_org else None,
                ext.get("emergencies") or 0 if first_of_org else None,
            ]
        )
    return table


def hours_banks(month: dt.date) -> QuerySet[HourBank]:
    """The banks the hours report lists for ``month``: those with figures in the month
    and those open in it, in the report's order."""
    lo, hi = _range(month, month)
    kept = BankMonth.objects.filter(month=month_start(month)).values("bank")
    return (
        HourBank.objects.exclude(kind=HourBank.Kind.GUARANTEE)
        .filter(Q(pk__in=kept) | Q(closed_at__isnull=True, valid_from__lt=hi))
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=lo))
        .select_related("contract__organisation")
        .order_by("contract__organisation__name", "valid_from", "pk")
    )


def backlog_report(now: dt.datetime | None = None) -> Table:
    statuses, rows = queries.backlog_by_age(now)
    labels = dict(Ticket.Status.choices)
    table = Table(
        "backlog",
        _("Open tickets by age and status"),
        [_("age"), *(str(labels[s]) for s in statuses), _("total")],
        chart="stacked",
        series=tuple(range(1, len(statuses) + 1)),
    )
    for row in rows:
        table.rows.append([row.bucket, *row.by_status.values(), row.total])
    return table


def work_report(month: dt.date) -> Table:
    lo, hi = _range(month, month)
    table = Table(
        "work",
        _("Work by agent"),
        [_("agent"), _("pieces of work"), _("tickets"), _("raw minutes"), _("billable minutes")],
        series=(3, 4),
    )
    for row in (
        WorkLog.objects.filter(started_at__gte=lo, started_at__lt=hi)
        .values("staff__user__first_name", "staff__user__last_name", "staff__user__username")
        .annotate(
            pieces=Count("pk"),
            tickets=Count("ticket", distinct=True),
            raw=Sum("raw_minutes"),
            billable=Sum("billable_minutes"),
        )
        .order_by("-billable", "staff__user__username")
    ):
        name = f"{row['staff__user__first_name']} {row['staff__user__last_name']}".strip()
        table.rows.append(
            [
                name or row["staff__user__username"],
                row["pieces"],
                row["tickets"],
                row["raw"],
                row["billable"],
            ]
        )
    return table


def last_months(count: int, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    last = month_start(today or timezone.localdate())
    return add_months(last, -(count - 1)), last
