"""Every change to customer notifications: telling a contact (inside the action that
caused it), choosing kinds, unsubscribing, the packages' expiry warnings. The e-mail
leaves by the worker after commit (customer_tasks)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from opiekun.contracts import topup_sizing
from opiekun.contracts.models import HourBank, LedgerEntry, TopUpOffer
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.customers.access import buyers
from opiekun.customers.models import Contact
from opiekun.notifications import customer_preferences, customer_tasks
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerNotice, CustomerPreference
from opiekun.tickets.models import Ticket

# A package is announced this long before it expires (issue 16, item 2).
EXPIRY_NOTICE_DAYS = 30


class PreferenceError(ValueError):
    """A choice that cannot be stored; the message names the field."""


def tell(
    kind: str,
    contact: Contact | None,
    *,
    key: str,
    ticket: Ticket | None = None,
    required: bool = False,
    **params: Any,
) -> CustomerNotice | None:
    """Tells ``contact`` once about the event ``key``, unless they switched the kind
    off (a receipt the contract requires is told anyway). Called inside the transaction
    of the action it reports, so the notice exists exactly when the event does."""
    if contact is None or not contact.is_active:
        return None
    if not required and not customer_preferences.wanted(contact.pk, kind):
        return None
    with transaction.atomic():
        notice, created = CustomerNotice.objects.get_or_create(
            contact=contact,
            key=key[:120],
            defaults={"kind": kind, "ticket": ticket, "params": params, "required": required},
        )
    if not created:
        return None  # this event was told to this contact already
    transaction.on_commit(partial(customer_tasks.send_notice.delay, notice.pk))
    return notice


def tell_organisation(
    kind: str, organisation_id: int, *, key: str, **params: Any
) -> list[CustomerNotice]:
    """Tells each active contact of an organisation (about its banks and documents)."""
    told = []
    for contact in Contact.objects.filter(organisation_id=organisation_id, is_active=True):
        notice = tell(kind, contact, key=key, **params)
        if notice is not None:
            told.append(notice)
    return told


def set_choices(contact: Contact, chosen: dict[str, bool], *, actor: Actor = None) -> None:
    """Stores one contact's choices; kinds not named keep theirs."""
    unknown = set(chosen) - set(CustomerKind.values)
    if unknown:
        raise PreferenceError(f"kind: unknown {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for kind, enabled in chosen.items():
            CustomerPreference.objects.update_or_create(
                contact=contact, kind=kind, defaults={"enabled": bool(enabled)}
            )
        audit.record("customer_notification.preferences", contact, actor=actor, **chosen)


def unsubscribe(contact: Contact, kind: str, *, actor: Actor = None) -> bool:
    """One kind off, from a signed link; True when it was on."""
    if kind not in CustomerKind.values:
        raise PreferenceError(f"kind: unknown {kind}")
    with transaction.atomic():
        was_on = customer_preferences.wanted(contact.pk, kind)
        CustomerPreference.objects.update_or_create(
            contact=contact, kind=kind, defaults={"enabled": False}
        )
        audit.record("customer_notification.unsubscribed", contact, actor=actor, notice_kind=kind)
    return was_on


def hours(minutes: int) -> str:
    return f"{minutes // 60}.{(minutes % 60) * 10 // 60}"


def bank_figures(bank: HourBank) -> tuple[int, int]:
    """Minutes given (grants and corrections) and minutes used, from the ledger."""
    given = used = 0
    for kind, minutes in bank.entries.order_by().values_list("kind").annotate(total=Sum("minutes")):
        if kind == "use":
            used -= int(minutes or 0)
        elif kind != "expiry":
            given += int(minutes or 0)
    return given, used


def warn_expiring(now: dt.datetime | None = None) -> int:
    """Tells the active contacts of each open package that expires within 30 days, once
    per package (R-HRS-3: what is left then lapses); run hourly by beat. Returns how
    many were told. The same statements for any number of packages (issue 20, item 5):
    the packages, their ledger figures grouped, the contacts, their choices, the insert
    and the re-read of what this call inserted; each e-mail is its own task, rendered in
    its contact's language when it is sent."""
    now = now or timezone.now()
    with transaction.atomic():
        soon = list(
            HourBank.objects.filter(
                kind=HourBank.Kind.PACKAGE,
                closed_at__isnull=True,
                expires_at__gt=now,
                expires_at__lte=now + dt.timedelta(days=EXPIRY_NOTICE_DAYS),
            )
            .select_related("contract")
            .order_by("pk")
        )
        figures = banks_figures([bank.pk for bank in soon])
        left = {
            bank.pk: figures[bank.pk][0] - figures[bank.pk][1]
            for bank in soon
            if figures[bank.pk][0] - figures[bank.pk][1] > 0  # used up: nothing is lost
        }
        by_org: dict[int, list[HourBank]] = defaultdict(list)
        for bank in soon:
            if bank.pk in left:
                by_org[bank.contract.organisation_id].append(bank)
        if not by_org:
            return 0
        contacts = list(Contact.objects.filter(organisation_id__in=by_org, is_active=True))
        off = _switched_off(contacts, CustomerKind.PACKAGE_EXPIRY)
        planned = [
            CustomerNotice(
                contact=contact,
                key=f"expiry:{bank.pk}",
                kind=CustomerKind.PACKAGE_EXPIRY,
                params={
                    "bank_id": bank.pk,
                    "left": hours(left[bank.pk]),
                    "expires": f"{timezone.localtime(bank.expires_at):%Y-%m-%d}",
                },
            )
            for contact in contacts
            if contact.pk not in off
            for bank in by_org[contact.organisation_id]
        ]
        return len(_tell_all(planned, contacts))


def banks_figures(bank_ids: list[int]) -> dict[int, tuple[int, int]]:
    """``bank_figures`` of many banks in one grouped query; a bank without entries
    has (0, 0)."""
    found: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    if not bank_ids:
        return found
    for bank_id, kind, minutes in (
        LedgerEntry.objects.filter(bank_id__in=bank_ids)
        .order_by()
        .values_list("bank_id", "kind")
        .annotate(total=Sum("minutes"))
    ):
        given, used = found[bank_id]
        if kind == "use":
            used -= int(minutes or 0)
        elif kind != "expiry":
            given += int(minutes or 0)
        found[bank_id] = (given, used)
    return found


def _switched_off(contacts: list[Contact], kind: str) -> set[int]:
    """The contacts of ``contacts`` who switched ``kind`` off (no row means on)."""
    return set(
        CustomerPreference.objects.filter(
            contact__in=contacts, kind=kind, enabled=False
        ).values_list("contact_id", flat=True)
    )


def _tell_all(planned: list[CustomerNotice], contacts: list[Contact]) -> list[CustomerNotice]:
    """Inserts the notices ``planned`` at once; one told already (the same contact and
    key: a second beat, a second run) is kept, not sent again. Returns those this call
    inserted, read again by their moment, each sent by a task after the commit."""
    if not planned:
        return []
    stamp = timezone.now()
    for notice in planned:
        notice.created_at = stamp
    CustomerNotice.objects.bulk_create(planned, ignore_conflicts=True)
    told = list(
        CustomerNotice.objects.filter(
            key__in={n.key for n in planned}, contact__in=contacts, created_at=stamp
        )
    )
    ids = [n.pk for n in told]

    def send() -> None:
        for pk in ids:
            customer_tasks.send_notice.delay(pk)

    transaction.on_commit(send)
    return told


def thresholds_reached(banks: Iterable[HourBank]) -> int:
    """After a draw: tells each bank's organisation the highest of 50/80/100 % it
    reached, once per bank and threshold (a jump from 40 to 100 % is one message)."""
    told = 0
    for bank in banks:
        if bank.kind not in (HourBank.Kind.PACKAGE, HourBank.Kind.ALLOTMENT):
            continue
        given, used = bank_figures(bank)
        if given <= 0:
            continue
        reached = [t for t in (50, 80, 100) if used * 100 >= t * given]
        if not reached:
            continue
        expires = f"{timezone.localtime(bank.expires_at):%Y-%m-%d}" if bank.expires_at else "-"
        told += len(
            tell_organisation(
                CustomerKind.BANK_USAGE,
                bank.contract.organisation_id,
                key=f"bank:{bank.pk}:{reached[-1]}",
                bank_id=bank.pk,
                percent=str(reached[-1]),
                used=hours(used),
                left=hours(max(given - used, 0)),
                expires=expires,
            )
        )
    return told


def tell_offers(offers: list[TopUpOffer]) -> list[CustomerNotice]:
    """Tells the buyers of each offer's organisation (issue 21, item 4) in a fixed number
    of queries for the whole batch: the contacts, their choices, the insert and the
    re-read of what this call inserted. A notice told already (the same key) is kept,
    not sent again."""
    if not offers:
        return []
    by_org: dict[int, list[TopUpOffer]] = {}
    for offer in offers:
        by_org.setdefault(offer.organisation_id, []).append(offer)
    contacts = list(buyers().filter(organisation_id__in=by_org))
    off = _switched_off(contacts, CustomerKind.TOPUP_OFFER)
    planned = [
        CustomerNotice(
            contact=contact,
            key=f"topup:{offer.pk}",
            kind=CustomerKind.TOPUP_OFFER,
            params={
                "offer_id": offer.pk,
                "hours": topup_sizing.hours(offer.minutes),
                "price": f"{offer.price_net} {offer.currency}"
                if offer.price_net is not None
                else "-",
            },
        )
        for contact in contacts
        if contact.pk not in off
        for offer in by_org[contact.organisation_id]
    ]
    return _tell_all(planned, contacts)
