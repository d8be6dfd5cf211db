"""Top-up offers (issue 21, item 4): the reverse of a request for hours. The beat (or an
agent by hand) offers the right number of packages before a bank runs out, or when it
is out and tickets wait; a buyer of the customer's accepts it online, which sells the
package (sale key ``topup-offer-<id>``: once, however often it is accepted) and so
releases the waiting tickets (R-HRS-3), or declines it. Each step is one transaction
under the offer's lock, with an audit event."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from opiekun.contracts import locks, selling, signals, topup_sizing
from opiekun.contracts.models import Contract, TopUpOffer
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.core.models import AuditEvent

# How long an offer stands: long enough for a customer's approval round, short enough
# that its forecast is still true when it is accepted (ADR 0032).
OFFER_VALID_DAYS = 14


class OfferError(ValueError):
    """The step cannot be taken; the message starts with the field's name."""


def _waiting_contracts() -> set[int]:
    """Contracts with tickets waiting for a package, asked of the tickets app (one query)."""
    waiting: set[int] = set()
    for _receiver, ids in signals.waiting_for_package.send(sender=Contract):
        waiting |= {int(pk) for pk in ids or ()}
    return waiting


def _offer(
    contract: Contract,
    proposal: topup_sizing.Proposal,
    *,
    now: dt.datetime,
    origin: str,
    actor: Actor = None,
    batch: str = "",
) -> TopUpOffer:
    return TopUpOffer(
        organisation_id=contract.organisation_id,
        contract=contract,
        bank_id=getattr(contract, "last_bank", None),
        plan=contract.plan,
        origin=origin,
        packages=proposal.packages,
        minutes=proposal.minutes,
        price_net=proposal.price_net,
        currency=contract.plan.currency,
        used_minutes=proposal.used_minutes,
        left_minutes=proposal.left_minutes,
        runs_out_on=proposal.runs_out_on,
        need_minutes=proposal.need_minutes,
        covers_until=timezone.localtime(proposal.covers_until).date(),
        expires_at=now + dt.timedelta(days=OFFER_VALID_DAYS),
        made_by=audit.acting_user(actor),
        batch=batch,
        created_at=now,
    )


def _facts(offer: TopUpOffer) -> dict[str, Any]:
    return {
        "minutes": offer.minutes,
        "packages": offer.packages,
        "price_net": str(offer.price_net) if offer.price_net is not None else None,
        "used_minutes": offer.used_minutes,
        "left_minutes": offer.left_minutes,
        "runs_out_on": offer.runs_out_on.isoformat() if offer.runs_out_on else None,
        "expires_at": offer.expires_at.isoformat(),
    }


def expire_due(now: dt.datetime | None = None) -> int:
    """Open offers past their validity become expired: three queries for any number."""
    now = now or timezone.now()
    with transaction.atomic():
        gone = list(
            TopUpOffer.objects.select_for_update()
            .filter(status=TopUpOffer.Status.OPEN, expires_at__lte=now)
            .values_list("pk", "organisation_id")
        )
        if not gone:
            return 0
        TopUpOffer.objects.filter(pk__in=[pk for pk, _org in gone]).update(
            status=TopUpOffer.Status.EXPIRED, updated_at=now
        )
        events = []
        for pk, org in gone:
            event = audit.event("topup.expired", TopUpOffer(pk=pk))
            event.organisation_id = org
            events.append(event)
        AuditEvent.objects.bulk_create(events)
    return len(gone)


def make_due_offers(now: dt.datetime | None = None) -> list[TopUpOffer]:
    """Run by beat: an offer for every contract whose packages run out within its plan's
    ``topup_offer_days`` at the last 30 days' pace, or are out with tickets waiting. The
    same queries for any number of contracts; a second run (or a second beat) makes
    none, because one open offer per contract is a database constraint."""
    now = now or timezone.now()
    with transaction.atomic():
        expire_due(now)
        waiting = _waiting_contracts()
        open_offers = TopUpOffer.objects.filter(status=TopUpOffer.Status.OPEN)
        found = (
            topup_sizing.candidates(now)
            .filter(plan__topup_offer_days__gt=0)
            .exclude(pk__in=open_offers.values("contract_id"))
        )
        batch = uuid.uuid4().hex
        planned = []
        for contract in found:
            proposal = topup_sizing.propose(
                contract.plan,
                used=int(contract.used_30 or 0),  # type: ignore[attr-defined]
                left=int(contract.left or 0),  # type: ignore[attr-defined]
                last_expiry=contract.last_expiry,  # type: ignore[attr-defined]
                now=now,
            )
            if topup_sizing.due(
                proposal,
                days=contract.plan.topup_offer_days,
                waiting=contract.pk in waiting,
                last_expiry=contract.last_expiry,  # type: ignore[attr-defined]
                now=now,
            ):
                planned.append(
                    _offer(
                        contract, proposal, now=now, origin=TopUpOffer.Origin.FORECAST, batch=batch
                    )
                )
        if not planned:
            return []
        # A concurrent run's offer for the same contract wins; this one skips it.
        TopUpOffer.objects.bulk_create(planned, ignore_conflicts=True)
        made = list(TopUpOffer.objects.filter(batch=batch).select_related("organisation", "plan"))
        AuditEvent.objects.bulk_create(
            [
                audit.event(
                    "topup.offered", o, organisation=o.organisation, origin="forecast", **_facts(o)
                )
                for o in made
            ]
        )
        signals.topup_offered.send(sender=TopUpOffer, offers=made, actor=None)
    return made


