"""Opening tickets (R-CH-1, R-SLA-4, R-CH-5): from every channel, one or many at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import Channel, Severity
from opiekun.catalog.models import Product
from opiekun.contracts import banks
from opiekun.contracts import queries as contract_queries
from opiekun.contracts.models import Contract
from opiekun.core import audit, batch, bounds
from opiekun.core.audit import Actor
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Contact, Organisation
from opiekun.staff.models import StaffMember
from opiekun.tickets import attachments, clocks, eligibility, intake, signals
from opiekun.tickets.actions.assignment import assignee_at_intake, rule_for
from opiekun.tickets.actions.base import (
    HOT01_FIELDS,
    IntakeError,
    checked_text,
    local_iso,
)
from opiekun.tickets.actions.numbering import next_reference, next_references
from opiekun.tickets.models import Ticket
from opiekun.tickets.queue_pins import pins


@dataclass
class TicketSpec:
    """What ``open_ticket`` is asked; ``check()`` validates it and finds the contract.
    ``open_tickets`` takes many at once."""

    organisation: Organisation
    channel: str
    subject: str
    description: str = ""
    contact: Contact | None = None
    severity: str = Severity.NORMAL
    received_at: dt.datetime | None = None
    backdated: bool = False
    form: dict[str, object] = field(default_factory=dict)
    product: Product | None = None
    contract: Contract | None = None

    def check(self) -> TicketSpec:
        if self.channel not in Channel.values:
            choices = ", ".join(Channel.values)
            raise IntakeError(f"channel: {self.channel!r} is not one of {choices}")
        if self.severity not in Severity.values:
            choices = ", ".join(Severity.values)
            raise IntakeError(f"severity: {self.severity!r} is not one of {choices}")
        if not self.subject.strip():
            raise IntakeError("subject: must not be empty")
        self.subject = checked_text("subject", self.subject.strip(), Ticket)
        checked_text("description", self.description)
        if self.contact is not None and self.contact.organisation_id != self.organisation.pk:
            raise IntakeError("contact: belongs to another organisation")
        now = timezone.now()
        if self.received_at is not None:
            self.received_at = bounds.moment("received_at", self.received_at, error=IntakeError)
        self.received_at = self.received_at or now
        if self.received_at > now:
            raise IntakeError("received_at: cannot be in the future")
        self.form = dict(self.form or {})
        unknown = set(self.form) - set(HOT01_FIELDS)
        if unknown:
            raise IntakeError(f"form: unknown field(s) {sorted(unknown)}")
        self.form = {name: _form_field(name, value) for name, value in self.form.items()}
        return_channel = self.form.get("return_channel") or ""
        if return_channel and return_channel not in Ticket.ReturnChannel.values:
            choices = ", ".join(Ticket.ReturnChannel.values)
            raise IntakeError(f"return_channel: {return_channel!r} is not one of {choices}")
        local = timezone.localtime(self.received_at)
        self.contract = contract_queries.contract_in_force(self.organisation, local.date())
        if self.backdated:
            # An agent enters a call or a fax after the fact: only those, and never
            # before the contract that governs the ticket.
            if self.channel not in (Channel.PHONE, Channel.MOBILE, Channel.FAX):
                raise IntakeError("received_at: only phone and fax tickets may be back-dated")
            current = contract_queries.contract_in_force(self.organisation, timezone.localdate())
            if current and current.starts_on and local.date() < current.starts_on:
                raise IntakeError(
                    f"received_at: before the contract {current.number} (from {current.starts_on})"
                )
        return self

    @property
    def prefix(self) -> str:
        return self.contract.plan.vendor.code.upper() if self.contract else "OP"

    @property
    def received(self) -> dt.datetime:
        if self.received_at is None:
            raise IntakeError("received_at: check() the spec first")
        return self.received_at

    @property
    def year(self) -> int:
        return timezone.localtime(self.received).year


def _form_field(name: str, value: object) -> object:
    """A field of form HOT-01, bounded: the date a day of the window, written as a date
    or as text (27.02.2026 on a Polish form), the rest text that fits its column."""
    if name == "form_date":
        if isinstance(value, dt.date):
            return bounds.day(name, value, error=IntakeError)
        return bounds.parse_day(name, str(value), error=IntakeError)
    return checked_text(name, str(value), Ticket)


def _load_account_manager(organisation: Organisation) -> None:
    """The account manager with their user in one read: the assignment, the audit
    event (their name) and the inbox notice all need them (issue 20, item 6)."""
    if organisation.account_manager_id is None or Organisation.account_manager.is_cached(
        organisation
    ):
        return
    organisation.account_manager = (
        StaffMember.objects.select_related("user").filter(pk=organisation.account_manager_id)
    ).first()


def _build_ticket(spec: TicketSpec, reference: str) -> Ticket:
    """The ticket of a checked spec, with its deadlines and the plan's notes; unsaved."""
    contract, received_at, organisation = spec.contract, spec.received, spec.organisation
    _load_account_manager(organisation)
    ticket = Ticket(
        reference=reference,
        organisation=organisation,
        contract=contract,
        contact=spec.contact,
        product=spec.product,
        channel=spec.channel,
        severity=spec.severity,
        subject=spec.subject.strip(),
        description=spec.description,
        received_at=received_at,
        queue_due_at=received_at,
        queue_priority=contract.plan.queue_priority if contract else 0,
        pinned=pins(contract, spec.severity),
        account_manager=organisation.account_manager,
        assignee=assignee_at_intake(organisation, contract.plan if contract else None),
        **spec.form,
    )
    clocks.apply_sla(ticket)
    eligibility.mark(ticket)
    if contract:
        # R-CH-1: taken whatever the channel, with the reason the plan would not.
        ticket.channel_note = intake.channel_note(contract.plan, spec.channel, received_at)[:300]
    if (
        contract
        and contract.plan.requires_valid_package
        and not batch.remember(
            ("valid_package", contract.pk, timezone.localtime(received_at).date()),
            lambda: banks.has_valid_package(contract, received_at),
        )
    ):
        # R-HRS-3: without a valid package the ticket waits, visibly, until one is bought.
        ticket.status = Ticket.Status.AWAITING_PACKAGE
        ticket.sla_explanation = [
            *ticket.sla_explanation,
            "Waiting for a package: the plan works only on a valid prepaid package.",
        ]
    return ticket


