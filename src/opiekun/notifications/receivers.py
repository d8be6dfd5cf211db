"""The events staff are told about, from the signals of the apps below (ADR 11). Each
receiver runs inside the action's transaction; ``actions.notify`` keys every row by its
event, so a signal sent twice still tells each person once."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.dispatch import receiver
from django.utils import timezone

from opiekun.core.audit import Actor
from opiekun.customers.models import Contact
from opiekun.mail import signals as mail_signals
from opiekun.notifications import mentions
from opiekun.notifications.actions import Event, notify, notify_many
from opiekun.notifications.models import Kind
from opiekun.staff.models import StaffMember
from opiekun.tickets import signals
from opiekun.tickets.models import Message, SlaNotification, Ticket


def _name(person: StaffMember | None) -> str:
    return str(person) if person is not None else ""


def _is_the_question(ticket: Ticket, message: Message) -> bool:
    question = ticket.description.strip()
    return not question or question == message.body_text.strip()


@receiver(signals.tickets_opened, dispatch_uid="notifications.tickets_opened")
def tickets_opened(
    sender: Any, *, tickets: list[Ticket], actor: Actor = None, **kwargs: Any
) -> None:
    """A new ticket in my queue (assigned to me) or my customers' (I am their manager)."""
    # The people come with the tickets in hand (intake loaded them for the assignment
    # and the audit event); only what is not loaded yet is read, once for all.
    prefetch_related_objects(tickets, "assignee__user", "organisation__account_manager__user")
    notify_many(
        (
            Event(
                Kind.NEW_TICKET,
                ticket,
                (ticket.assignee, ticket.organisation.account_manager),
                f"opened:{ticket.pk}",
            )
            for ticket in tickets
        ),
        actor=actor,
    )


@receiver(signals.customer_wrote, dispatch_uid="notifications.customer_wrote")
def customer_wrote(
    sender: Any, *, messages: list[Message], actor: Actor = None, **kwargs: Any
) -> None:
    """A reply, not a new ticket's question (that one is told as a new ticket): to the
    assignee, or the account manager when nobody is assigned. The question is the
    ticket's first message when it says what the ticket was opened with (e-mail and the
    portal store both) or the ticket was opened empty; a ticket typed in by an agent
    has no message, so the customer's first e-mail on it is a reply."""
    ticket_ids = {m.ticket_id for m in messages}
    firsts: dict[int, int] = {}
    for pk, ticket_id in (
        Message.objects.filter(ticket_id__in=ticket_ids)
        .order_by("ticket_id", "created_at", "pk")
        .values_list("pk", "ticket_id")
    ):
        firsts.setdefault(ticket_id, pk)
    tickets = Ticket.objects.select_related(
        "assignee__user", "organisation__account_manager__user"
    ).in_bulk(ticket_ids)
    # One query for the authors' names, not one per message of a poll's chunk.
    names = dict(
        Contact.objects.filter(
            pk__in={m.author_contact_id for m in messages if m.author_contact_id}
        ).values_list("pk", "full_name")
    )
    events = []
    for message in messages:
        ticket = tickets[message.ticket_id]
        if firsts.get(message.ticket_id) == message.pk and _is_the_question(ticket, message):
            continue
        author = names.get(message.author_contact_id or 0) or message.sender
        events.append(
            Event(
                Kind.CUSTOMER_REPLY,
                ticket,
                (ticket.assignee or ticket.organisation.account_manager,),
                f"message:{message.pk}",
                {"author": author},
            )
        )
    notify_many(events, actor=actor)


@receiver(signals.ticket_assigned, dispatch_uid="notifications.ticket_assigned")
def ticket_assigned(
    sender: Any,
    *,
    ticket: Ticket,
    assignee: StaffMember | None,
    actor: Actor = None,
    **kwargs: Any,
) -> None:
    if assignee is None:
        return
    by = getattr(actor, "staff_member", None) if actor is not None else None
    notify(
        Kind.ASSIGNED,
        ticket,
        [assignee],
        # Assigned to the same person again later is a new event; the moment tells it.
        key=f"assigned:{ticket.pk}:{timezone.now().isoformat()}",
        actor=actor,
        by=_name(by) if isinstance(by, StaffMember) else "",
    )


@receiver(signals.note_added, dispatch_uid="notifications.note_added")
def note_added(sender: Any, *, message: Message, actor: Actor = None, **kwargs: Any) -> None:
    people = [p for p in mentions.mentioned(message.body_text) if p.pk != message.author_staff_id]
    if not people:
        return
    notify(
        Kind.MENTION,
        message.ticket,
        people,
        key=f"mention:{message.pk}",
        actor=actor,
        author=_name(message.author_staff),
    )


@receiver(signals.deadline_noticed, dispatch_uid="notifications.deadline_noticed")
def deadline_noticed(sender: Any, *, notice: SlaNotification, **kwargs: Any) -> None:
    notify(
        Kind.DEADLINE,
        notice.ticket,
        [notice.recipient],
        key=f"sla:{notice.pk}",
        notice=notice.kind,
    )


@receiver(signals.deadlines_noticed, dispatch_uid="notifications.deadlines_noticed")
def deadlines_noticed(sender: Any, *, notices: list[SlaNotification], **kwargs: Any) -> None:
    # The same rows as deadline_noticed, for a sweep's whole pass in a few statements.
    notify_many(
        Event(Kind.DEADLINE, n.ticket, (n.recipient,), f"sla:{n.pk}", {"notice": n.kind})
        for n in notices
    )


@receiver(mail_signals.delivery_failed, dispatch_uid="notifications.delivery_failed")
def delivery_failed(sender: Any, *, message: Message, error: str, **kwargs: Any) -> None:
    ticket = Ticket.objects.select_related("assignee__user").get(pk=message.ticket_id)
    author_id = message.author_staff_id
    author = (
        StaffMember.objects.select_related("user").filter(pk=author_id).first()
        if author_id is not None
        else None
    )
    notify(
        Kind.MAIL_FAILED,
        ticket,
        [author, ticket.assignee],
        # A resent e-mail that fails again is a new failure: the moment tells them apart.
        key=f"mail_failed:{message.pk}:{timezone.now().isoformat()}",
        error=error[:300],
    )


@receiver(mail_signals.deliveries_failed, dispatch_uid="notifications.deliveries_failed")
def deliveries_failed(sender: Any, *, failures: list[tuple[Message, str]], **kwargs: Any) -> None:
    # delivery_failed for a sweep's batch: the tickets with their assignees and the
    # authors are read once for all, and the rows written by one notify_many.
    if not failures:
        return
    tickets = Ticket.objects.select_related("assignee__user").in_bulk(
        {m.ticket_id for m, _error in failures}
    )
    authors = StaffMember.objects.select_related("user").in_bulk(
        {m.author_staff_id for m, _error in failures if m.author_staff_id is not None}
    )
    moment = timezone.now().isoformat()
    notify_many(
        Event(
            Kind.MAIL_FAILED,
            tickets[message.ticket_id],
            (
                authors.get(message.author_staff_id) if message.author_staff_id else None,
                tickets[message.ticket_id].assignee,
            ),
            f"mail_failed:{message.pk}:{moment}",
            {"error": error[:300]},
        )
        for message, error in failures
    )
