"""State changes of tickets. Each action is one transaction and writes an audit event."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import Channel, Severity
from opiekun.contracts import queries as contract_queries
from opiekun.core import audit
from opiekun.customers.models import Contact, Organisation
from opiekun.tickets.models import ReferenceCounter, Ticket


class IntakeError(ValueError):
    """A ticket cannot be opened as asked; the message says which field is wrong."""


def next_reference(prefix: str, year: int) -> str:
    """The next reference sign, e.g. KJM/2026/00042. Must run inside a transaction: the
    counter row is locked until commit so two processes never take the same number."""
    ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}/{year}/{counter.last:05d}"


def open_ticket(
    organisation: Organisation,
    *,
    channel: str,
    subject: str,
    description: str = "",
    contact: Contact | None = None,
    severity: str = Severity.NORMAL,
    received_at: dt.datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> Ticket:
    """Registers a question from any channel. The organisation's contract in force gives
    the queue priority and the account manager becomes the default assignee."""
    if channel not in Channel.values:
        raise IntakeError(f"channel: {channel!r} is not one of {', '.join(Channel.values)}")
    if severity not in Severity.values:
        raise IntakeError(f"severity: {severity!r} is not one of {', '.join(Severity.values)}")
    if not subject.strip():
        raise IntakeError("subject: must not be empty")
    if contact is not None and contact.organisation_id != organisation.pk:
        raise IntakeError("contact: belongs to another organisation")
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise IntakeError("received_at: cannot be in the future")

    local = timezone.localtime(received_at)
    contract = contract_queries.contract_in_force(organisation, local.date())
    prefix = contract.plan.vendor.code.upper() if contract else "OP"
    with transaction.atomic():
        ticket = Ticket.objects.create(
            reference=next_reference(prefix, local.year),
            organisation=organisation,
            contract=contract,
            contact=contact,
            channel=channel,
            severity=severity,
            subject=subject.strip(),
            description=description,
            received_at=received_at,
            queue_due_at=received_at,
            queue_priority=contract.plan.queue_priority if contract else 0,
            pinned=severity == Severity.CRITICAL,
            account_manager=organisation.account_manager,
            assignee=organisation.account_manager,
        )
        audit.record(
            "ticket.opened",
            ticket,
            actor=actor,
            organisation=organisation,
            channel=channel,
            received_at=received_at.isoformat(),
            contract=contract.number if contract else None,
        )
    return ticket
