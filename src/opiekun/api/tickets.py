"""Tickets: intake (portal, API, phone, fax), the thread, work, status, the queue."""

import datetime as dt
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from opiekun.api.errors import Error
from opiekun.api.lazy import LazyPage
from opiekun.api.pagination import CursorPages
from opiekun.api.schemas import MessageOut, TicketOut, WorkLogOut
from opiekun.api.types import Id, Moment, OneOf, OptionalDay, Text, WorkMinutes
from opiekun.catalog.choices import Channel, ScopeKind, Severity, WorkKind
from opiekun.catalog.models import ScopeItem
from opiekun.core.access import is_staff_member
from opiekun.core.keyset import Order
from opiekun.customers.access import contact_of, organisation_for
from opiekun.customers.models import Contact
from opiekun.search import query as search
from opiekun.staff.access import staff_for
from opiekun.tickets import access, actions, queries
from opiekun.tickets.models import Appointment, Message, Ticket

router = Router(tags=["tickets"])


def column(name: str) -> Text:
    return Text.of(Ticket, name)


class TicketIn(Schema):
    organisation_id: Id | None = None
    contact_id: Id | None = None
    channel: Annotated[str, OneOf.of(Channel)] = "portal"
    severity: Annotated[str, OneOf.of(Severity)] = "normal"
    subject: Annotated[str, column("subject")]
    description: Annotated[str, Text()] = ""
    received_at: Moment | None = None
    form_date: OptionalDay = None
    form_sign: Annotated[str, column("form_sign")] = ""
    requester_name: Annotated[str, column("requester_name")] = ""
    office_name: Annotated[str, column("office_name")] = ""
    return_channel: Annotated[str, column("return_channel")] = ""
    return_address: Annotated[str, column("return_address")] = ""


class TicketFilters(Schema):
    status: Annotated[str, OneOf.of(["open", *Ticket.Status.values])] | None = None
    organisation_id: Id | None = None
    channel: Annotated[str, OneOf.of(Channel)] | None = None
    severity: Annotated[str, OneOf.of(Severity)] | None = None
    q: Annotated[str, Text(200)] | None = None
    tag: Annotated[str, Text(50)] | None = None


@router.get("/tickets", response=list[TicketOut], summary="Tickets you may see, queue order")
@paginate(CursorPages)
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> list[TicketOut]:
    wanted = filters.dict()
    text = wanted.pop("q", None)
    tickets = queries.filtered(access.visible_tickets(request.user), **wanted)
    order: Order | None = queries.QUEUE_KEYS
    if text:
        # Ranked by the same search as the console's; a customer's never reads notes.
        tickets = search.matching(tickets, text, public=not is_staff_member(request.user))
        order = None if search.ranked(tickets) else order
    return LazyPage(queries.with_people(tickets), lambda t, _: TicketOut.row(t), order)  # type: ignore[return-value]


@router.post("/tickets", response={201: TicketOut}, summary="Open a ticket")
def open_ticket(request: HttpRequest, data: TicketIn) -> Status[TicketOut]:
    form = data.dict(include=set(actions.HOT01_FIELDS))
    form = {k: v for k, v in form.items() if v not in ("", None)}
    contact = contact_of(request.user)
    if contact is not None:
        # A customer writes on the portal (R-CH-4), for their own organisation, now.
        if data.received_at is not None:
            raise HttpError(400, "received_at: only staff may back-date a ticket")
        ticket = actions.open_ticket(
            contact.organisation,
            channel="portal",
            severity=data.severity,
            subject=data.subject,
            description=data.description,
            contact=contact,
            form=form,
            actor=request.user,
        )
        return Status(201, TicketOut.of(ticket))
    staff_for(request.user)
    if data.organisation_id is None:
        raise HttpError(400, "organisation_id: required when staff open a ticket")
    organisation = organisation_for(request.user, data.organisation_id)
    chosen = None
    if data.contact_id is not None:
        chosen = Contact.objects.filter(pk=data.contact_id, organisation=organisation).first()
        if chosen is None:
            raise HttpError(400, "contact_id: no such contact in this organisation")
    ticket = actions.open_ticket(
        organisation,
        channel=data.channel,
        severity=data.severity,
        subject=data.subject,
        description=data.description,
        contact=chosen,
        received_at=data.received_at,
        backdated=data.received_at is not None,
        form=form,
        actor=request.user,
    )
    if ticket.channel in ("phone", "mobile") and data.received_at is None:
        # A call being taken now: its phone work log runs until the call ends.
        ticket = actions.start_call(ticket, staff=staff_for(request.user), actor=request.user)
    return Status(201, TicketOut.of(ticket))


