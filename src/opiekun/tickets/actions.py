"""State changes of tickets. Each action is one transaction and writes an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from opiekun.catalog.choices import Channel, ScopeKind, Severity, WorkKind
from opiekun.catalog.models import Product, ScopeItem
from opiekun.contracts import banks, months
from opiekun.contracts import locks as billing_locks
from opiekun.contracts import queries as contract_queries
from opiekun.contracts.models import Contract, QuoteRequest
from opiekun.contracts.tariffs import out_of_hours, tariff_for
from opiekun.core import audit, batch, bounds
from opiekun.core.audit import Actor
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Contact, Organisation
from opiekun.staff.models import StaffMember
from opiekun.tariff import BillingError, bill
from opiekun.tickets import clocks, envelope, intake, signals
from opiekun.tickets.models import Appointment, Message, ReferenceCounter, Ticket, WorkLog

HOT01_FIELDS = (
    "form_date",
    "form_sign",
    "requester_name",
    "office_name",
    "return_channel",
    "return_address",
)


class IntakeError(ValueError):
    """A ticket cannot be opened as asked; the message says which field is wrong."""


def _text(field: str, value: str, model: type[Ticket | Message | Appointment] | None = None) -> str:
    """A text the databases can store, within its column: refused, not cut, so SQLite
    (which would keep a longer one) and PostgreSQL (which would fail) answer alike."""
    limit = bounds.column_length(model, field) if model else None
    return bounds.text(field, value, max_length=limit, error=IntakeError)


def next_reference(prefix: str, year: int) -> str:
    """The next reference sign, e.g. KJM/2026/00042. Must run inside a transaction."""
    return next_references(prefix, year, 1)[0]


def next_references(prefix: str, year: int, count: int) -> list[str]:
    """The next ``count`` reference signs. The counter row is locked by the UPDATE until
    commit, so two processes never take the same number and there are no gaps."""
    counter = ReferenceCounter.objects.filter(prefix=prefix, year=year)
    if not counter.update(last=F("last") + count):
        with transaction.atomic():  # a savepoint: a racing first insert is retried below
            try:
                ReferenceCounter.objects.create(prefix=prefix, year=year, last=count)
                return [f"{prefix}/{year}/{n:05d}" for n in range(1, count + 1)]
            except IntegrityError:
                pass
        counter.update(last=F("last") + count)
    last = counter.values_list("last", flat=True).get()
    return [f"{prefix}/{year}/{n:05d}" for n in range(last - count + 1, last + 1)]


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
        self.subject = _text("subject", self.subject.strip(), Ticket)
        _text("description", self.description)
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
    return _text(name, str(value), Ticket)


def _build_ticket(spec: TicketSpec, reference: str) -> Ticket:
    """The ticket of a checked spec, with its deadlines and the plan's notes; unsaved."""
    contract, received_at, organisation = spec.contract, spec.received, spec.organisation
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
        pinned=spec.severity == Severity.CRITICAL,
        account_manager=organisation.account_manager,
        assignee=organisation.account_manager,
        **spec.form,
    )
    clocks.apply_sla(ticket)
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
        reaction_due_at=_iso(ticket.reaction_due_at),
        guaranteed=ticket.guaranteed,
        backdated=spec.backdated,
        channel_note=ticket.channel_note,
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
    the deadlines (R-SLA-*) and the queue priority; the account manager becomes the
    default assignee."""
    spec = TicketSpec(
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
    ).check()
    with transaction.atomic():
        ticket = _build_ticket(spec, next_reference(spec.prefix, spec.year))
        ticket.save()
        _opened_event(ticket, spec, actor).save()
    return ticket


def open_tickets(specs: list[TicketSpec], *, actor: Actor = None) -> list[Ticket]:
    """Many tickets at once, each as ``open_ticket`` makes it, in one transaction with a
    few statements for all: how a poll takes a chunk of mail without paying per message."""
    specs = [spec.check() for spec in specs]
    with transaction.atomic():
        wanted: dict[tuple[str, int], int] = {}
        for spec in specs:
            wanted[(spec.prefix, spec.year)] = wanted.get((spec.prefix, spec.year), 0) + 1
        references = {
            key: iter(next_references(key[0], key[1], count)) for key, count in wanted.items()
        }
        tickets = [
            _build_ticket(spec, next(references[(spec.prefix, spec.year)])) for spec in specs
        ]
        Ticket.objects.bulk_create(tickets)
        AuditEvent.objects.bulk_create(
            [_opened_event(t, spec, actor) for t, spec in zip(tickets, specs, strict=True)]
        )
    return tickets


def _iso(t: dt.datetime | None) -> str | None:
    """Audit data shows moments in the desk's zone, whether read from the database (UTC)
    or just computed."""
    return timezone.localtime(t).isoformat() if t else None


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("contract__plan")
        .get(pk=ticket.pk)
    )


def _save_clock_change(ticket: Ticket, kind: str, actor: Actor, **data: object) -> Ticket:
    ticket.next_check_at = clocks.next_check(ticket)
    ticket.save()
    audit.record(kind, ticket, actor=actor, organisation=ticket.organisation, **data)
    return ticket


def start_work(ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None) -> Ticket:
    """The reaction (R-SLA-1): the ticket is accepted and work on it starts."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status not in Ticket.OPEN_STATUSES:
            raise IntakeError(f"status: a {ticket.status} ticket cannot be started")
        if ticket.reacted_at is None:
            ticket.reacted_at = at
            if ticket.guaranteed and ticket.reaction_due_at and at > ticket.reaction_due_at:
                ticket.reaction_breached = True
        ticket.status = Ticket.Status.IN_PROGRESS
        return _save_clock_change(
            ticket, "ticket.work_started", actor, at=at.isoformat(), late=ticket.reaction_breached
        )


