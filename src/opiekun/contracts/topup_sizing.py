"""The size of a top-up offer and its explanation (issue 21, item 4). The need is the
last 30 days' pace (the ledger's use entries on the contract's packages, as the portal's
run-out forecast reads it) times the time from the forecast run-out day to the end of
the package in force (or one 30-day period when nothing is left in force), rounded up to
whole packages of the plan, at least one. Reads are one query for any number of
contracts (``candidates``), so the beat's batch costs the same for 1 or 1000."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opiekun.catalog.models import Plan
from opiekun.contracts import queries, selling
from opiekun.contracts.models import Contract, HourBank, LedgerEntry, TopUpOffer

PACE_DAYS = 30  # the window the portal's run-out forecast reads (banks.run_out_forecast)


@dataclass(frozen=True)
class Proposal:
    """What an offer would say: the figures, and the packages that cover the need."""

    used_minutes: int
    left_minutes: int
    runs_out_at: dt.datetime | None  # None: at this pace it never runs out
    covers_until: dt.datetime
    need_minutes: int
    packages: int
    minutes: int
    price_net: Decimal | None

    @property
    def runs_out_on(self) -> dt.date | None:
        return timezone.localtime(self.runs_out_at).date() if self.runs_out_at else None


def candidates(now: dt.datetime, contract_ids: list[int] | None = None) -> QuerySet[Contract]:
    """Contracts in force whose plan sells packages, each with ``used_30`` (minutes used
    from its packages in the last 30 days), ``left`` (minutes in its packages in force),
    ``last_expiry`` (when the last of those expires) and ``last_bank`` (its newest
    package's id): one query."""
    today = timezone.localtime(now).date()
    in_force = Q(
        banks__kind=HourBank.Kind.PACKAGE,
        banks__closed_at__isnull=True,
        banks__valid_from__lte=now,
        banks__expires_at__gt=now,
    )
    used = Q(
        banks__kind=HourBank.Kind.PACKAGE,
        banks__entries__kind=LedgerEntry.Kind.USE,
        banks__entries__at__gt=now - dt.timedelta(days=PACE_DAYS),
        banks__entries__at__lte=now,
    )
    found = Contract.objects.filter(
        status__in=queries.IN_FORCE,
        starts_on__lte=today,
        plan__package_validity_months__isnull=False,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if contract_ids is not None:
        found = found.filter(pk__in=contract_ids)
    return found.select_related("plan", "organisation").annotate(
        # Use entries take minutes (negative): the pace is their sum turned round.
        used_30=Sum("banks__entries__minutes", filter=used) * -1,
        left=Sum("banks__entries__minutes", filter=in_force),
        last_expiry=Max("banks__expires_at", filter=in_force),
        last_bank=Max("banks__pk", filter=Q(banks__kind=HourBank.Kind.PACKAGE)),
    )


def propose(
    plan: Plan, *, used: int, left: int, last_expiry: dt.datetime | None, now: dt.datetime
) -> Proposal:
    used, left = max(used, 0), max(left, 0)
    period = dt.timedelta(days=PACE_DAYS)
    if left == 0:
        runs_out: dt.datetime | None = now
    elif used > 0:
        runs_out = now + period * (left / used)
    else:
        runs_out = None
    start = runs_out or now
    # Until the package in force expires; when it expires before it runs out (or none
    # is in force), one more period at the same pace.
    end = last_expiry if last_expiry is not None and last_expiry > start else start + period
    need = math.ceil(used * (end - start) / period) if runs_out is not None else 0
    size = plan.included_minutes or max(need, 60)
    packages = max(1, math.ceil(need / size))
    packages = min(packages, selling.MAX_PACKAGE_MINUTES // size)
    minutes = packages * size
    return Proposal(
        used_minutes=used,
        left_minutes=left,
        runs_out_at=runs_out,
        covers_until=end,
        need_minutes=need,
        packages=packages,
        minutes=minutes,
        price_net=selling.default_price(plan, minutes),
    )


def due(
    proposal: Proposal,
    *,
    days: int,
    waiting: bool,
    last_expiry: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    """Whether the forecast calls for an offer: out already with tickets waiting, or out
    within ``days`` and before the package expires (expiring first is the expiry
    notice's business, not a top-up's)."""
    if waiting:
        return True
    if days <= 0 or proposal.runs_out_at is None or proposal.left_minutes <= 0:
        return False
    if last_expiry is not None and proposal.runs_out_at >= last_expiry:
        return False
    return proposal.runs_out_at - now <= dt.timedelta(days=days)


def hours(minutes: int) -> str:
    """Minutes as hours in the reader's format: 840 -> "14", 390 -> "6.5" ("6,5")."""
    value = Decimal(minutes) / 60
    places = 0 if minutes % 60 == 0 else 1
    return formats.number_format(value.quantize(Decimal(10) ** -places), places)


def money(amount: Decimal, currency: str) -> str:
    return f"{formats.number_format(amount, 2, force_grouping=True)} {currency}"


def explain(offer: TopUpOffer) -> str:
    """The offer's figures in the reader's language: "Used 14 h in the last 30 days;
    6 h left, runs out about 12 December; offered 10 h (1 package of KJM-PACKAGE) at
    1,500.00 PLN net, valid until 15 December 2026 10:00."."""
    used = _("Used %(used)s h in the last 30 days") % {"used": hours(offer.used_minutes)}
    if offer.left_minutes <= 0:
        left = _("no hours left; questions wait for a package")
    elif offer.runs_out_on is not None:
        left = _("%(left)s h left, runs out about %(day)s") % {
            "left": hours(offer.left_minutes),
            "day": formats.date_format(offer.runs_out_on, "j E"),
        }
    else:
        left = _("%(left)s h left") % {"left": hours(offer.left_minutes)}
    packages = ngettext(
        "%(count)s package of %(plan)s", "%(count)s packages of %(plan)s", offer.packages
    ) % {"count": offer.packages, "plan": offer.plan.code}
    price = (
        _("at %(price)s net") % {"price": money(offer.price_net, offer.currency)}
        if offer.price_net is not None
        else _("at a price the vendor quotes")
    )
    offered = _("offered %(hours)s h (%(packages)s) %(price)s") % {
        "hours": hours(offer.minutes),
        "packages": packages,
        "price": price,
    }
    until = _("valid until %(day)s") % {
        "day": formats.date_format(timezone.localtime(offer.expires_at), "j E Y H:i")
    }
    return f"{used}; {left}; {offered}, {until}."