def _opened_event(ticket: Ticket, spec: TicketSpec, actor: Actor) -> AuditEvent:
    """R-SLA-4's on-call alert (once the ticket row exists) and the audit event."""
    contract = spec.contract
    on_call = intake.alert_on_call(ticket, contract.plan) if contract else []
    return audit.event(
        "ticket.opened",
        ticket,
        actor=actor,
        organisation=spec.organisation,
        channel=spec.channel,
        received_at=spec.received.isoformat(),
        contract=contract.number if contract else None,
        reaction_due_at=local_iso(ticket.reaction_due_at),
        guaranteed=ticket.guaranteed,
        backdated=spec.backdated,
        channel_note=ticket.channel_note,
        assignment_rule=rule_for(contract.plan if contract else None),
        assignee=str(ticket.assignee) if ticket.assignee else None,
        on_call_alerted=[str(person) for person in on_call],
    )


def open_ticket(
    organisation: Organisation,
    *,
    channel: str,
    subject: str,
    description: str = "",
    contact: Contact | None = None,
    severity: str = Severity.NORMAL,
    received_at: dt.datetime | None = None,
    backdated: bool = False,
    form: dict[str, object] | None = None,
    product: Product | None = None,
    actor: Actor = None,
) -> Ticket:
    """Registers a question from any channel. The organisation's contract in force gives
    the deadlines (R-SLA-*) and the queue priority; the plan's assignment rule (by default
    the account manager) the assignee."""
    # One batch for the whole intake: the plan's terms, its calendars and the vendor's
    # rule are read once, not again by each step that needs them (the deadline, the
    # channel note, the assignment, the audit event).
    with batch.batch():
        return _open_one(
            TicketSpec(
                organisation,
                channel,
                subject,
                description,
                contact,
                severity,
                received_at,
                backdated,
                dict(form or {}),
                product,
            ),
            actor,
        )