def acknowledge_receipt(
    ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None
) -> Ticket:
    """Confirms receipt of the question (R-SLA-6), due by the end of the next working day,
    by the way the form asks for (phone, fax or e-mail): the confirmation is a message on
    the ticket, sent by that channel."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.acknowledged_at is None:
            ticket.acknowledged_at = at
            if ticket.ack_due_at and at > ticket.ack_due_at:
                ticket.ack_breached = True
            channel = ticket.return_channel or ANSWER_CHANNELS[Channel(ticket.channel)]
            fields: dict[str, object] = {
                "recipient": ticket.return_address,
                "subject": f"[{ticket.reference}] Potwierdzenie przyjęcia pytania",
                "delivery": Message.Delivery.PENDING
                if channel == Channel.FAX
                else Message.Delivery.SENT,
                "sent_at": None if channel == Channel.FAX else at,
            }
            if channel == Channel.EMAIL:
                fields = {
                    **fields,
                    # A form letter, however it was triggered: robots must not answer it.
                    **envelope.email_fields(ticket, auto_submitted=envelope.AUTO_REPLIED),
                    "delivery": Message.Delivery.PENDING,
                    "sent_at": None,
                }
            message = Message.objects.create(
                ticket=ticket,
                direction=Message.Direction.OUTBOUND,
                channel=channel,
                author_staff=getattr(actor, "staff_member", None),
                body_text=(
                    f"Potwierdzamy przyjęcie pytania {ticket.form_sign or ticket.subject} "
                    f"jako zgłoszenie {ticket.reference}."
                ),
                **fields,
            )
            if channel == Channel.EMAIL:
                signals.email_ready.send(sender=Message, message=message)
        if ticket.status == Ticket.Status.NEW:
            ticket.status = Ticket.Status.ACKNOWLEDGED
        return _save_clock_change(
            ticket, "ticket.acknowledged", actor, at=at.isoformat(), late=ticket.ack_breached
        )


def wait_for_customer(
    ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None
) -> Ticket:
    """Stops the reaction clock until the customer answers (R-SLA-9)."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.paused_since is not None:
            raise IntakeError("status: the ticket is already waiting for the customer")
        if ticket.status not in Ticket.OPEN_STATUSES:
            raise IntakeError(f"status: a {ticket.status} ticket cannot wait for the customer")
        ticket.paused_since = at
        ticket.status = Ticket.Status.WAITING_CUSTOMER
        return _save_clock_change(ticket, "ticket.paused", actor, at=at.isoformat())