@router.get("/tickets/{ticket_id}", response=TicketOut)
def get_ticket(request: HttpRequest, ticket_id: Id) -> TicketOut:
    return TicketOut.of(access.ticket_for(request.user, ticket_id))


class MessageIn(Schema):
    kind: Literal["answer", "note", "reply"] = "answer"
    body: Annotated[str, Text()]
    channel: Annotated[str, OneOf.of(Channel)] | None = None
    channel_reason: Annotated[str, Text.of(Message, "channel_reason")] = ""
    documentation_ref: Annotated[str, Text.of(Message, "documentation_ref")] = ""


def thread(request: HttpRequest, ticket: Ticket) -> QuerySet[Message]:
    messages = ticket.messages.select_related("author_staff__user", "author_contact")
    if not is_staff_member(request.user):
        messages = messages.exclude(direction=Message.Direction.NOTE)  # internal notes
    return messages.order_by("created_at", "pk")


@router.get("/tickets/{ticket_id}/messages", response=list[MessageOut])
def list_messages(request: HttpRequest, ticket_id: Id) -> list[MessageOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    return [MessageOut.of(m) for m in thread(request, ticket)]


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut, 403: Error})
def post_message(request: HttpRequest, ticket_id: Id, data: MessageIn) -> Status[MessageOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    contact = contact_of(request.user)
    if contact is not None:
        if data.kind != "reply":
            raise HttpError(403, "kind: customers write replies")
        message = actions.customer_message(
            ticket, contact=contact, body=data.body, channel="portal", actor=request.user
        )
        return Status(201, MessageOut.of(message))
    staff = staff_for(request.user)
    if data.kind == "note":
        message = actions.add_note(ticket, staff=staff, body=data.body, actor=request.user)
    elif data.kind == "answer":
        message = actions.answer(
            ticket,
            staff=staff,
            body=data.body,
            channel=data.channel,
            channel_reason=data.channel_reason,
            documentation_ref=data.documentation_ref,
            actor=request.user,
        )
    else:
        raise HttpError(400, "kind: staff write answers or notes")
    return Status(201, MessageOut.of(message))


class WorkIn(Schema):
    kind: Annotated[str, OneOf.of(WorkKind)]
    minutes: WorkMinutes
    started_at: Moment | None = None
    emergency: bool = False
    note: Annotated[str, Text()] = ""


@router.get("/tickets/{ticket_id}/work-logs", response=list[WorkLogOut])
def list_work(request: HttpRequest, ticket_id: Id) -> list[WorkLogOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    return [WorkLogOut.of(w) for w in ticket.work_logs.order_by("started_at", "pk")]


@router.post("/tickets/{ticket_id}/work-logs", response={201: WorkLogOut})
def log_work(request: HttpRequest, ticket_id: Id, data: WorkIn) -> Status[WorkLogOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    staff = staff_for(request.user)
    work = actions.log_work(
        ticket,
        staff=staff,
        kind=data.kind,
        raw_minutes=data.minutes,
        started_at=data.started_at,
        emergency=data.emergency,
        note=data.note,
        actor=request.user,
    )
    return Status(201, WorkLogOut.of(work))


class StatusIn(Schema):
    action: Literal["start", "acknowledge", "wait", "resume", "resolve", "close", "reopen"]


@router.post("/tickets/{ticket_id}/status", response=TicketOut)
def change_status(request: HttpRequest, ticket_id: Id, data: StatusIn) -> TicketOut:
    ticket = access.ticket_for(request.user, ticket_id)
    staff_for(request.user)
    change = {
        "start": actions.start_work,
        "acknowledge": actions.acknowledge_receipt,
        "wait": actions.wait_for_customer,
        "resume": actions.customer_replied,
        "resolve": actions.resolve,
        "close": actions.close,
        "reopen": actions.reopen,
    }[data.action]
    return TicketOut.of(change(ticket, actor=request.user))


class PromiseIn(Schema):
    answer_by: Moment


@router.post(
    "/tickets/{ticket_id}/promise",
    response=TicketOut,
    summary="Record the answer time agreed on the phone (R-SLA-6)",
)
def promise(request: HttpRequest, ticket_id: Id, data: PromiseIn) -> TicketOut:
    ticket = access.ticket_for(request.user, ticket_id)
    staff_for(request.user)
    return TicketOut.of(actions.promise_answer(ticket, data.answer_by, actor=request.user))


class QueueItem(TicketOut):
    position: int


@router.get(
    "/queue",
    response=list[QueueItem],
    summary="Open tickets in the order they are worked (R-Q-1, R-Q-2)",
)
@paginate(CursorPages)
def queue(
    request: HttpRequest, view: Literal["all", "mine", "my-customers", "on-call"] = "all"
) -> list[QueueItem]:
    staff = staff_for(request.user)
    return LazyPage(  # type: ignore[return-value]
        queries.queue(staff, view),
        lambda t, position: QueueItem.model_construct(**TicketOut.fields(t), position=position),
        queries.QUEUE_KEYS,
    )


class ScopeLine(Schema):
    id: int
    kind: Annotated[str, OneOf.of(ScopeKind, check=False)]
    text: str
    refer_to: str


@router.get(
    "/tickets/{ticket_id}/scope-options",
    response=list[ScopeLine],
    summary="The plan's included, excluded and referred lines (R-SCP-1)",
)
def scope_options(request: HttpRequest, ticket_id: Id) -> list[ScopeLine]:
    ticket = access.ticket_for(request.user, ticket_id)
    staff_for(request.user)
    if ticket.contract is None:
        return []
    return [
        ScopeLine(id=i.pk, kind=i.kind, text=i.text, refer_to=i.refer_to)
        for i in ticket.contract.plan.scope_items.order_by("kind", "position")
    ]


class ScopeIn(Schema):
    item_id: Id
    note: Annotated[str, Text()] = ""


@router.post("/tickets/{ticket_id}/scope", response=TicketOut)
def classify(request: HttpRequest, ticket_id: Id, data: ScopeIn) -> TicketOut:
    ticket = access.ticket_for(request.user, ticket_id)
    staff_for(request.user)
    item = ScopeItem.objects.filter(pk=data.item_id).first()
    if item is None:
        raise HttpError(400, "item_id: no such scope line")
    return TicketOut.of(actions.classify_scope(ticket, item, note=data.note, actor=request.user))


class SessionIn(Schema):
    starts_at: Moment
    ends_at: Moment
    note: Annotated[str, Text.of(Appointment, "note")] = ""


class SessionOut(Schema):
    id: int
    staff: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: Annotated[str, OneOf.of(Appointment.Status, check=False)]
    note: str

    @staticmethod
    def of(a: Appointment) -> "SessionOut":
        return SessionOut(
            id=a.pk,
            staff=str(a.staff),
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            status=a.status,
            note=a.note,
        )


@router.get("/tickets/{ticket_id}/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest, ticket_id: Id) -> list[SessionOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    sessions = ticket.appointments.select_related("staff__user").order_by("starts_at")
    return [SessionOut.of(a) for a in sessions]


@router.post(
    "/tickets/{ticket_id}/sessions",
    response={201: SessionOut},
    summary="Book a remote session at a time agreed with the customer (R-SLA-7)",
)
def book_session(request: HttpRequest, ticket_id: Id, data: SessionIn) -> Status[SessionOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    staff = staff_for(request.user)
    a = actions.book_remote_session(
        ticket,
        staff=staff,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        note=data.note,
        actor=request.user,
    )
    return Status(201, SessionOut.of(a))


class CallEndIn(Schema):
    note: Annotated[str, Text()] = ""


@router.post(
    "/tickets/{ticket_id}/call/end",
    response={201: WorkLogOut},
    summary="End the call: its length is logged as phone work",
)
def end_call(request: HttpRequest, ticket_id: Id, data: CallEndIn) -> Status[WorkLogOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    staff_for(request.user)
    return Status(201, WorkLogOut.of(actions.end_call(ticket, note=data.note, actor=request.user)))
