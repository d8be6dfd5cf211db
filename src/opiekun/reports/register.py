"""The register of questions and answers (R-REG-1, R-REG-2; EKS: "Rejestr pytań
Użytkowników oraz odpowiedzi udzielonych przez konsultantów Wykonawcy"): for one
organisation (or one contract) and one month, every question open at some moment of the
month, with the answer, its date and documentation reference (R-CH-3), the status at the
month's end, the minutes worked in the month and the banks they were drawn from.

The status at the end of the month is read from the audit trail, not from the ticket as
it is today, so a register handed over in December still says what November's did: its
content hash (printed on every page of the PDF) can be checked later."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import Left
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.contracts.banks import bank_label, local_midnight
from opiekun.contracts.models import Contract, HourBank, LedgerEntry
from opiekun.core import bounds
from opiekun.core.language import stored_label
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Organisation
from opiekun.tariff.periods import month_start, next_month_start
from opiekun.tickets.models import Message, Ticket, WorkLog

DONE = {"ticket.resolved", "ticket.closed"}
STATUS_EVENTS = (*DONE, "ticket.reopened")
ANSWER_LIMIT = 2000  # characters of an answer printed in the register


class RegisterError(ValueError):
    """The register cannot be made as asked; the message names what is wrong."""


@dataclass(frozen=True)
class Row:
    position: int
    asked_at: str  # local time, ISO, to the minute
    channel: str
    reference: str
    subject: str
    answer: str
    documentation_ref: str
    answered_at: str
    status: str  # "closed" or "pending" at the end of the month
    raw_minutes: int
    billable_minutes: int
    banks: str


@dataclass
class Register:
    vendor: str
    organisation: str
    organisation_tax_id: str
    contract: str
    period: str  # YYYY-MM
    rows: list[Row] = field(default_factory=list)
    # A page of the register (the console's preview, issue 20) holds only its rows; the
    # month's count and totals come with it, counted over every row. It has no content
    # hash: the hash is of the whole register, printed on every copy handed over.
    count: int | None = None
    month_totals: dict[str, int] | None = None

    @property
    def whole(self) -> bool:
        return self.count is None

    @property
    def totals(self) -> dict[str, int]:
        if self.month_totals is not None:
            return self.month_totals
        return {
            "questions": len(self.rows),
            "closed": sum(1 for r in self.rows if r.status == "closed"),
            "pending": sum(1 for r in self.rows if r.status == "pending"),
            "raw_minutes": sum(r.raw_minutes for r in self.rows),
            "billable_minutes": sum(r.billable_minutes for r in self.rows),
        }

    def canonical(self) -> bytes:
        """The content the hash is taken of: every field, in a fixed order and form."""
        content = {
            "vendor": self.vendor,
            "organisation": self.organisation,
            "organisation_tax_id": self.organisation_tax_id,
            "contract": self.contract,
            "period": self.period,
            "rows": [asdict(r) for r in self.rows],
            "totals": self.totals,
        }
        return json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @property
    def content_hash(self) -> str:
        if not self.whole:
            raise RegisterError("a page of the register has no content hash; build it whole")
        return hashlib.sha256(self.canonical()).hexdigest()


def parse_period(text: str, field: str = "period") -> dt.date:
    """The first day of a month written as 2026-11, within the months the product
    accepts (2000-01 to 2099-12: the month after must exist too)."""
    return bounds.month(field, text, error=RegisterError)


def _local(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


Progress = Callable[[int, int], None]  # (done, total) as rows are made


@dataclass(frozen=True)
class _Question:
    """A ticket of the register as the selection sees it: what every row needs before
    the page is known (the heavy parts are read for the page's tickets only)."""

    pk: int
    received_at: dt.datetime
    vendor: str | None


def build(
    organisation: Organisation,
    month: dt.date,
    *,
    contract: Contract | None = None,
    progress: Progress | None = None,
    page: Callable[[int], slice] | None = None,
) -> Register:
    """The register of a month. With ``page`` (given the month's number of rows, the
    slice of them to show), only that page's rows are made; the count and the totals
    are still over the whole month (a big customer's month is 1,400 rows at 1M
    tickets, and the console shows 100)."""
    start = month_start(month)
    lo, hi = local_midnight(start), local_midnight(next_month_start(start))
    if contract is not None and contract.organisation_id != organisation.pk:
        raise RegisterError(f"contract: {contract.number} is not a contract of {organisation}")
    tickets_qs = Ticket.objects.filter(organisation=organisation, received_at__lt=hi)
    if contract is not None:
        tickets_qs = tickets_qs.filter(contract=contract)
    # Candidates: asked in the month, or open now, or finished at or after its start; the
    # audit trail then decides which were open at some moment of the month.
    candidates = [
        _Question(*values)
        for values in tickets_qs.filter(
            Q(received_at__gte=lo) | Q(is_open=True) | Q(resolved_at__gte=lo) | Q(closed_at__gte=lo)
        )
        .order_by("received_at", "pk")
        .values_list("pk", "received_at", "contract__plan__vendor__name")
    ]
    events: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for subject_id, at, kind in AuditEvent.objects.filter(
        subject_type="tickets.ticket",
        subject_id__in=[str(t.pk) for t in candidates],
        kind__in=STATUS_EVENTS,
        at__lt=hi,
    ).values_list("subject_id", "at", "kind"):
        events[int(subject_id)].append((at, kind))
    for found in events.values():
        found.sort()

    def done_at(pk: int, moment: dt.datetime) -> bool:
        before = [kind for at, kind in events[pk] if at < moment]
        return bool(before) and before[-1] in DONE

    def changed_within(pk: int) -> bool:
        return any(lo <= at < hi for at, _kind in events[pk])

    questions = [
        t
        for t in candidates
        if t.received_at >= lo or not done_at(t.pk, lo) or changed_within(t.pk)
    ]
    window = page(len(questions)) if page is not None else slice(None)
    shown = questions[window]
    first_position = 1 + range(len(questions))[window].start if shown else 1
    ids = [t.pk for t in shown]
    tickets = Ticket.objects.only("channel", "reference", "subject", "received_at").in_bulk(ids)
    answers: dict[int, tuple[str, str, dt.datetime]] = {}
    for ticket_id, body, reference, created_at in (
        Message.objects.filter(
            ticket_id__in=ids,
            direction=Message.Direction.OUTBOUND,
            author_staff__isnull=False,
            created_at__lt=hi,
        )
        .order_by("created_at", "pk")
        .values_list(
            "ticket_id", Left("body_text", ANSWER_LIMIT), "documentation_ref", "created_at"
        )
    ):
        answers[ticket_id] = (body, reference, created_at)  # the last answer by the month's end
    month_logs = WorkLog.objects.filter(started_at__gte=lo, started_at__lt=hi)
    minutes: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for ticket_id, raw, billable, overage in month_logs.filter(ticket_id__in=ids).values_list(
        "ticket_id", "raw_minutes", "billable_minutes", "overage_minutes"
    ):
        minutes[ticket_id][0] += raw
        minutes[ticket_id][1] += billable
        minutes[ticket_id][2] += overage
    drawn: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in (
        LedgerEntry.objects.filter(
            work_log__ticket_id__in=ids,
            work_log__started_at__gte=lo,
            work_log__started_at__lt=hi,
            kind=LedgerEntry.Kind.USE,
        )
        .exclude(bank__kind=HourBank.Kind.GUARANTEE)
        .select_related("bank", "work_log")
    ):
        drawn[entry.work_log.ticket_id][bank_label(entry.bank)] += -entry.minutes

    rows = []
    for n, question in enumerate(shown, start=first_position):
        ticket = tickets[question.pk]
        reply = answers.get(ticket.pk)
        raw, billable, overage = minutes[ticket.pk]
        banks = [f"{label} {m} min" for label, m in sorted(drawn[ticket.pk].items())]
        if overage:
            banks.append(f"beyond the banks {overage} min")
        rows.append(
            Row(
                position=n,
                asked_at=_local(ticket.received_at),
                channel=stored_label(Channel(ticket.channel)),
                reference=ticket.reference,
                subject=ticket.subject,
                answer=reply[0] if reply else "",
                documentation_ref=reply[1] if reply else "",
                answered_at=_local(reply[2]) if reply else "",
                status="closed" if done_at(ticket.pk, hi) else "pending",
                raw_minutes=raw,
                billable_minutes=billable,
                banks=", ".join(banks),
            )
        )
        if progress is not None:
            progress(n, len(questions))
    vendors = sorted(
        {t.vendor for t in questions if t.vendor}
        | (
            {contract.plan.vendor.name}
            if contract is not None
            else set(
                organisation.contracts.exclude(
                    status__in=(Contract.Status.QUOTE, Contract.Status.DECLINED)
                )
                .filter(starts_on__lt=next_month_start(start))
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
                .values_list("plan__vendor__name", flat=True)
            )
        )
    )
    made = Register(
        vendor=", ".join(vendors),
        organisation=organisation.name,
        organisation_tax_id=organisation.tax_id,
        contract=contract.number if contract else "",
        period=f"{start:%Y-%m}",
        rows=rows,
    )
    if page is not None:
        made.count = len(questions)
        closed = sum(1 for t in questions if done_at(t.pk, hi))
        worked = month_logs.filter(ticket_id__in=[t.pk for t in questions]).aggregate(
            raw=Sum("raw_minutes"), billable=Sum("billable_minutes")
        )
        made.month_totals = {
            "questions": len(questions),
            "closed": closed,
            "pending": len(questions) - closed,
            "raw_minutes": worked["raw"] or 0,
            "billable_minutes": worked["billable"] or 0,
        }
    return made
