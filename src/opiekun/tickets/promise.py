"""What a customer would get if they asked now (issue 16): the reaction deadline a
question would have, or why none and which channels would give one. The same arithmetic
as intake (``sla.decide``), read before anything is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from opiekun.catalog.choices import Channel, Severity
from opiekun.catalog.models import Plan, Product
from opiekun.contracts import banks
from opiekun.contracts import queries as contract_queries
from opiekun.customers.models import Organisation
from opiekun.tickets import notes, sla
from opiekun.workcal import WorkingCalendar


@dataclass(frozen=True)
class Offer:
    """A guaranteed reaction: by when, how many working minutes, in which calendar."""

    channel: str
    due_at: dt.datetime
    target_minutes: int
    calendar: WorkingCalendar


@dataclass
class Promise:
    """``reason`` is a stored note (English, ``notes.for_reader`` says it again);
    ``channels`` the other channels that would give this question a guarantee now."""

    plan: Plan | None
    offer: Offer | None = None
    reason: str = ""
    channels: list[Offer] = field(default_factory=list)
    product_covered: bool = True
    ack_due_at: dt.datetime | None = None  # R-SLA-6: receipt confirmed by then

    @property
    def guaranteed(self) -> bool:
        return self.offer is not None


def promise(
    organisation: Organisation,
    *,
    severity: str = Severity.NORMAL,
    product: Product | None = None,
    channel: str = Channel.PORTAL,
    at: dt.datetime | None = None,
) -> Promise:
    at = at or timezone.now()
    if severity not in Severity.values:
        severity = Severity.NORMAL
    contract = contract_queries.contract_in_force(organisation, timezone.localtime(at).date())
    if contract is None:
        return Promise(None, reason=notes.write("no_contract"))
    plan = contract.plan
    terms = sla.terms_for(plan)
    used = banks.guarantee_used_minutes(contract, at)

    def decide(via: str) -> sla.SlaDecision:
        return sla.decide(
            terms,
            received_at=at,
            channel=via,
            severity=severity,
            guarantee_used_minutes=used,
            warn_share=settings.SLA_WARNING_PERCENT / 100,
        )

    def offer(decided: sla.SlaDecision, via: str) -> Offer | None:
        if decided.due_at is None or decided.target_minutes is None:
            return None
        return Offer(via, decided.due_at, decided.target_minutes, decided.calendar)

    decided = decide(channel)
    here = offer(decided, channel)
    covered = (
        product is None
        or not plan.products.exists()
        or plan.products.filter(pk=product.pk).exists()
    )
    found = Promise(
        plan,
        here,
        decided.no_guarantee_reason,
        product_covered=covered,
        ack_due_at=decided.ack_due_at,
    )
    if here is None:
        # Only channels the plan opens, and open now (KJM's phones 7-16 on weekdays), can
        # be pointed to, in the order of Channel.
        for other in Channel.values:
            opened = terms.channels.get(other)
            if other == channel or opened is None:
                continue
            if opened.open_hours is None or opened.open_hours.is_working_time(at):
                alternative = offer(decide(other), other)
                if alternative is not None:
                    found.channels.append(alternative)
    return found
