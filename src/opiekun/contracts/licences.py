"""Recording licence purchases and updates (R-PLN-5, R-CON-5): free basic support lasts
12 months from the purchase or the last update. Each date is a history row; the contract
holds the dates in force, and the open tickets under it are told to look again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.contracts import queries, signals
from opiekun.contracts.models import Contract, LicenceEvent
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor


class LicenceError(ValueError):
    """The date cannot be recorded as asked; the message names the field."""


SOURCES = ("console", "api", "import")


def record(
    contract: Contract,
    kind: str,
    on: dt.date,
    *,
    note: str = "",
    source: str = "console",
    actor: Actor = None,
) -> LicenceEvent:
    """A purchase replaces the purchase date; an update moves the last update forward
    only (an older update recorded late is history, not the date in force)."""
    if kind not in LicenceEvent.Kind.values:
        choices = ", ".join(LicenceEvent.Kind.values)
        raise LicenceError("kind: " + _("choose one of %(choices)s") % {"choices": choices})
    if source not in SOURCES:
        raise LicenceError("source: " + _("choose one of %(choices)s") % {"choices": SOURCES})
    on = bounds.day("on", on, error=LicenceError)
    if on > timezone.localdate():
        raise LicenceError("on: " + _("%(day)s is in the future") % {"day": on})
    note = bounds.text("note", note, max_length=300, error=LicenceError)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().select_related("plan").get(pk=contract.pk)
        if contract.plan.eligibility_months is None:
            raise LicenceError(
                "contract: "
                + _("the plan %(plan)s does not count free support from licence dates")
                % {"plan": contract.plan.code}
            )
        event = LicenceEvent.objects.create(
            contract=contract,
            kind=kind,
            on=on,
            note=note,
            source=source,
            recorded_by=audit.acting_user(actor),
        )
        if kind == LicenceEvent.Kind.PURCHASE:
            contract.licence_purchased_on = on
        elif contract.last_update_on is None or on > contract.last_update_on:
            contract.last_update_on = on
        contract.save(update_fields=["licence_purchased_on", "last_update_on", "updated_at"])
        until = queries.free_support_until(contract)
        audit.record(
            "contract.licence_recorded",
            contract,
            actor=actor,
            organisation=contract.organisation,
            event=kind,
            on=on.isoformat(),
            free_support_until=until.isoformat() if until else None,
        )
        signals.licence_dates_changed.send(sender=Contract, contract=contract, actor=actor)
    return event