def _open_one(spec: TicketSpec, actor: Actor) -> Ticket:
    spec = spec.check()
    with transaction.atomic():
        ticket = _build_ticket(spec, "")
        # R-CH-1: the number is taken last, just before the insert: the counter's row
        # stays locked until the commit, and every ticket of the prefix waits for it,
        # so the reads of the intake are done before it (issue 20, item 6).
        ticket.reference = next_reference(spec.prefix, spec.year)
        ticket.save()
        _opened_event(ticket, spec, actor).save()
        signals.tickets_opened.send(Ticket, tickets=[ticket], actor=actor)
    return ticket


def open_tickets(specs: list[TicketSpec], *, actor: Actor = None) -> list[Ticket]:
    """Many tickets at once, each as ``open_ticket`` makes it, in one transaction with a
    few statements for all: how a poll takes a chunk of mail without paying per message,
    or beat makes a period's maintenance tickets (issue 20, item 5)."""
    with batch.batch():
        _remember_contracts(specs)
        specs = [spec.check() for spec in specs]
        _remember_packages(specs)
        return _open_many(specs, actor)


def _remember_contracts(specs: list[TicketSpec]) -> None:
    """The contracts in force of the batch's organisations, one read a day (the check
    of each spec then finds its contract in the batch's cache)."""
    days: dict[dt.date, set[int]] = {}
    now = timezone.now()
    for spec in specs:
        day = timezone.localtime(spec.received_at or now).date()
        days.setdefault(day, set()).add(spec.organisation.pk)
    for day, organisation_ids in days.items():
        contract_queries.remember_contracts_in_force(organisation_ids, day)


def _remember_packages(specs: list[TicketSpec]) -> None:
    """R-HRS-3's check of the batch's contracts that need a valid package, one read for
    those asked at the same moment (as ``_build_ticket`` would ask each the first time)."""
    first: dict[tuple[int, dt.date], tuple[Contract, dt.datetime]] = {}
    for spec in specs:
        contract = spec.contract
        if contract is not None and contract.plan.requires_valid_package:
            key = (contract.pk, timezone.localtime(spec.received).date())
            first.setdefault(key, (contract, spec.received))
    moments: dict[dt.datetime, set[int]] = {}
    for contract, at in first.values():
        moments.setdefault(at, set()).add(contract.pk)
    for at, contract_ids in moments.items():
        have = banks.with_valid_package(contract_ids, at)
        for pk in contract_ids:
            batch.seed(("valid_package", pk, timezone.localtime(at).date()), pk in have)


def _open_many(specs: list[TicketSpec], actor: Actor) -> list[Ticket]:
    with transaction.atomic():
        wanted: dict[tuple[str, int], int] = {}
        for spec in specs:
            wanted[(spec.prefix, spec.year)] = wanted.get((spec.prefix, spec.year), 0) + 1
        tickets = [_build_ticket(spec, "") for spec in specs]
        # Numbered last, as in ``_open_one``: the counters stay locked until the commit.
        references = {
            key: iter(next_references(key[0], key[1], count)) for key, count in wanted.items()
        }
        for ticket, spec in zip(tickets, specs, strict=True):
            ticket.reference = next(references[(spec.prefix, spec.year)])
        Ticket.objects.bulk_create(tickets)
        AuditEvent.objects.bulk_create(
            [_opened_event(t, spec, actor) for t, spec in zip(tickets, specs, strict=True)]
        )
        signals.tickets_opened.send(Ticket, tickets=tickets, actor=actor)
    return tickets


def open_fax_ticket(
    organisation: Organisation,
    *,
    subject: str,
    scan_name: str,
    scan: bytes,
    severity: str = Severity.NORMAL,
    form: dict[str, object] | None = None,
    received_at: dt.datetime | None = None,
    contact: Contact | None = None,
    actor: Actor = None,
) -> Ticket:
    """A faxed HOT-01 question (R-CH-5): the scan kept as the ticket's first attachment,
    the form's fields typed in by the agent. One transaction: no ticket without its scan."""
    with transaction.atomic():
        ticket = open_ticket(
            organisation,
            channel=Channel.FAX,
            subject=subject,
            severity=severity,
            contact=contact,
            form=form,
            received_at=received_at,
            backdated=received_at is not None,
            actor=actor,
        )
        attachments.store(ticket, scan_name, scan, actor=actor)
    return ticket