def customer_replied(
    ticket: Ticket, *, actor: Actor = None, at: dt.datetime | None = None
) -> Ticket:
    """Restarts the clock: the paused working minutes push the deadline out."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.paused_since is None:
            raise IntakeError("status: the ticket is not waiting for the customer")
        calendar = clocks.clock_calendar(ticket)
        paused = calendar.working_minutes_between(ticket.paused_since, at) if calendar else 0
        ticket.paused_minutes += max(paused, 0)
        ticket.paused_since = None
        ticket.status = Ticket.Status.IN_PROGRESS if ticket.reacted_at else Ticket.Status.NEW
        clocks.apply_sla(ticket)
        return _save_clock_change(
            ticket,
            "ticket.resumed",
            actor,
            at=at.isoformat(),
            paused_minutes=paused,
            reaction_due_at=_iso(ticket.reaction_due_at),
        )


def promise_answer(ticket: Ticket, answer_by: dt.datetime, *, actor: Actor = None) -> Ticket:
    """Records the answer time agreed with the caller (R-SLA-6); tracked like a deadline."""
    answer_by = bounds.moment("answer_by", answer_by, error=IntakeError)
    if answer_by <= timezone.now():
        raise IntakeError("answer_by: must be in the future")
    with transaction.atomic():
        ticket = _locked(ticket)
        ticket.answer_promised_at = answer_by
        ticket.promise_breached = False
        return _save_clock_change(
            ticket, "ticket.answer_promised", actor, answer_by=answer_by.isoformat()
        )


def recompute_deadlines(ticket: Ticket, *, reason: str, actor: Actor = None) -> Ticket:
    """Recomputes an open ticket's deadlines after its plan or calendar changed; pause
    time already counted is kept (R-SLA-9)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        before = ticket.reaction_due_at
        clocks.apply_sla(ticket)
        if before == ticket.reaction_due_at:
            ticket.save()
            return ticket
        return _save_clock_change(
            ticket,
            "ticket.deadlines_recomputed",
            actor,
            reason=reason,
            before=_iso(before),
            after=_iso(ticket.reaction_due_at),
        )


def release_awaiting_package(contract: Contract, *, actor: Actor = None) -> int:
    """A package was bought: the tickets that waited for one are back in the queue."""
    waiting = Ticket.objects.select_for_update().filter(
        contract=contract, status=Ticket.Status.AWAITING_PACKAGE
    )
    released = 0
    for ticket in waiting:
        ticket.status = Ticket.Status.NEW
        _save_clock_change(ticket, "ticket.package_arrived", actor)
        released += 1
    return released