def offer_by_hand(contract: Contract, *, actor: Actor = None) -> TopUpOffer:
    """An account manager's or agent's offer, sized the same way (one package at least,
    even when the forecast asks for none: staff know something the ledger does not)."""
    now = timezone.now()
    with transaction.atomic():
        locks.hold_organisation(contract.organisation_id)
        expire_due(now)
        if TopUpOffer.objects.filter(contract=contract, status=TopUpOffer.Status.OPEN).exists():
            raise OfferError("contract: " + _("this contract has an open offer already"))
        found = topup_sizing.candidates(now, [contract.pk]).first()
        if found is None:
            raise OfferError(
                "contract: " + _("the contract is not in force or its plan sells no packages")
            )
        proposal = topup_sizing.propose(
            found.plan,
            used=int(found.used_30 or 0),  # type: ignore[attr-defined]
            left=int(found.left or 0),  # type: ignore[attr-defined]
            last_expiry=found.last_expiry,  # type: ignore[attr-defined]
            now=now,
        )
        offer = _offer(found, proposal, now=now, origin=TopUpOffer.Origin.STAFF, actor=actor)
        try:
            with transaction.atomic():
                offer.save()
        except IntegrityError:
            # The beat made one between our check and our insert.
            raise OfferError("contract: " + _("this contract has an open offer already")) from None
        audit.record(
            "topup.offered",
            offer,
            actor=actor,
            organisation=found.organisation,
            origin="staff",
            **_facts(offer),
        )
        signals.topup_offered.send(sender=TopUpOffer, offers=[offer], actor=actor)
    return offer


def _locked(offer: TopUpOffer) -> TopUpOffer:
    return (
        TopUpOffer.objects.select_for_update()
        .select_related("organisation", "plan")
        .get(pk=offer.pk)
    )


def _still_open(offer: TopUpOffer, now: dt.datetime) -> None:
    if offer.status != TopUpOffer.Status.OPEN:
        raise OfferError(
            "status: " + _("this offer is %(status)s") % {"status": offer.get_status_display()}
        )
    if offer.expires_at <= now:
        raise OfferError(
            "expires_at: "
            + _("this offer expired on %(day)s")
            % {"day": formats.date_format(timezone.localtime(offer.expires_at), "Y-m-d H:i")}
        )


def accept(offer: TopUpOffer, *, actor: Actor = None) -> TopUpOffer:
    """Sells the offered package. Accepting an accepted offer again returns it: a double
    click, a retried request or a second browser tab sells once."""
    now = timezone.now()
    with transaction.atomic():
        offer = _locked(offer)
        if offer.status == TopUpOffer.Status.ACCEPTED:
            return offer
        _still_open(offer, now)
        try:
            bank = selling.sell_package(
                offer.organisation,
                offer.plan,
                minutes=offer.minutes,
                price_net=offer.price_net,
                sale_key=f"topup-offer-{offer.pk}",
                actor=actor,
            )
        except selling.SaleError as exc:
            raise OfferError(str(exc)) from None
        offer.status, offer.sold_bank = TopUpOffer.Status.ACCEPTED, bank
        offer.answered_by, offer.answered_at = audit.acting_user(actor), now
        offer.save(
            update_fields=["status", "sold_bank", "answered_by", "answered_at", "updated_at"]
        )
        audit.record(
            "topup.accepted",
            offer,
            actor=actor,
            organisation=offer.organisation,
            bank=bank.pk,
            minutes=offer.minutes,
        )
    return offer


def _close(offer: TopUpOffer, status: str, kind: str, reason: str, actor: Actor) -> TopUpOffer:
    reason = bounds.text("reason", reason.strip(), max_length=500, error=OfferError)
    now = timezone.now()
    with transaction.atomic():
        offer = _locked(offer)
        if offer.status != TopUpOffer.Status.OPEN:
            _still_open(offer, now)
        offer.status, offer.reason = status, reason
        offer.answered_by, offer.answered_at = audit.acting_user(actor), now
        offer.save(update_fields=["status", "reason", "answered_by", "answered_at", "updated_at"])
        audit.record(kind, offer, actor=actor, organisation=offer.organisation, reason=reason)
    return offer


def decline(offer: TopUpOffer, *, reason: str = "", actor: Actor = None) -> TopUpOffer:
    """The customer says no, with a reason or none. An offer past its validity may be
    declined still: it only says so sooner than the beat would."""
    return _close(offer, TopUpOffer.Status.DECLINED, "topup.declined", reason, actor)


def withdraw(offer: TopUpOffer, *, reason: str = "", actor: Actor = None) -> TopUpOffer:
    """Staff take an open offer back (a price changed, the customer called)."""
    return _close(offer, TopUpOffer.Status.WITHDRAWN, "topup.withdrawn", reason, actor)
