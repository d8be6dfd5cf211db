"""What the API returns: plain, typed views of the domain objects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema

from opiekun.api.types import OneOf
from opiekun.catalog.choices import Channel, Severity, WorkKind
from opiekun.contracts.banks import bank_label
from opiekun.contracts.models import Contract, HourBank
from opiekun.customers.models import Contact, Organisation
from opiekun.tickets.models import Message, Ticket, WorkLog


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: Annotated[str, OneOf.of(Organisation.Kind, check=False)]
    account_manager: str | None
    contacts_see_all_tickets: bool

    @staticmethod
    def of(o: Organisation) -> OrganisationOut:
        return OrganisationOut(
            id=o.pk,
            name=o.name,
            short_name=o.short_name,
            kind=o.kind,
            account_manager=str(o.account_manager) if o.account_manager else None,
            contacts_see_all_tickets=o.contacts_see_all_tickets,
        )


class ContactOut(Schema):
    id: int
    full_name: str
    organisation_id: int
    emails: list[str]
    phones: list[str]
    single_point_of_contact: bool
    organisation_admin: bool
    authorised: bool
    active: bool
    language: str
    has_login: bool

    @staticmethod
    def of(c: Contact) -> ContactOut:
        return ContactOut(
            id=c.pk,
            full_name=c.full_name,
            organisation_id=c.organisation_id,
            emails=[e.address for e in c.emails.all()],
            phones=[p.number for p in c.phones.all()],
            single_point_of_contact=c.is_single_point_of_contact,
            organisation_admin=c.is_organisation_admin,
            authorised=c.is_authorised,
            active=c.is_active,
            language=c.language,
            has_login=c.user_id is not None,
        )


class ContractOut(Schema):
    id: int
    number: str
    plan: str
    status: Annotated[str, OneOf.of(Contract.Status, check=False)]
    starts_on: dt.date | None
    ends_on: dt.date | None
    seats: int

    @staticmethod
    def of(c: Contract) -> ContractOut:
        return ContractOut(
            id=c.pk,
            number=c.number,
            plan=c.plan.code,
            status=c.status,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            seats=c.seats,
        )


class BankOut(Schema):
    id: int
    contract: str
    kind: Annotated[str, OneOf.of(HourBank.Kind, check=False)]
    label: str
    valid_from: dt.datetime
    expires_at: dt.datetime | None
    closed: bool
    balance_minutes: int

    @staticmethod
    def of(b: HourBank) -> BankOut:
        return BankOut(
            id=b.pk,
            contract=b.contract.number,
            kind=b.kind,
            label=bank_label(b, for_screen=True),
            valid_from=b.valid_from,
            expires_at=b.expires_at,
            closed=b.closed_at is not None,
            balance_minutes=int(getattr(b, "balance_minutes", 0) or 0),
        )


class TicketOut(Schema):
    id: int
    reference: str
    organisation_id: int
    contact: str | None
    channel: Annotated[str, OneOf.of(Channel, check=False)]
    channel_note: str
    free_support_ended_on: dt.date | None = None
    severity: Annotated[str, OneOf.of(Severity, check=False)]
    status: Annotated[str, OneOf.of(Ticket.Status, check=False)]
    scope: Annotated[str, OneOf.of(Ticket.Scope, check=False)]
    scope_note: str
    subject: str
    description: str
    received_at: dt.datetime
    clock_starts_at: dt.datetime | None
    reaction_due_at: dt.datetime | None
    ack_due_at: dt.datetime | None
    answer_promised_at: dt.datetime | None
    guaranteed: bool
    no_guarantee_reason: str
    reaction_breached: bool
    explanation: list[str]
    assignee: str | None
    assignee_id: int | None = None
    account_manager: str | None
    pinned: bool
    queue_priority: int
    call_started_at: dt.datetime | None

    @staticmethod
    def of(t: Ticket) -> TicketOut:
        return TicketOut(**TicketOut.fields(t))

    @staticmethod
    def row(t: Ticket) -> TicketOut:
        """A list's row: the same fields, built without validating each of a page's
        rows again (issue 20: half a list's Python time); they are the ticket's own
        columns, which ``of`` validates alike."""
        return TicketOut.model_construct(**TicketOut.fields(t))

    @staticmethod
    def fields(t: Ticket) -> dict[str, Any]:
        return dict(
            id=t.pk,
            reference=t.reference,
            organisation_id=t.organisation_id,
            contact=t.contact.full_name if t.contact else None,
            channel=t.channel,
            channel_note=t.channel_note,
            free_support_ended_on=t.free_support_ended_on,
            severity=t.severity,
            status=t.status,
            scope=t.scope,
            scope_note=t.scope_note,
            subject=t.subject,
            description=t.description,
            received_at=t.received_at,
            clock_starts_at=t.clock_starts_at,
            reaction_due_at=t.reaction_due_at,
            ack_due_at=t.ack_due_at,
            answer_promised_at=t.answer_promised_at,
            guaranteed=t.guaranteed,
            no_guarantee_reason=t.guarantee_note,
            reaction_breached=t.reaction_breached,
            explanation=list(t.sla_explanation),
            assignee=str(t.assignee) if t.assignee else None,
            assignee_id=t.assignee_id,
            account_manager=str(t.account_manager) if t.account_manager else None,
            pinned=t.pinned,
            call_started_at=t.call_started_at,
            queue_priority=t.queue_priority,
        )


class MessageOut(Schema):
    id: int
    direction: Annotated[str, OneOf.of(Message.Direction, check=False)]
    channel: Annotated[str, OneOf.of(Channel, check=False)]
    channel_reason: str
    author: str
    body: str
    documentation_ref: str
    delivery: Annotated[str, OneOf.of(Message.Delivery, check=False)]
    created_at: dt.datetime

    @staticmethod
    def of(m: Message) -> MessageOut:
        author = m.author_staff or m.author_contact
        return MessageOut(
            id=m.pk,
            direction=m.direction,
            channel=m.channel,
            channel_reason=m.channel_reason,
            author=str(author) if author else m.sender,
            body=m.body_text,
            documentation_ref=m.documentation_ref,
            delivery=m.delivery,
            created_at=m.created_at,
        )


class WorkLogOut(Schema):
    id: int
    kind: Annotated[str, OneOf.of(WorkKind, check=False)]
    started_at: dt.datetime
    raw_minutes: int
    billable_minutes: int
    overage_minutes: int
    emergency: bool
    out_of_hours: bool
    explanation: list[str]
    corrects_id: int | None = None
    correction_reason: str = ""

    @staticmethod
    def of(w: WorkLog) -> WorkLogOut:
        return WorkLogOut(
            id=w.pk,
            kind=w.kind,
            started_at=w.started_at,
            raw_minutes=w.raw_minutes,
            billable_minutes=w.billable_minutes,
            overage_minutes=w.overage_minutes,
            emergency=w.emergency,
            out_of_hours=w.out_of_hours,
            explanation=list(w.explanation),
            corrects_id=w.corrects_id,
            correction_reason=w.correction_reason,
        )