def log_work(
    ticket: Ticket,
    *,
    staff: StaffMember,
    kind: str,
    raw_minutes: int,
    started_at: dt.datetime | None = None,
    emergency: bool = False,
    note: str = "",
    actor: Actor = None,
) -> WorkLog:
    """Records a piece of work and bills it by the plan's rules (R-HRS-1, R-HRS-2): the
    billable minutes are drawn from the soonest-expiring package, then the month's
    allotment; the rest is overage at the plan's hourly rate. One entry is at most a
    day's minutes (``bounds.MAX_WORK_MINUTES``)."""
    raw_minutes = bounds.work_minutes("minutes", raw_minutes, error=BillingError)
    bounds.text("note", note, error=BillingError)
    if started_at is not None:
        started_at = bounds.moment("started_at", started_at, error=BillingError)
    started_at = started_at or timezone.now()
    if started_at > timezone.now():
        raise BillingError("started_at: cannot be in the future")
    if kind not in WorkKind.values:
        raise BillingError(f"kind: {kind!r} is not one of {', '.join(WorkKind.values)}")
    with transaction.atomic():
        # The package check, the draw and the closed month are one decision (issue 13).
        billing_locks.hold_organisation(ticket.organisation_id)
        ticket = _locked(ticket)
        contract = ticket.contract
        if contract is None:
            raise BillingError("ticket: no contract in force, so no billing rules apply")
        closed = months.closed_by(contract, timezone.localtime(started_at).date())
        if closed:
            raise BillingError(
                f"started_at: the customer approved the {closed} of "
                f"{timezone.localtime(started_at):%Y-%m}; that month is closed"
            )
        plan = contract.plan
        billing = bill(
            tariff_for(plan),
            kind,
            raw_minutes,
            out_of_hours=out_of_hours(plan, started_at),
            emergency=emergency,
        )
        if (
            billing.draws_on_package
            and plan.requires_valid_package
            and not banks.has_valid_package(contract, started_at)
        ):
            raise BillingError(
                f"ticket: {ticket.organisation} has no valid package; "
                "work waits until one is bought"
            )
        work = WorkLog.objects.create(
            ticket=ticket,
            staff=staff,
            kind=kind,
            started_at=started_at,
            raw_minutes=raw_minutes,
            billable_minutes=billing.billable_minutes,
            emergency=emergency,
            out_of_hours=billing.out_of_hours,
            multiplier=billing.multiplier,
            note=note,
        )
        explanation = list(billing.explanation)
        overage = 0
        designated = intake.may_draw_on_package(plan, ticket.contact)
        if billing.draws_on_package and not plan.unlimited_support and not designated:
            # R-PPL-2: the package serves the designated contacts only.
            overage = billing.billable_minutes
            explanation.append(
                "Not from a designated contact (single point of contact): "
                f"{overage} min billed at the hourly rate, not from the package."
            )
        elif billing.draws_on_package and not plan.unlimited_support:
            draws, overage = banks.draw(contract, billing.billable_minutes, started_at, work, actor)
            for d in draws:
                explanation.append(
                    f"{d.minutes} min from the {banks.bank_label(d.bank)}, "
                    f"{banks.balance(d.bank)} min left."
                )
            if overage:
                explanation.append(f"{overage} min beyond the banks, billed at the hourly rate.")
        elif kind == WorkKind.EMAIL:
            banks.count_guaranteed_support(contract, billing.billable_minutes, started_at, work)
        work.overage_minutes = overage
        work.explanation = explanation
        work.save(update_fields=["overage_minutes", "explanation", "updated_at"])
        audit.record(
            "ticket.work_logged",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            work_log=work.pk,
            work_kind=kind,
            raw=raw_minutes,
            billable=billing.billable_minutes,
            overage=overage,
        )
    return work


# The channels an answer can leave by, for each channel a question came in by (R-CH-2):
# the same one by default; a portal question is answered on the portal too.
ANSWER_CHANNELS = {
    Channel.EMAIL: Channel.EMAIL,
    Channel.PORTAL: Channel.PORTAL,
    Channel.FAX: Channel.FAX,
    Channel.PHONE: Channel.PHONE,
    Channel.MOBILE: Channel.PHONE,
    Channel.FORUM: Channel.FORUM,
    Channel.REMOTE: Channel.PHONE,
}


def answer(
    ticket: Ticket,
    *,
    staff: StaffMember,
    body: str,
    channel: str | None = None,
    channel_reason: str = "",
    documentation_ref: str = "",
    actor: Actor = None,
) -> Message:
    """The answer to the customer, by the channel the question came in (R-CH-2); another
    channel only with a reason. It may cite the documentation (R-CH-3). An e-mail or fax
    answer waits for the outbound sender; a portal or phone answer is delivered as given."""
    if not body.strip():
        raise IntakeError("body: the answer is empty")
    _text("body", body)
    _text("channel_reason", channel_reason, Message)
    _text("documentation_ref", documentation_ref.strip(), Message)
    usual = ANSWER_CHANNELS[Channel(ticket.channel)]
    channel = channel or usual
    if channel not in Channel.values:
        raise IntakeError(f"channel: {channel!r} is not one of {', '.join(Channel.values)}")
    if channel != usual and not channel_reason.strip():
        raise IntakeError(
            f"channel_reason: the question came by {ticket.get_channel_display()}; "
            "say why the answer goes another way"
        )
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status in (Ticket.Status.CLOSED,):
            raise IntakeError("status: a closed ticket is reopened before it is answered")
        mail: dict[str, str] = {}
        if channel == Channel.EMAIL:
            mail = envelope.email_fields(ticket)
            if not mail["recipient"]:
                raise IntakeError("channel: no e-mail address to answer to; answer another way")
        message = Message.objects.create(
            ticket=ticket,
            direction=Message.Direction.OUTBOUND,
            channel=channel,
            channel_reason=channel_reason.strip(),
            author_staff=staff,
            body_text=body.strip(),
            documentation_ref=documentation_ref.strip(),
            delivery=(
                Message.Delivery.PENDING
                if channel in (Channel.EMAIL, Channel.FAX)
                else Message.Delivery.SENT
            ),
            sent_at=None if channel in (Channel.EMAIL, Channel.FAX) else now,
            **mail,
        )
        if channel == Channel.EMAIL:
            signals.email_ready.send(sender=Message, message=message)
        if ticket.reacted_at is None:
            ticket.reacted_at = now  # an answer is a reaction too (R-SLA-1)
            if ticket.guaranteed and ticket.reaction_due_at and now > ticket.reaction_due_at:
                ticket.reaction_breached = True
        ticket.answered_at = ticket.answered_at or now
        if ticket.status in (Ticket.Status.NEW, Ticket.Status.ACKNOWLEDGED, Ticket.Status.REOPENED):
            ticket.status = Ticket.Status.IN_PROGRESS
        _save_clock_change(
            ticket,
            "ticket.answered",
            actor,
            message=message.pk,
            channel=channel,
            documentation_ref=message.documentation_ref,
        )
    return message


def add_note(ticket: Ticket, *, staff: StaffMember, body: str, actor: Actor = None) -> Message:
    """An internal note: never shown to the customer."""
    if not body.strip():
        raise IntakeError("body: the note is empty")
    _text("body", body)
    with transaction.atomic():
        ticket = _locked(ticket)
        message = Message.objects.create(
            ticket=ticket,
            direction=Message.Direction.NOTE,
            channel=ticket.channel,
            author_staff=staff,
            body_text=body.strip(),
        )
        audit.record(
            "ticket.note_added",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            message=message.pk,
        )
    return message


def customer_message(
    ticket: Ticket,
    *,
    contact: Contact | None,
    body: str,
    channel: str,
    mail: dict[str, str] | None = None,
    automatic: bool = False,
    actor: Actor = None,
) -> Message:
    """The customer writes on the ticket; a ticket waiting for them restarts its clock,
    a resolved or closed one reopens. ``mail`` carries an e-mail's sender, subject,
    headers and sanitised HTML. Automatic mail (an out-of-office reply) is kept on the
    thread but changes nothing."""
    mail = dict(mail or {})
    if not body.strip() and not mail.get("body_html"):
        raise IntakeError("body: the message is empty")
    _text("body", body)
    if contact is not None and contact.organisation_id != ticket.organisation_id:
        raise IntakeError("contact: belongs to another organisation")
    with transaction.atomic():
        # Locked before the message is stored: the state it changes is the state it read,
        # so a reply racing another reply is stored, never refused (issue 13).
        ticket = _locked(ticket)
        message = _inbound(ticket, contact, body, channel, mail)
        message.save()
        audit.record(
            "ticket.customer_wrote",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            message=message.pk,
            automatic=automatic,
        )
        if automatic:
            return message
        if ticket.paused_since is not None:
            customer_replied(ticket, actor=actor)
        elif ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
            reopen(ticket, actor=actor)
    return message


MAIL_FIELDS = ("sender", "subject", "body_html", "message_id", "in_reply_to", "references")


def _inbound(
    ticket: Ticket, contact: Contact | None, body: str, channel: str, mail: dict[str, str]
) -> Message:
    """An unsaved message from the customer; ``mail`` holds an e-mail's MAIL_FIELDS."""
    unknown = set(mail) - set(MAIL_FIELDS)
    if unknown:
        raise IntakeError(f"mail: unknown field(s) {sorted(unknown)}")
    return Message(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        channel=channel,
        author_contact=contact,
        body_text=body.strip(),
        sender=mail.get("sender", ""),
        subject=mail.get("subject", "")[:300],
        body_html=mail.get("body_html", ""),
        message_id=mail.get("message_id") or None,
        in_reply_to=mail.get("in_reply_to", ""),
        references=mail.get("references", ""),
    )


def inbound_messages(
    items: list[tuple[Ticket, Contact | None, str, dict[str, str], bool]], *, actor: Actor = None
) -> list[Message]:
    """E-mail that changes nothing on its ticket, in one statement: the question of a
    new ticket, a reply on an open ticket that is not waiting for the customer, or an
    automatic reply. Each item: ticket, contact, text, mail fields, automatic."""
    messages = [
        _inbound(ticket, contact, body, Channel.EMAIL, mail)
        for ticket, contact, body, mail, _ in items
    ]
    Message.objects.bulk_create(messages)
    events = []
    for m, (*_, automatic) in zip(messages, items, strict=True):
        event = audit.event(
            "ticket.customer_wrote", m.ticket, actor=actor, message=m.pk, automatic=automatic
        )
        event.organisation_id = m.ticket.organisation_id  # no query per replied-to ticket
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    return messages


def _move(
    ticket: Ticket,
    to: str,
    allowed_from: tuple[str, ...],
    kind: str,
    actor: Actor,
    **stamps: dt.datetime,
) -> Ticket:
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status not in allowed_from:
            raise IntakeError(f"status: a {ticket.status} ticket cannot become {to}")
        ticket.status = to
        for field, value in stamps.items():
            setattr(ticket, field, value)
        if to in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
            ticket.paused_since = None
        return _save_clock_change(ticket, kind, actor)


def resolve(ticket: Ticket, *, actor: Actor = None) -> Ticket:
    return _move(
        ticket,
        Ticket.Status.RESOLVED,
        Ticket.OPEN_STATUSES,
        "ticket.resolved",
        actor,
        resolved_at=timezone.now(),
    )


def close(ticket: Ticket, *, actor: Actor = None) -> Ticket:
    return _move(
        ticket,
        Ticket.Status.CLOSED,
        (*Ticket.OPEN_STATUSES, Ticket.Status.RESOLVED),
        "ticket.closed",
        actor,
        closed_at=timezone.now(),
    )


def reopen(ticket: Ticket, *, actor: Actor = None) -> Ticket:
    return _move(
        ticket,
        Ticket.Status.REOPENED,
        (Ticket.Status.RESOLVED, Ticket.Status.CLOSED),
        "ticket.reopened",
        actor,
    )


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
    from opiekun.tickets import attachments

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


def classify_scope(
    ticket: Ticket, item: ScopeItem, *, note: str = "", actor: Actor = None
) -> Ticket:
    """Classifies the ticket by one line of its plan's scope lists (R-SCP-1..3), which are
    data: included -> in scope; excluded -> billable extra work, with a quote request;
    referred -> referred elsewhere (e.g. the hardware department)."""
    _text("note", note)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.contract is None or item.plan_id != ticket.contract.plan_id:
            raise IntakeError("item: not a scope line of this ticket's plan")
        ticket.scope = {
            ScopeKind.INCLUDED: Ticket.Scope.IN_SCOPE,
            ScopeKind.EXCLUDED: Ticket.Scope.BILLABLE,
            ScopeKind.REFERRED: Ticket.Scope.REFERRED,
        }[ScopeKind(item.kind)]
        ticket.scope_note = (f"{item.text}; {item.refer_to}" if item.refer_to else item.text)[:300]
        quote = None
        if ticket.scope == Ticket.Scope.BILLABLE:
            quote = QuoteRequest.objects.create(
                organisation=ticket.organisation,
                ticket=ticket,
                description=note.strip() or f"{ticket.subject}: {item.text}",
            )
        return _save_clock_change(
            ticket,
            "ticket.scope_classified",
            actor,
            scope=ticket.scope,
            item=item.text,
            quote_request=quote.pk if quote else None,
        )


def book_remote_session(
    ticket: Ticket,
    *,
    staff: StaffMember,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    actor: Actor = None,
) -> Appointment:
    """A remote session at a time agreed with the customer (R-SLA-7): the reaction
    guarantee is met by reacting, not by an immediate session. A session lasts at most
    a day."""
    starts_at = bounds.moment("starts_at", starts_at, error=IntakeError)
    ends_at = bounds.moment("ends_at", ends_at, error=IntakeError)
    _text("note", note.strip(), Appointment)
    if ends_at <= starts_at:
        raise IntakeError("ends_at: must be after starts_at")
    if starts_at < timezone.now():
        raise IntakeError("starts_at: a session is booked for a time to come")
    if ends_at - starts_at > dt.timedelta(minutes=bounds.MAX_WORK_MINUTES):
        raise IntakeError("ends_at: a session lasts at most a day")
    with transaction.atomic():
        ticket = _locked(ticket)
        appointment = Appointment.objects.create(
            ticket=ticket,
            staff=staff,
            starts_at=starts_at,
            ends_at=ends_at,
            note=note.strip(),
            status=Appointment.Status.CONFIRMED,
        )
        audit.record(
            "ticket.session_booked",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            appointment=appointment.pk,
            starts_at=_iso(starts_at),
            staff=str(staff),
        )
    return appointment


def cancel_session(appointment: Appointment, *, reason: str, actor: Actor = None) -> Appointment:
    _text("reason", reason)  # kept in the audit event's JSON, where PostgreSQL refuses NUL
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        appointment.status = Appointment.Status.CANCELLED
        appointment.save(update_fields=["status", "updated_at"])
        audit.record(
            "ticket.session_cancelled",
            appointment.ticket,
            actor=actor,
            organisation=appointment.ticket.organisation,
            appointment=appointment.pk,
            reason=reason,
        )
    return appointment


def start_call(
    ticket: Ticket, *, staff: StaffMember, at: dt.datetime | None = None, actor: Actor = None
) -> Ticket:
    """The agent took the call this phone ticket came from: its work log is running."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.call_started_at is not None:
            raise IntakeError("call: a call is already under way on this ticket")
        ticket.call_started_at, ticket.call_taken_by = at, staff
        ticket.save(update_fields=["call_started_at", "call_taken_by", "updated_at"])
        audit.record(
            "ticket.call_started",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            at=_iso(at),
        )
    return ticket


def end_call(
    ticket: Ticket, *, at: dt.datetime | None = None, note: str = "", actor: Actor = None
) -> WorkLog:
    """The call ended: its length is logged as phone work, billed by the plan (R-HRS-2)."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.call_started_at is None or ticket.call_taken_by is None:
            raise IntakeError("call: no call is under way on this ticket")
        started, staff = ticket.call_started_at, ticket.call_taken_by
        minutes = max(1, -(-int((at - started).total_seconds()) // 60))  # started minutes
        # A call left running over a day was not a day-long call: it is billed as one
        # entry's most, and ended, rather than refused and left running for ever.
        minutes = min(minutes, bounds.MAX_WORK_MINUTES)
        Ticket.objects.filter(pk=ticket.pk).update(call_started_at=None, call_taken_by=None)
        return log_work(
            ticket,
            staff=staff,
            kind=WorkKind.PHONE,
            raw_minutes=minutes,
            started_at=started,
            note=note,
            actor=actor,
        )
